/**
 * The reprocessBatch messages: its input (the first generation's, and what each later
 * generation carries over continueAsNew), its custom status and result, the findRecords
 * activity's messages, and how `GET /api/ops/reprocess/{batchId}` reads an instance.
 */
import { AppError } from '../errors';
import type { OrchestrationInstance } from '../ops/instance';
import {
  type AnalysisStatus,
  IMAGE_STATUSES,
  type ImageStatus,
  type ReprocessStep,
} from '../record';
import { parsePipelineSettings } from '../pipeline/pipeline';
import { parseReprocessSteps, type ReprocessImageInput } from './reprocess';
import type { RecordFilter } from './filter';
import {
  isObject,
  type Json,
  objectField,
  positiveIntField,
  stringField,
} from '../pipeline/validate';

export const DEFAULT_MAX_CONCURRENCY = 8;
export const MAX_CONCURRENCY_LIMIT = 64;
/** Children started per generation before continueAsNew keeps the history small. */
export const DEFAULT_CHILDREN_PER_GENERATION = 200;
export const MAX_CHILDREN_PER_GENERATION = 1000;
/** Record ids fetched per findRecords call while a batch collects its images. */
export const FIND_PAGE_SIZE = 500;

const ANALYSIS_STATUSES: readonly AnalysisStatus[] = ['Completed', 'Deferred', 'Failed', 'Skipped'];

/** Where a batch is, carried from one generation to the next. */
export interface BatchCarry {
  /** Images not started yet, in the order they will be. */
  pending: string[];
  total: number;
  completed: number;
  failed: number;
  /** A cancel was received: nothing more is started. */
  canceled: boolean;
  generation: number;
}

export interface ReprocessBatchInput extends Pick<
  ReprocessImageInput,
  'variants' | 'analyzer' | 'maxInputPixels' | 'vision'
> {
  batchId: string;
  filter: RecordFilter;
  steps: ReprocessStep[];
  maxConcurrency: number;
  childrenPerGeneration: number;
  /** Absent in the first generation, which collects the matching ids. */
  carry?: BatchCarry;
}

export type BatchStatus = 'Running' | 'Completed' | 'Canceled' | 'Failed';

/** The batch's custom status while it runs, and (with its final status) its output. */
export interface BatchProgress {
  total: number;
  completed: number;
  failed: number;
  running: number;
  status: Exclude<BatchStatus, 'Failed'>;
  cancelRequested: boolean;
}

/** The batch's output: its final progress (nothing running) and what was never started. */
export interface ReprocessBatchResult extends BatchProgress {
  batchId: string;
  notStarted: number;
}

export interface FindRecordsInput {
  filter: RecordFilter;
  limit: number;
  continuationToken?: string;
}

export interface FindRecordsOutput {
  ids: string[];
  continuationToken: string | null;
}

/** What `GET /api/ops/reprocess/{batchId}` answers. */
export interface BatchView {
  batchId: string;
  status: BatchStatus;
  total: number;
  completed: number;
  failed: number;
  running: number;
  /** Matched but never started: the batch was canceled, or failed, before their turn. */
  notStarted: number;
  cancelRequested: boolean;
  steps: ReprocessStep[];
  createdAt: string;
  lastUpdatedAt: string;
}

export function batchInstanceId(batchId: string): string {
  return `reprocess-${batchId}`;
}

function stringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new AppError('INVALID_INPUT', `${what} must be an array of strings`);
  }
  return value;
}

function count(source: Json, key: string, what: string): number {
  const value = source[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new AppError('INVALID_INPUT', `${what}.${key} must be a non-negative integer`);
  }
  return value;
}

/** A filter as it travels in messages; the HTTP layer has already validated its values. */
export function parseRecordFilter(value: unknown, what = 'filter'): RecordFilter {
  const source = objectField(value, what);
  const filter: RecordFilter = {};
  if (source.statuses !== undefined) {
    const statuses = stringList(source.statuses, `${what}.statuses`);
    if (!statuses.every((status) => (IMAGE_STATUSES as readonly string[]).includes(status))) {
      throw new AppError('INVALID_INPUT', `${what}.statuses lists an unknown status`);
    }
    filter.statuses = statuses as ImageStatus[];
  }
  if (source.analysisStatus !== undefined) {
    const status = source.analysisStatus;
    if (!ANALYSIS_STATUSES.includes(status as AnalysisStatus)) {
      throw new AppError('INVALID_INPUT', `${what}.analysisStatus is not an analysis status`);
    }
    filter.analysisStatus = status as AnalysisStatus;
  }
  if (source.createdFrom !== undefined) {
    filter.createdFrom = stringField(source, 'createdFrom', `${what}.createdFrom`);
  }
  if (source.createdTo !== undefined) {
    filter.createdTo = stringField(source, 'createdTo', `${what}.createdTo`);
  }
  if (source.ids !== undefined) filter.ids = stringList(source.ids, `${what}.ids`);
  return filter;
}

function parseCarry(value: unknown): BatchCarry {
  const source = objectField(value, 'carry');
  return {
    pending: stringList(source.pending, 'carry.pending'),
    total: count(source, 'total', 'carry'),
    completed: count(source, 'completed', 'carry'),
    failed: count(source, 'failed', 'carry'),
    canceled: source.canceled === true,
    generation: count(source, 'generation', 'carry'),
  };
}

export function parseReprocessBatchInput(value: unknown): ReprocessBatchInput {
  const source = objectField(value, 'reprocessBatch input');
  const maxConcurrency = positiveIntField(source, 'maxConcurrency');
  const childrenPerGeneration = positiveIntField(source, 'childrenPerGeneration');
  if (maxConcurrency > MAX_CONCURRENCY_LIMIT) {
    throw new AppError('INVALID_INPUT', `maxConcurrency must be at most ${MAX_CONCURRENCY_LIMIT}`);
  }
  return {
    batchId: stringField(source, 'batchId'),
    filter: parseRecordFilter(source.filter),
    steps: parseReprocessSteps(source.steps, 'steps'),
    maxConcurrency,
    childrenPerGeneration: Math.min(childrenPerGeneration, MAX_CHILDREN_PER_GENERATION),
    ...parsePipelineSettings(source),
    ...(source.carry === undefined ? {} : { carry: parseCarry(source.carry) }),
  };
}

export function parseFindRecordsInput(value: unknown): FindRecordsInput {
  const source = objectField(value, 'findRecords input');
  const token = source.continuationToken;
  return {
    filter: parseRecordFilter(source.filter),
    limit: positiveIntField(source, 'limit'),
    ...(typeof token === 'string' && token !== '' ? { continuationToken: token } : {}),
  };
}

function nonNegative(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function progressOf(value: unknown): Omit<BatchProgress, 'status'> & { status?: string } {
  const source = isObject(value) ? value : {};
  return {
    total: nonNegative(source.total),
    completed: nonNegative(source.completed),
    failed: nonNegative(source.failed),
    running: nonNegative(source.running),
    cancelRequested: source.cancelRequested === true,
    ...(typeof source.status === 'string' ? { status: source.status } : {}),
  };
}

function statusOf(runtimeStatus: string, reported: string | undefined): BatchStatus {
  switch (runtimeStatus) {
    case 'Completed':
      return reported === 'Canceled' ? 'Canceled' : 'Completed';
    case 'Failed':
      return 'Failed';
    case 'Terminated':
    case 'Canceled':
      return 'Canceled';
    default:
      return 'Running';
  }
}

/** A reprocessBatch instance as the status route shows it. */
export function batchView(batchId: string, instance: OrchestrationInstance): BatchView {
  const finished = instance.runtimeStatus === 'Completed';
  const progress = progressOf(finished ? instance.output : instance.customStatus);
  const status = statusOf(instance.runtimeStatus, progress.status);
  const running = status === 'Running' ? progress.running : 0;
  const input = isObject(instance.input) ? instance.input : {};
  let steps: ReprocessStep[] = [];
  try {
    steps = parseReprocessSteps(input.steps, 'steps');
  } catch {
    // An input without steps (not a batch this app started) shows none.
  }
  return {
    batchId,
    status,
    total: progress.total,
    completed: progress.completed,
    failed: progress.failed,
    running,
    notStarted: Math.max(0, progress.total - progress.completed - progress.failed - running),
    cancelRequested: progress.cancelRequested,
    steps,
    createdAt: instance.createdTime,
    lastUpdatedAt: instance.lastUpdatedTime,
  };
}
