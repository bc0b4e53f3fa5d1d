/**
 * The reprocessImage messages (orchestration input and result, activity inputs and outputs) and
 * the instance ids reprocessing uses. Everything here is plain JSON: it travels through durable
 * histories.
 */
import { AppError, type ErrorInfo } from '../errors';
import {
  type AnalysisOutcome,
  type Inspection,
  parsePipelineSettings,
  type RenderedVariant,
} from '../pipeline/pipeline';
import type { Outcome } from '../outcome';
import {
  ANALYZER_KINDS,
  type AnalyzerKind,
  type ImageStatus,
  REPROCESS_STEPS,
  type ReprocessStep,
  type Step,
} from '../record';
import { type Json, objectField, oneOf, stringField } from '../pipeline/validate';
import type { VariantSpec } from '../pipeline/variants';
import type { VisionPlan } from '../gate/endpoints';

/** Everything one image's reprocessing needs, so the orchestrator reads no configuration. */
export interface ReprocessImageInput {
  imageId: string;
  /** What to redo; the rest of the record is kept. Never empty. */
  steps: ReprocessStep[];
  /** The batch it belongs to; null when started on its own. */
  batchId: string | null;
  variants: VariantSpec[];
  analyzer: AnalyzerKind;
  maxInputPixels: number;
  /** The gates to analyse through when the analyzer is `azure`. */
  vision?: VisionPlan;
}

/**
 * What a reprocessing did. `reprocessed` is false when nothing was saved (unknown image, an
 * image still being processed, or a save that kept failing); `status` is then `Failed`.
 * Otherwise `status` and `version` are the record's after the reprocessing.
 */
export interface ReprocessImageResult {
  imageId: string;
  reprocessed: boolean;
  status: ImageStatus;
  version: number | null;
  error?: ErrorInfo;
}

export interface LoadRecordInput {
  imageId: string;
}

/**
 * What one reprocessing produced, as the orchestrator hands it to the save activity. The record
 * is rebuilt from it against the record stored at save time, so a concurrent change to a part
 * this run did not redo is kept.
 */
export interface ReprocessChange {
  instanceId: string;
  batchId: string | null;
  steps: ReprocessStep[];
  requestedAt: string;
  completedAt: string;
  analyzer: AnalyzerKind;
  /** The record's `steps` after this run: inspect plus the steps redone. */
  runSteps: Step[];
  /** Present when inspection passed. */
  inspection?: Inspection;
  /** Present when inspection failed: the run stopped there. */
  failure?: ErrorInfo;
  /** Present when the variants were redone: one outcome per variant. */
  variants?: Outcome<RenderedVariant>[];
  /** Present when the analysis was redone. */
  analysis?: AnalysisOutcome;
}

export interface SaveReprocessedRecordInput {
  imageId: string;
  change: ReprocessChange;
}

/** The record after the save; `applied` is false when this reprocessing was already saved. */
export interface SavedReprocessing {
  applied: boolean;
  version: number;
  status: ImageStatus;
  error?: ErrorInfo;
}

export type SaveReprocessedRecordOutput = Outcome<SavedReprocessing>;

/** The instance of one image's reprocessing within a batch. */
export function batchChildInstanceId(batchId: string, imageId: string): string {
  return `reprocess-${batchId}-${imageId}`;
}

/**
 * The instance of a deferred analysis picked up again. Keyed by the version it starts from, so
 * two sweeps that see the same record start the same instance (and the second one nothing).
 */
export function reanalysisInstanceId(imageId: string, processingVersion: number): string {
  return `reanalyze-${imageId}-v${processingVersion}`;
}

export function parseReprocessSteps(value: unknown, what: string): ReprocessStep[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new AppError('INVALID_INPUT', `${what} must be a non-empty array`);
  }
  const steps = value.map((step, index) => {
    if (!(REPROCESS_STEPS as readonly unknown[]).includes(step)) {
      throw new AppError(
        'INVALID_INPUT',
        `${what}[${index}] must be one of ${REPROCESS_STEPS.join(', ')}`,
      );
    }
    return step as ReprocessStep;
  });
  return REPROCESS_STEPS.filter((step) => steps.includes(step));
}

function batchIdOf(source: Json): string | null {
  return source.batchId === null || source.batchId === undefined
    ? null
    : stringField(source, 'batchId');
}

export function parseReprocessImageInput(value: unknown): ReprocessImageInput {
  const source = objectField(value, 'reprocessImage input');
  return {
    imageId: stringField(source, 'imageId'),
    steps: parseReprocessSteps(source.steps, 'steps'),
    batchId: batchIdOf(source),
    ...parsePipelineSettings(source),
  };
}

export function parseLoadRecordInput(value: unknown): LoadRecordInput {
  const source = objectField(value, 'loadRecord input');
  return { imageId: stringField(source, 'imageId') };
}

export function parseSaveReprocessedRecordInput(value: unknown): SaveReprocessedRecordInput {
  const source = objectField(value, 'saveReprocessedRecord input');
  const change = objectField(source.change, 'change');
  stringField(change, 'instanceId', 'change.instanceId');
  stringField(change, 'requestedAt', 'change.requestedAt');
  stringField(change, 'completedAt', 'change.completedAt');
  if (!Array.isArray(change.runSteps)) {
    throw new AppError('INVALID_INPUT', 'change.runSteps must be an array');
  }
  return {
    imageId: stringField(source, 'imageId'),
    change: {
      ...(change as unknown as ReprocessChange),
      batchId: batchIdOf(change),
      steps: parseReprocessSteps(change.steps, 'change.steps'),
      analyzer: oneOf(change, 'analyzer', ANALYZER_KINDS, 'change.analyzer'),
    },
  };
}
