/**
 * How a reprocessing changes a stored record: the parts it redid replace the old ones, the rest
 * is kept, the status is decided again from the result, the processing version goes up by one
 * and the reprocessing joins the record's history. Pure, so the save activity can apply it to
 * whatever is stored at save time, and tests can check it without a database.
 */
import type { ErrorInfo } from '../errors';
import { type Failure, failureInfo } from '../outcome';
import { type AnalysisOutcome, toVariantRecord } from '../pipeline/pipeline';
import type { Analysis, AnalyzerKind, ImageRecord, ImageStatus, Reprocessing } from '../record';
import type { ReprocessChange } from './reprocess';
import { processingVersionOf } from './filter';

/** Older entries are dropped beyond this; versions keep counting. */
export const MAX_REPROCESSINGS_KEPT = 50;

export interface AppliedReprocessing {
  /** False when this reprocessing (same instance) is already in the record's history. */
  applied: boolean;
  record: ImageRecord;
  entry: Reprocessing;
}

function analysisRecordOf(outcome: AnalysisOutcome, provider: AnalyzerKind): Analysis {
  if (outcome.ok === 'skipped') return { status: 'Skipped', provider: 'none' };
  if (outcome.ok) return outcome.value;
  return {
    status: outcome.code === 'ANALYSIS_DEFERRED' ? 'Deferred' : 'Failed',
    provider,
    error: failureInfo(outcome),
  };
}

/** The warning an unusable analysis puts on an otherwise complete image. */
function analysisWarning(analysis: Analysis | null): ErrorInfo | undefined {
  if (analysis?.status === 'Deferred') {
    return {
      code: 'ANALYSIS_DEFERRED',
      message: analysis.error?.message ?? 'The analysis was deferred',
    };
  }
  if (analysis?.status === 'Failed') {
    return { code: 'ANALYSIS_FAILED', message: analysis.error?.message ?? 'The analysis failed' };
  }
  return undefined;
}

/**
 * Why the image cannot be complete: inspection failed, a redone variant failed, or (variants not
 * redone) the record was already Failed, since the analysis alone cannot bring variants back.
 */
function blockingError(existing: ImageRecord, change: ReprocessChange): ErrorInfo | undefined {
  if (change.failure !== undefined) return change.failure;
  if (change.variants !== undefined) {
    const failed = change.variants.find((outcome): outcome is Failure => !outcome.ok);
    return failed === undefined ? undefined : failureInfo(failed);
  }
  if (existing.status === 'Failed') {
    return (
      existing.error ?? {
        code: 'PROCESSING_FAILED',
        message: 'The image had failed and its variants were not redone',
      }
    );
  }
  return undefined;
}

export function applyReprocessing(
  existing: ImageRecord,
  change: ReprocessChange,
  at: string,
): AppliedReprocessing {
  const previous = existing.reprocessings?.find((entry) => entry.instanceId === change.instanceId);
  if (previous !== undefined) return { applied: false, record: existing, entry: previous };

  const analysis =
    change.analysis === undefined
      ? existing.analysis
      : analysisRecordOf(change.analysis, change.analyzer);
  const blocking = blockingError(existing, change);
  const error = blocking ?? analysisWarning(analysis);
  const status: ImageStatus =
    blocking !== undefined ? 'Failed' : error !== undefined ? 'CompletedWithWarnings' : 'Completed';
  const variants =
    status === 'Failed'
      ? []
      : change.variants === undefined
        ? existing.variants
        : change.variants.flatMap((outcome) =>
            outcome.ok ? [toVariantRecord(existing.id, outcome.value)] : [],
          );

  const version = processingVersionOf(existing) + 1;
  const entry: Reprocessing = {
    version,
    batchId: change.batchId,
    steps: change.steps,
    requestedAt: change.requestedAt,
    completedAt: change.completedAt,
    status,
    instanceId: change.instanceId,
    ...(error === undefined ? {} : { error }),
  };
  const { inspection } = change;
  const record: ImageRecord = {
    ...existing,
    status,
    updatedAt: at,
    source:
      inspection === undefined
        ? existing.source
        : {
            ...existing.source,
            contentType: inspection.contentType,
            bytes: inspection.bytes,
            width: inspection.width,
            height: inspection.height,
            format: inspection.format,
            sha256: inspection.sha256,
          },
    exif: inspection === undefined ? existing.exif : inspection.exif,
    variants,
    analysis,
    steps: change.runSteps,
    // Saving is the run's last action, so its final runtime status is known.
    orchestration: { instanceId: change.instanceId, runtimeStatus: 'Completed' },
    processingVersion: version,
    reprocessings: [...(existing.reprocessings ?? []), entry].slice(-MAX_REPROCESSINGS_KEPT),
  };
  if (error === undefined) delete record.error;
  else record.error = error;
  return { applied: true, record, entry };
}
