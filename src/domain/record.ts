/**
 * The image record: the document stored in Cosmos DB and returned by `GET /api/images/{id}`.
 */
import type { ErrorInfo } from './errors';
import { isErrorCode } from './errors';
import type { ExifSummary } from './analysis/exif';
import type { ImageFormat } from './pipeline/formats';
import { isObject } from './pipeline/validate';
import type { VariantFormat, VariantName } from './pipeline/variants';

export const IMAGE_STATUSES = [
  'Accepted',
  'Processing',
  'Completed',
  'CompletedWithWarnings',
  'Failed',
] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

const FINISHED: ReadonlySet<ImageStatus> = new Set([
  'Completed',
  'CompletedWithWarnings',
  'Failed',
]);

export function isImageStatus(value: unknown): value is ImageStatus {
  return typeof value === 'string' && (IMAGE_STATUSES as readonly string[]).includes(value);
}

/** Finished records no longer change on their own; clients stop polling. */
export function isFinished(status: ImageStatus): boolean {
  return FINISHED.has(status);
}

export const ANALYZER_KINDS = ['azure', 'local', 'none'] as const;
export type AnalyzerKind = (typeof ANALYZER_KINDS)[number];

export type AnalysisStatus = 'Completed' | 'Deferred' | 'Failed' | 'Skipped';

export interface Tag {
  readonly name: string;
  readonly confidence: number;
}

/** A region of the source image, in source pixels, suggested for a crop of `aspectRatio`. */
export interface SmartCrop {
  readonly aspectRatio: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A rectangle of the source image, in source pixels (upright, after EXIF orientation). */
export interface BoundingBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Something a detector found: a COCO class name (`cat`, `cup`, `person`, ...) and where. */
export interface DetectedObject {
  readonly name: string;
  readonly confidence: number;
  readonly box: BoundingBox;
}

/** A person or a face found in the image. */
export interface DetectedRegion {
  readonly confidence: number;
  readonly box: BoundingBox;
}

/**
 * Content-safety scores, each 0..1: `adult` (explicit), `racy` (suggestive), plus the classifier's
 * own classes in `scores`. `flagged` when `adult` or `racy` reaches the configured threshold.
 */
export interface Moderation {
  readonly adult: number;
  readonly racy: number;
  readonly flagged: boolean;
  readonly threshold: number;
  readonly scores: Readonly<Record<string, number>>;
}

export interface Analysis {
  status: AnalysisStatus;
  provider: AnalyzerKind;
  /** The analyzer's output version (see analyzer-versions.ts), when it records one. */
  providerVersion?: string;
  /** The models that produced this analysis, as `name@version`. */
  models?: string[];
  objects?: DetectedObject[];
  /** People (whole persons) found by the object detector. */
  people?: DetectedRegion[];
  faces?: DetectedRegion[];
  moderation?: Moderation;
  caption?: string;
  tags?: Tag[];
  text?: string;
  colors?: string[];
  blurhash?: string;
  phash?: string;
  /** Azure AI Vision's suggested crops (one per requested aspect ratio, e.g. the thumbnail's). */
  smartCrops?: SmartCrop[];
  error?: ErrorInfo;
}

export type StepStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Skipped';

export interface Step {
  name: string;
  status: StepStatus;
  attempts: number;
  startedAt: string | null;
  completedAt: string | null;
  error?: ErrorInfo;
}

export interface SourceInfo {
  filename: string | null;
  contentType: string | null;
  bytes: number | null;
  width: number | null;
  height: number | null;
  format: ImageFormat | null;
  sha256: string | null;
}

export interface VariantRecord {
  name: VariantName;
  width: number;
  height: number;
  format: VariantFormat;
  contentType: string;
  bytes: number;
  url: string;
}

export interface OrchestrationRef {
  /**
   * Null until the image's blob exists: an upload URL hands out the id before the bytes arrive,
   * and the instance id depends on the blob's ETag.
   */
  instanceId: string | null;
  /** As last known: the stored value, or the live value merged in on read. */
  runtimeStatus: string;
}

/** What a reprocessing can redo: the variants, the analysis, or both. */
export const REPROCESS_STEPS = ['resize', 'analyze'] as const;
export type ReprocessStep = (typeof REPROCESS_STEPS)[number];

/** One reprocessing applied to the record, oldest first in `ImageRecord.reprocessings`. */
export interface Reprocessing {
  /** The record's `processingVersion` this reprocessing produced. */
  version: number;
  /** The batch that asked for it; null for a single reprocessing (the deferred-analysis sweep). */
  batchId: string | null;
  /** The steps redone. */
  steps: ReprocessStep[];
  /** When the reprocessing of this image started, and when its result was saved. */
  requestedAt: string;
  completedAt: string;
  /** The image's status after it. */
  status: ImageStatus;
  /** The reprocessImage instance that did it: applying the same one twice changes nothing. */
  instanceId: string;
  error?: ErrorInfo;
}

export interface ImageRecord {
  id: string;
  status: ImageStatus;
  createdAt: string;
  updatedAt: string;
  source: SourceInfo;
  variants: VariantRecord[];
  analysis: Analysis | null;
  steps: Step[];
  error?: ErrorInfo;
  exif: ExifSummary | null;
  orchestration: OrchestrationRef;
  /**
   * How many processing runs produced this record: 1 after the upload's run, plus one per
   * reprocessing. Absent on records no reprocessing has touched, which read as 1.
   */
  processingVersion?: number;
  /** Every reprocessing applied, oldest first (the latest 50 are kept). Absent until the first. */
  reprocessings?: Reprocessing[];
  /**
   * The processing spec the upload's run used (variant boxes and format, analyzer and its
   * version; see lifecycle/processing-spec.ts): two uploads of the same bytes under the same
   * spec share their results. Absent on records saved before specs were recorded.
   */
  processingSpec?: string;
  /** Set when the upload's run took its variants and analysis over from an earlier twin. */
  reusedFrom?: ReusedFrom;
}

/**
 * The twin an image took its results from: an earlier Completed image with the same bytes and
 * the same processing spec. The variants were copied into this image's own blobs and the
 * analysis into its own record, so each stays whole when the other is deleted or reprocessed.
 */
export interface ReusedFrom {
  id: string;
  processingSpec: string;
}

export interface AcceptedInit {
  id: string;
  now: Date;
  filename: string | null;
  /** Null when the bytes have not been seen yet (an upload URL was handed out). */
  format: ImageFormat | null;
  contentType: string;
  bytes: number | null;
  sha256: string | null;
  instanceId: string | null;
}

/**
 * The record written when an upload is accepted, before the orchestration has looked at it.
 * Facts only a look at the bytes can establish stay null until inspection fills them in.
 */
export function acceptedRecord(init: AcceptedInit): ImageRecord {
  const at = init.now.toISOString();
  return {
    id: init.id,
    status: 'Accepted',
    createdAt: at,
    updatedAt: at,
    source: {
      filename: init.filename,
      contentType: init.contentType,
      bytes: init.bytes,
      width: null,
      height: null,
      format: init.format,
      sha256: init.sha256,
    },
    variants: [],
    analysis: null,
    steps: [],
    exif: null,
    orchestration: { instanceId: init.instanceId, runtimeStatus: 'Pending' },
  };
}

function keepNonNull<T extends object>(base: T, overlay: T): T {
  const merged = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value !== null && value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

/**
 * What an upsert should store given the record already there. The stored `createdAt` (the upload
 * time) wins over the orchestration's start time, and
 * source facts already known (from the upload) are kept when the new record lacks them. Returns
 * undefined when writing would move the same run backwards (a late duplicate of an earlier
 * progress write arriving after the final one): at-least-once delivery must not undo a finish.
 */
export function mergeForSave(
  existing: ImageRecord | undefined,
  next: ImageRecord,
): ImageRecord | undefined {
  if (existing === undefined) return next;
  const sameRun = existing.orchestration.instanceId === next.orchestration.instanceId;
  if (sameRun && isFinished(existing.status) && !isFinished(next.status)) return undefined;
  return {
    ...next,
    createdAt: existing.createdAt,
    source: keepNonNull(existing.source, next.source),
    exif: next.exif ?? existing.exif,
    // A rerun of the upload's own run (an operator restart) keeps the reprocessing history.
    ...(next.processingVersion === undefined && existing.processingVersion !== undefined
      ? { processingVersion: existing.processingVersion }
      : {}),
    ...(next.reprocessings === undefined && existing.reprocessings !== undefined
      ? { reprocessings: existing.reprocessings }
      : {}),
  };
}

const RECORD_KEYS = [
  'id',
  'status',
  'createdAt',
  'updatedAt',
  'source',
  'variants',
  'analysis',
  'steps',
  'error',
  'exif',
  'orchestration',
  'processingVersion',
  'reprocessings',
  'processingSpec',
  'reusedFrom',
] as const;

/**
 * A stored document as a record, without database bookkeeping (`_rid`, `_etag`, ...). Returns
 * undefined for documents that are not image records.
 */
export function toImageRecord(document: unknown): ImageRecord | undefined {
  if (!isObject(document)) return undefined;
  if (typeof document.id !== 'string' || !isImageStatus(document.status)) return undefined;
  if (!isObject(document.source) || !isObject(document.orchestration)) return undefined;
  const picked: Record<string, unknown> = {};
  for (const key of RECORD_KEYS) {
    if (document[key] !== undefined) picked[key] = document[key];
  }
  if (!Array.isArray(picked.variants)) picked.variants = [];
  if (!Array.isArray(picked.steps)) picked.steps = [];
  picked.analysis ??= null;
  picked.exif ??= null;
  if (!isObject(picked.error) || !isErrorCode(picked.error.code)) delete picked.error;
  const version = picked.processingVersion;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    delete picked.processingVersion;
  }
  if (!Array.isArray(picked.reprocessings)) delete picked.reprocessings;
  return picked as unknown as ImageRecord;
}
