/**
 * The processImage pipeline's messages (orchestration input, activity inputs and outputs) and the
 * pure decisions the orchestrator makes from them. Everything here is plain JSON: it travels
 * through the durable history.
 */
import { AppError, type ErrorInfo } from '../errors';
import type { ExifSummary } from '../analysis/exif';
import type { ImageFormat } from './formats';
import { failureInfo, type Failure, type Outcome } from '../outcome';
import {
  ANALYZER_KINDS,
  type Analysis,
  type AnalyzerKind,
  type ImageRecord,
  type ImageStatus,
  type Step,
  type VariantRecord,
} from '../record';
import {
  isObject,
  type Json,
  objectField,
  oneOf,
  optionalString,
  positiveIntField,
  stringField,
} from './validate';
import type { VisionPlan } from '../gate/endpoints';
import { parseVisionPlan } from '../gate/messages';
import { VARIANT_FORMATS, VARIANT_NAMES, type VariantSpec, variantUrl } from './variants';

/** Everything the orchestrator needs, so that it reads no configuration while replaying. */
export interface ProcessImageInput {
  imageId: string;
  /** Name of the uploaded blob in the incoming container. */
  blobName: string;
  source: { filename: string | null; contentType: string | null };
  variants: VariantSpec[];
  analyzer: AnalyzerKind;
  maxInputPixels: number;
  /** The gates to analyse through when the analyzer is `azure`. */
  vision?: VisionPlan;
}

export interface ProcessImageResult {
  imageId: string;
  status: ImageStatus;
  error?: ErrorInfo;
}

export interface InspectImageInput {
  blobName: string;
  maxInputPixels: number;
}

export interface Inspection {
  format: ImageFormat;
  contentType: string;
  /** Display size, after EXIF orientation. */
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  exif: ExifSummary | null;
}

export type InspectImageOutput = Outcome<Inspection>;

export interface ResizeImageInput {
  imageId: string;
  blobName: string;
  variant: VariantSpec;
  maxInputPixels: number;
}

/** What a resize produced: the variant's record before it has a URL. */
export type RenderedVariant = Omit<VariantRecord, 'url'>;

export type ResizeImageOutput = Outcome<RenderedVariant>;

export interface AnalyzeImageInput {
  imageId: string;
  blobName: string;
  provider: Exclude<AnalyzerKind, 'none'>;
  maxInputPixels: number;
}

export type AnalyzeImageOutput = Outcome<Analysis>;

export interface SaveRecordInput {
  record: ImageRecord;
}

export interface SaveRecordOutput {
  saved: boolean;
}

/**
 * Retry policy for every activity: transient failures (storage throttling, a restarted worker)
 * usually clear within seconds; four attempts over ~14 s, capped per wait at 30 s.
 */
export const ACTIVITY_RETRY = {
  firstRetryIntervalInMilliseconds: 2000,
  backoffCoefficient: 2,
  maxNumberOfAttempts: 4,
  maxRetryIntervalInMilliseconds: 30_000,
} as const;

function parseVariant(value: unknown, what: string): VariantSpec {
  const spec = objectField(value, what);
  return {
    name: oneOf(spec, 'name', VARIANT_NAMES, `${what}.name`),
    maxWidth: positiveIntField(spec, 'maxWidth', `${what}.maxWidth`),
    maxHeight: positiveIntField(spec, 'maxHeight', `${what}.maxHeight`),
    format: oneOf(spec, 'format', VARIANT_FORMATS, `${what}.format`),
  };
}

/** The settings every processing orchestrator carries from configuration. */
export type PipelineSettings = Pick<
  ProcessImageInput,
  'variants' | 'analyzer' | 'maxInputPixels' | 'vision'
>;

export function parsePipelineSettings(source: Json): PipelineSettings {
  if (!Array.isArray(source.variants)) {
    throw new AppError('INVALID_INPUT', 'variants must be an array');
  }
  return {
    variants: source.variants.map((variant, index) => parseVariant(variant, `variants[${index}]`)),
    analyzer: oneOf(source, 'analyzer', ANALYZER_KINDS),
    maxInputPixels: positiveIntField(source, 'maxInputPixels'),
    ...(source.vision === undefined ? {} : { vision: parseVisionPlan(source.vision) }),
  };
}

export function parseProcessImageInput(value: unknown): ProcessImageInput {
  const input = objectField(value, 'processImage input');
  const source = isObject(input.source) ? input.source : {};
  return {
    imageId: stringField(input, 'imageId'),
    blobName: stringField(input, 'blobName'),
    source: {
      filename: optionalString(source, 'filename'),
      contentType: optionalString(source, 'contentType'),
    },
    ...parsePipelineSettings(input),
  };
}

export function parseInspectImageInput(value: unknown): InspectImageInput {
  const input = objectField(value, 'inspectImage input');
  return {
    blobName: stringField(input, 'blobName'),
    maxInputPixels: positiveIntField(input, 'maxInputPixels'),
  };
}

export function parseResizeImageInput(value: unknown): ResizeImageInput {
  const input = objectField(value, 'resizeImage input');
  return {
    imageId: stringField(input, 'imageId'),
    blobName: stringField(input, 'blobName'),
    variant: parseVariant(input.variant, 'variant'),
    maxInputPixels: positiveIntField(input, 'maxInputPixels'),
  };
}

export function parseAnalyzeImageInput(value: unknown): AnalyzeImageInput {
  const input = objectField(value, 'analyzeImage input');
  return {
    imageId: stringField(input, 'imageId'),
    blobName: stringField(input, 'blobName'),
    provider: oneOf(input, 'provider', ['local', 'azure'] as const),
    maxInputPixels: positiveIntField(input, 'maxInputPixels'),
  };
}

export function parseSaveRecordInput(value: unknown): SaveRecordInput {
  const input = objectField(value, 'saveRecord input');
  const record = objectField(input.record, 'record');
  stringField(record, 'id', 'record.id');
  return { record: record as unknown as ImageRecord };
}

export function toVariantRecord(imageId: string, variant: RenderedVariant): VariantRecord {
  return { ...variant, url: variantUrl(imageId, variant.name) };
}

/** What happened to the analysis branch of the fan-out. */
export type AnalysisOutcome = Outcome<Analysis> | { readonly ok: 'skipped' };

export interface Verdict {
  status: ImageStatus;
  error?: ErrorInfo;
  analysis: Analysis;
}

/**
 * The image's final status from the fan-out results. A missing variant fails the image (clients
 * rely on all three); a missing analysis only downgrades it to CompletedWithWarnings, because the
 * variants are still good and the analysis can be redone later.
 */
export function decideVerdict(
  provider: AnalyzerKind,
  variants: readonly Outcome<RenderedVariant>[],
  analysis: AnalysisOutcome,
): Verdict {
  const analysisRecord: Analysis =
    analysis.ok === 'skipped'
      ? { status: 'Skipped', provider: 'none' }
      : analysis.ok
        ? analysis.value
        : {
            status: analysis.code === 'ANALYSIS_DEFERRED' ? 'Deferred' : 'Failed',
            provider,
            error: failureInfo(analysis),
          };
  const failedVariant = variants.find((outcome): outcome is Failure => !outcome.ok);
  if (failedVariant !== undefined) {
    return { status: 'Failed', error: failureInfo(failedVariant), analysis: analysisRecord };
  }
  if (analysis.ok === false) {
    const code = analysis.code === 'ANALYSIS_DEFERRED' ? 'ANALYSIS_DEFERRED' : 'ANALYSIS_FAILED';
    return {
      status: 'CompletedWithWarnings',
      error: { code, message: analysis.message },
      analysis: analysisRecord,
    };
  }
  return { status: 'Completed', analysis: analysisRecord };
}

export interface RecordFacts {
  input: ProcessImageInput;
  instanceId: string;
  /** When the orchestration started; the record's createdAt unless one is already stored. */
  startedAt: string;
  at: string;
  steps: Step[];
  inspection?: Inspection;
}

function sourceOf(facts: RecordFacts): ImageRecord['source'] {
  const { inspection, input } = facts;
  return {
    filename: input.source.filename,
    contentType: inspection?.contentType ?? input.source.contentType,
    bytes: inspection?.bytes ?? null,
    width: inspection?.width ?? null,
    height: inspection?.height ?? null,
    format: inspection?.format ?? null,
    sha256: inspection?.sha256 ?? null,
  };
}

function baseRecord(facts: RecordFacts, runtimeStatus: string): Omit<ImageRecord, 'status'> {
  return {
    id: facts.input.imageId,
    createdAt: facts.startedAt,
    updatedAt: facts.at,
    source: sourceOf(facts),
    variants: [],
    analysis: null,
    steps: facts.steps,
    exif: facts.inspection?.exif ?? null,
    orchestration: { instanceId: facts.instanceId, runtimeStatus },
  };
}

/** Written once the header is known, so listings show the image as Processing. */
export function processingRecord(facts: RecordFacts): ImageRecord {
  return { ...baseRecord(facts, 'Running'), status: 'Processing' };
}

/** The record of a run that stopped at inspection or at a step that kept failing. */
export function failedRecord(facts: RecordFacts, error: ErrorInfo): ImageRecord {
  // Saving is the orchestration's last action, so the stored run status is its final one.
  return { ...baseRecord(facts, 'Completed'), status: 'Failed', error };
}

export function finishedRecord(
  facts: RecordFacts,
  verdict: Verdict,
  variants: readonly Outcome<RenderedVariant>[],
): ImageRecord {
  const rendered = variants.flatMap((outcome) =>
    outcome.ok ? [toVariantRecord(facts.input.imageId, outcome.value)] : [],
  );
  const record: ImageRecord = {
    ...baseRecord(facts, 'Completed'),
    status: verdict.status,
    variants: verdict.status === 'Failed' ? [] : rendered,
    analysis: verdict.analysis,
  };
  if (verdict.error !== undefined) record.error = verdict.error;
  return record;
}
