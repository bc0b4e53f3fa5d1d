/**
 * Which records a reprocessing works on: the filter of `POST /api/ops/reprocess`, also used by
 * the deferred-analysis sweep. Every field present narrows the match. Matches come oldest first
 * by `createdAt`. The record store turns a filter into its own query; `matchesFilter` states the
 * same rules in plain code, for in-memory stores and for tests.
 */
import type { AnalysisStatus, ImageRecord, ImageStatus } from '../record';

export interface RecordFilter {
  /** Any of these statuses. */
  statuses?: ImageStatus[];
  analysisStatus?: AnalysisStatus;
  /** ISO 8601 UTC as `toISOString` writes it; inclusive. */
  createdFrom?: string;
  /** ISO 8601 UTC as `toISOString` writes it; inclusive. */
  createdTo?: string;
  /** Only these image ids. */
  ids?: string[];
}

/** What a search returns about each matching record: enough to decide what to start. */
export interface RecordRef {
  id: string;
  createdAt: string;
  status: ImageStatus;
  /** 1 when the record has never been reprocessed. */
  processingVersion: number;
}

export interface RecordRefPage {
  items: RecordRef[];
  /** The store's own token for the next page; null on the last one. */
  continuationToken: string | null;
}

/** The record's processing version; records written before reprocessing existed are at 1. */
export function processingVersionOf(record: Pick<ImageRecord, 'processingVersion'>): number {
  return record.processingVersion ?? 1;
}

export function matchesFilter(record: ImageRecord, filter: RecordFilter): boolean {
  if (filter.statuses !== undefined && !filter.statuses.includes(record.status)) return false;
  if (filter.analysisStatus !== undefined && record.analysis?.status !== filter.analysisStatus) {
    return false;
  }
  if (filter.createdFrom !== undefined && record.createdAt < filter.createdFrom) return false;
  if (filter.createdTo !== undefined && record.createdAt > filter.createdTo) return false;
  if (filter.ids !== undefined && !filter.ids.includes(record.id)) return false;
  return true;
}

export function refOf(record: ImageRecord): RecordRef {
  return {
    id: record.id,
    createdAt: record.createdAt,
    status: record.status,
    processingVersion: processingVersionOf(record),
  };
}
