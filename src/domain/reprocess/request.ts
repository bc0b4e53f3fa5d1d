/**
 * The body of `POST /api/ops/reprocess`, checked field by field. Every mistake is a
 * `400 INVALID_REQUEST` whose message names the field. Unknown fields are refused too: a
 * misspelt filter field that was silently ignored would widen the batch, and reprocessing
 * images nobody meant to is slow and, with Azure AI Vision, paid for. For the same reason the
 * filter must name at least one field: there is no "reprocess everything" by omission.
 */
import { AppError } from '../errors';
import { isImageId } from '../ids';
import {
  type AnalysisStatus,
  type ImageStatus,
  isFinished,
  isImageStatus,
  REPROCESS_STEPS,
  type ReprocessStep,
} from '../record';
import { DEFAULT_MAX_CONCURRENCY, MAX_CONCURRENCY_LIMIT } from './batch';
import type { RecordFilter } from './filter';
import { isObject, type Json } from '../pipeline/validate';

/** Ids one request may list; larger sets are better described by status or time. */
export const MAX_FILTER_IDS = 1000;

const FILTER_FIELDS = ['status', 'analysisStatus', 'createdFrom', 'createdTo', 'ids'] as const;
const BODY_FIELDS = ['filter', 'steps', 'dryRun', 'maxConcurrency'] as const;
const ANALYSIS_STATUSES: readonly AnalysisStatus[] = ['Completed', 'Deferred', 'Failed', 'Skipped'];
const FINISHED_STATUSES = ['Completed', 'CompletedWithWarnings', 'Failed'] as const;
/** A calendar day (midnight UTC) or a date-time with an explicit zone: never local time. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export interface ReprocessRequest {
  filter: RecordFilter;
  steps: ReprocessStep[];
  dryRun: boolean;
  maxConcurrency: number;
}

function invalid(message: string): AppError {
  return new AppError('INVALID_REQUEST', message);
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}

function refuseUnknown(source: Json, known: readonly string[], where: string): void {
  const unknown = Object.keys(source).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw invalid(
      `${where}${unknown.slice(0, 40)} is not a known field; use ${known.map((k) => where + k).join(', ')}`,
    );
  }
}

function parseStatuses(value: unknown): ImageStatus[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0) throw invalid('filter.status must name at least one status');
  const statuses = list.map((item) => {
    if (!isImageStatus(item)) {
      throw invalid(
        `filter.status ${shown(item)} is not an image status; use ${FINISHED_STATUSES.join(', ')}`,
      );
    }
    if (!isFinished(item)) {
      throw invalid(
        `filter.status ${item} is refused: images still being processed are not reprocessed; ` +
          `use ${FINISHED_STATUSES.join(', ')}`,
      );
    }
    return item;
  });
  return [...new Set(statuses)];
}

function parseAnalysisStatus(value: unknown): AnalysisStatus {
  const match = ANALYSIS_STATUSES.find((status) => status === value);
  if (match === undefined) {
    throw invalid(
      `filter.analysisStatus ${shown(value)} is not an analysis status; use one of ${ANALYSIS_STATUSES.join(', ')}`,
    );
  }
  return match;
}

function parseInstant(value: unknown, field: string): string {
  const ms = typeof value === 'string' && ISO_DATE.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw invalid(
      `${field} must be an ISO 8601 date (2026-11-01) or date-time with a zone ` +
        `(2026-11-01T08:00:00Z); got ${shown(value)}`,
    );
  }
  return new Date(ms).toISOString();
}

function parseIds(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid('filter.ids must be a non-empty array of image ids');
  }
  if (value.length > MAX_FILTER_IDS) {
    throw invalid(`filter.ids may list at most ${MAX_FILTER_IDS} ids; got ${value.length}`);
  }
  const ids = (value as unknown[]).map((id, index) => {
    if (typeof id !== 'string' || !isImageId(id)) {
      throw invalid(`filter.ids[${index}] ${shown(id)} is not an image id`);
    }
    return id;
  });
  return [...new Set(ids)];
}

function parseFilter(value: unknown): RecordFilter {
  if (value === undefined) {
    throw invalid(
      `filter is required and must name at least one of ${FILTER_FIELDS.map((f) => `filter.${f}`).join(', ')}`,
    );
  }
  if (!isObject(value)) throw invalid('filter must be an object');
  refuseUnknown(value, FILTER_FIELDS, 'filter.');
  const present = FILTER_FIELDS.filter((field) => value[field] !== undefined);
  if (present.length === 0) {
    throw invalid(
      `filter must name at least one of ${FILTER_FIELDS.map((f) => `filter.${f}`).join(', ')}: ` +
        'an empty filter would reprocess every image',
    );
  }
  const filter: RecordFilter = {};
  if (value.status !== undefined) filter.statuses = parseStatuses(value.status);
  if (value.analysisStatus !== undefined) {
    filter.analysisStatus = parseAnalysisStatus(value.analysisStatus);
  }
  if (value.createdFrom !== undefined) {
    filter.createdFrom = parseInstant(value.createdFrom, 'filter.createdFrom');
  }
  if (value.createdTo !== undefined) {
    filter.createdTo = parseInstant(value.createdTo, 'filter.createdTo');
  }
  if (
    filter.createdFrom !== undefined &&
    filter.createdTo !== undefined &&
    filter.createdFrom > filter.createdTo
  ) {
    throw invalid('filter.createdFrom must not be after filter.createdTo');
  }
  if (value.ids !== undefined) filter.ids = parseIds(value.ids);
  return filter;
}

function parseSteps(value: unknown): ReprocessStep[] {
  if (value === undefined) return [...REPROCESS_STEPS];
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid(`steps must be a non-empty array of ${REPROCESS_STEPS.join(', ')}`);
  }
  const steps = (value as unknown[]).map((step, index) => {
    const match = REPROCESS_STEPS.find((known) => known === step);
    if (match === undefined) {
      throw invalid(
        `steps[${index}] ${shown(step)} is not a step; use ${REPROCESS_STEPS.join(', ')}`,
      );
    }
    return match;
  });
  return REPROCESS_STEPS.filter((step) => steps.includes(step));
}

function parseMaxConcurrency(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_CONCURRENCY;
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < 1 ||
    value > MAX_CONCURRENCY_LIMIT
  ) {
    throw invalid(`maxConcurrency must be an integer from 1 to ${MAX_CONCURRENCY_LIMIT}`);
  }
  return value;
}

export function parseReprocessRequest(body: unknown): ReprocessRequest {
  if (!isObject(body)) {
    throw invalid('The body must be a JSON object like {"filter":{"status":"Failed"}}');
  }
  refuseUnknown(body, BODY_FIELDS, '');
  if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') {
    throw invalid('dryRun must be true or false');
  }
  return {
    filter: parseFilter(body.filter),
    steps: parseSteps(body.steps),
    dryRun: body.dryRun === true,
    maxConcurrency: parseMaxConcurrency(body.maxConcurrency),
  };
}
