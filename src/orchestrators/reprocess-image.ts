/**
 * Orchestrator `reprocessImage`: redoes the variants and/or the analysis of one stored image.
 *
 * Trigger: a sub-orchestration of reprocessBatch (instance `reprocess-{batchId}-{imageId}`), or
 *   started on its own by the resumeDeferredAnalyses timer (`reanalyze-{imageId}-v{version}`).
 * Input: ReprocessImageInput `{ imageId, steps, batchId, variants, analyzer, maxInputPixels,
 *   vision? }`: everything it needs, so it reads no configuration.
 * Output: ReprocessImageResult `{ imageId, reprocessed, status, version, error? }`. An unknown
 *   image, or one still being processed, is a `Failed` result value, not a failed orchestration.
 * Custom status: `{ steps: Step[] }`, as processImage publishes it.
 * Idempotency key: the instance id. The save activity records it in the record's
 *   `reprocessings`, so a replayed or repeated save applies the reprocessing once.
 * Retry policy: every activity via callActivityWithRetry (ACTIVITY_RETRY); the analysis only
 *   through analysisTask, so an `azure` analysis waits for the same Vision gate as uploads.
 *
 * Replayed code: no I/O, no clock but currentUtcDateTime, no randomness, no configuration.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { ErrorCode } from '../domain/errors';
import { failureInfo, type Outcome } from '../domain/outcome';
import {
  type AnalysisOutcome,
  type InspectImageInput,
  type Inspection,
  type RenderedVariant,
  type ResizeImageInput,
} from '../domain/pipeline/pipeline';
import { type Analysis, type ImageRecord, isFinished } from '../domain/record';
import {
  type LoadRecordInput,
  parseReprocessImageInput,
  type ReprocessChange,
  type ReprocessImageInput,
  type ReprocessImageResult,
  type SavedReprocessing,
  type SaveReprocessedRecordInput,
} from '../domain/reprocess/reprocess';
import {
  completeStep,
  failStep,
  pendingSteps,
  resizeStepName,
  skipPending,
  skipStep,
  startSteps,
  STEP_ANALYZE,
  STEP_INSPECT,
  STEP_SAVE,
} from '../domain/pipeline/steps';
import { Activities } from '../names';
import { analysisTask } from './analysis-task';
import { retryOptions } from './retry-options';
import { attemptsOf, type Flow, outcomeOf, settle, settleAll, stepAfter } from './task-outcomes';

function notReprocessed(imageId: string, code: ErrorCode, message: string): ReprocessImageResult {
  return { imageId, reprocessed: false, status: 'Failed', version: null, error: { code, message } };
}

export const reprocessImage: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Flow<ReprocessImageResult> {
  const input: ReprocessImageInput = parseReprocessImageInput(context.df.getInput());
  const { imageId } = input;
  const instanceId = context.df.instanceId;
  const now = (): string => context.df.currentUtcDateTime.toISOString();
  const requestedAt = now();
  const retry = retryOptions();
  const resizing = input.steps.includes('resize');
  const analysing = input.steps.includes('analyze');

  const resizeSteps = resizing ? input.variants.map((variant) => resizeStepName(variant.name)) : [];
  let steps = pendingSteps([
    STEP_INSPECT,
    ...resizeSteps,
    ...(analysing ? [STEP_ANALYZE] : []),
    STEP_SAVE,
  ]);
  if (analysing && input.analyzer === 'none') steps = skipStep(steps, STEP_ANALYZE);
  const publish = (): void => context.df.setCustomStatus({ steps });

  // 1. The record as stored: only a finished image is reprocessed.
  publish();
  const loadTask = context.df.callActivityWithRetry(Activities.loadRecord, retry, {
    imageId,
  } satisfies LoadRecordInput);
  yield* settle(loadTask);
  const loaded = outcomeOf<ImageRecord>(loadTask, 'PROCESSING_FAILED', 'Loading the record');
  if (!loaded.ok) return notReprocessed(imageId, loaded.code, loaded.message);
  if (!isFinished(loaded.value.status)) {
    return notReprocessed(
      imageId,
      'PROCESSING_FAILED',
      `Image "${imageId}" is still ${loaded.value.status}; only finished images are reprocessed`,
    );
  }

  function* save(
    change: Omit<ReprocessChange, 'completedAt' | 'runSteps'>,
  ): Flow<Outcome<SavedReprocessing>> {
    steps = startSteps(steps, [STEP_SAVE], now());
    publish();
    const task = context.df.callActivityWithRetry(Activities.saveReprocessedRecord, retry, {
      imageId,
      change: {
        ...change,
        completedAt: now(),
        runSteps: steps.filter((step) => step.name !== STEP_SAVE),
      },
    } satisfies SaveReprocessedRecordInput);
    yield* settle(task);
    const saved = outcomeOf<SavedReprocessing>(task, 'PROCESSING_FAILED', 'Saving the record');
    steps = stepAfter(steps, STEP_SAVE, now(), task, saved);
    publish();
    return saved;
  }

  function* finish(
    change: Omit<ReprocessChange, 'completedAt' | 'runSteps'>,
  ): Flow<ReprocessImageResult> {
    const saved = yield* save(change);
    if (!saved.ok) return notReprocessed(imageId, saved.code, saved.message);
    const { version, status, error } = saved.value;
    return {
      imageId,
      reprocessed: true,
      status,
      version,
      ...(error === undefined ? {} : { error }),
    };
  }

  const base = {
    instanceId,
    batchId: input.batchId,
    steps: input.steps,
    requestedAt,
    analyzer: input.analyzer,
  };

  // 2. Inspect the source again: the pixel cap or the file may have changed since the upload.
  steps = startSteps(steps, [STEP_INSPECT], now());
  publish();
  const inspectTask = context.df.callActivityWithRetry(Activities.inspectImage, retry, {
    blobName: imageId,
    maxInputPixels: input.maxInputPixels,
  } satisfies InspectImageInput);
  yield* settle(inspectTask);
  const inspected = outcomeOf<Inspection>(inspectTask, 'PROCESSING_FAILED', 'Inspection');
  if (!inspected.ok) {
    steps = failStep(steps, STEP_INSPECT, now(), attemptsOf(inspectTask), failureInfo(inspected));
    steps = skipPending(steps, [STEP_SAVE]);
    return yield* finish({ ...base, failure: failureInfo(inspected) });
  }
  steps = completeStep(steps, STEP_INSPECT, now(), attemptsOf(inspectTask));

  // 3. Fan out the requested steps only.
  const resizeTasks = resizing
    ? input.variants.map((variant) =>
        context.df.callActivityWithRetry(Activities.resizeImage, retry, {
          imageId,
          blobName: imageId,
          variant,
          maxInputPixels: input.maxInputPixels,
        } satisfies ResizeImageInput),
      )
    : [];
  const analyzer = input.analyzer;
  const analyzeTask =
    !analysing || analyzer === 'none'
      ? undefined
      : analysisTask(
          context,
          retry,
          { imageId, blobName: imageId, provider: analyzer, maxInputPixels: input.maxInputPixels },
          input.vision,
        );
  const fanOut = analyzeTask === undefined ? resizeTasks : [...resizeTasks, analyzeTask];
  steps = startSteps(
    steps,
    analyzeTask === undefined ? resizeSteps : [...resizeSteps, STEP_ANALYZE],
    now(),
  );
  publish();
  if (fanOut.length > 0) yield* settleAll(context, fanOut);

  // 4. Fan in.
  const at = now();
  const variants = resizing
    ? resizeTasks.map((task, index) => {
        const name = input.variants[index]?.name ?? 'unknown';
        const outcome = outcomeOf<RenderedVariant>(task, 'PROCESSING_FAILED', `Resize ${name}`);
        const stepName = resizeStepName(name);
        steps = stepAfter(steps, stepName, at, task, outcome);
        return outcome;
      })
    : undefined;
  let analysis: AnalysisOutcome | undefined;
  if (analyzeTask !== undefined) {
    const outcome = outcomeOf<Analysis>(analyzeTask, 'ANALYSIS_FAILED', 'Analysis');
    steps = stepAfter(steps, STEP_ANALYZE, at, analyzeTask, outcome);
    analysis = outcome;
  } else if (analysing) {
    analysis = { ok: 'skipped' };
  }

  // 5. Save: the activity applies the change to the record as stored now.
  return yield* finish({
    ...base,
    inspection: inspected.value,
    ...(variants === undefined ? {} : { variants }),
    ...(analysis === undefined ? {} : { analysis }),
  });
};
