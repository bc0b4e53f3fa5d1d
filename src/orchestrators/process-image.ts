/**
 * Orchestrator `processImage`.
 *
 * Trigger: started by the `onImageUploaded` blob trigger, one instance per blob version.
 * Input: ProcessImageInput (image id, blob name, source file name and type, variant specs,
 *   analyzer kind, pixel cap): everything it needs, so it reads no configuration.
 * Output: ProcessImageResult `{ imageId, status, error? }`; the full record is in Cosmos DB.
 * Reuse: after inspection, findTwin looks for an earlier Completed image with the same bytes
 *   under the same processing spec. With one, copyTwinVariants copies its variant blobs to this
 *   image's own names and the record takes its analysis: no resize, no analysis, and the record
 *   names the twin in `reusedFrom`. Without one (or if the twin vanishes meanwhile) the image
 *   is processed as usual.
 * Custom status: `{ steps: Step[] }`, updated as each step starts and ends.
 * Idempotency key: the instance id `img-{blobName}-{etag hash}`; activities are idempotent.
 * Retry policy: every activity via callActivityWithRetry (ACTIVITY_RETRY). Permanent problems come
 *   back as `{ ok: false, code }` values and end the image as Failed (or CompletedWithWarnings
 *   when only the analysis is missing). If the final save itself keeps failing the orchestration
 *   fails, and reads report it from the orchestration status.
 *
 * Replayed code: no I/O, no clock but currentUtcDateTime, no randomness, no configuration.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { type Failure, failureInfo } from '../domain/outcome';
import {
  type AnalysisOutcome,
  decideVerdict,
  failedRecord,
  finishedRecord,
  type InspectImageInput,
  type Inspection,
  parseProcessImageInput,
  type ProcessImageInput,
  type ProcessImageResult,
  processingRecord,
  type RecordFacts,
  type RenderedVariant,
  type ResizeImageInput,
  type SaveRecordInput,
} from '../domain/pipeline/pipeline';
import type { Analysis, ImageRecord, Step } from '../domain/record';
import {
  completeStep,
  failStep,
  pendingSteps,
  skipPending,
  resizeStepName,
  skipStep,
  startSteps,
  STEP_ANALYZE,
  STEP_INSPECT,
  STEP_SAVE,
} from '../domain/pipeline/steps';
import { processingSpecOf } from '../domain/lifecycle/processing-spec';
import {
  type CopyTwinVariantsInput,
  type FindTwinInput,
  type FindTwinOutput,
  STEP_REUSE,
  type Twin,
  variantsToCopy,
  withReuseStep,
} from '../domain/lifecycle/twin';
import { succeed } from '../domain/outcome';
import { Activities } from '../names';
import { analysisTask } from './analysis-task';
import { retryOptions } from './retry-options';
import { attemptsOf, type Flow, outcomeOf, settle, settleAll, stepAfter } from './task-outcomes';

/** Steps worth keeping in the record: the save step is still running when the record is written. */
function recordSteps(steps: readonly Step[]): Step[] {
  return steps.filter((step) => step.name !== STEP_SAVE);
}

export const processImage: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Flow<ProcessImageResult> {
  const input: ProcessImageInput = parseProcessImageInput(context.df.getInput());
  const instanceId = context.df.instanceId;
  const now = (): string => context.df.currentUtcDateTime.toISOString();
  const startedAt = now();
  const retry = retryOptions();
  const processingSpec = processingSpecOf(input.variants, input.analyzer);

  const resizeSteps = input.variants.map((variant) => resizeStepName(variant.name));
  let steps = pendingSteps([STEP_INSPECT, ...resizeSteps, STEP_ANALYZE, STEP_SAVE]);
  if (input.analyzer === 'none') steps = skipStep(steps, STEP_ANALYZE);
  const publish = (): void => context.df.setCustomStatus({ steps });
  const facts = (inspection?: Inspection): RecordFacts => ({
    input,
    instanceId,
    startedAt,
    at: now(),
    steps: recordSteps(steps),
    ...(inspection === undefined ? {} : { inspection }),
  });

  function* save(record: ImageRecord): Flow<void> {
    steps = startSteps(steps, [STEP_SAVE], now());
    publish();
    const task = context.df.callActivityWithRetry(Activities.saveRecord, retry, {
      record: { ...record, processingSpec },
    } satisfies SaveRecordInput);
    // Deliberately not caught: without a saved record the run has not done its job.
    yield task;
    steps = completeStep(steps, STEP_SAVE, now(), attemptsOf(task));
    publish();
  }

  function* finishFailed(failure: Failure, inspection?: Inspection): Flow<ProcessImageResult> {
    const error = failureInfo(failure);
    yield* save(failedRecord(facts(inspection), error));
    return { imageId: input.imageId, status: 'Failed', error };
  }

  // 1. Inspect: format allow-list, header dimensions against the pixel cap, hash, EXIF summary.
  steps = startSteps(steps, [STEP_INSPECT], now());
  publish();
  const inspectTask = context.df.callActivityWithRetry(Activities.inspectImage, retry, {
    blobName: input.blobName,
    maxInputPixels: input.maxInputPixels,
  } satisfies InspectImageInput);
  try {
    yield inspectTask;
  } catch {
    // Retries exhausted: the task's own state carries the error.
  }
  const inspected = outcomeOf<Inspection>(inspectTask, 'PROCESSING_FAILED', 'Inspection');
  if (!inspected.ok) {
    steps = failStep(steps, STEP_INSPECT, now(), attemptsOf(inspectTask), failureInfo(inspected));
    steps = skipPending(steps, [STEP_SAVE]);
    publish();
    return yield* finishFailed(inspected);
  }
  const inspection = inspected.value;
  steps = completeStep(steps, STEP_INSPECT, now(), attemptsOf(inspectTask));

  // 2. The same bytes already done under the same spec: copy, do not compute again.
  const twinTask = context.df.callActivityWithRetry(Activities.findTwin, retry, {
    imageId: input.imageId,
    sha256: inspection.sha256,
    processingSpec,
  } satisfies FindTwinInput);
  // A lookup that kept failing only costs the saving: the image is rendered as usual.
  yield* settle(twinTask);
  const twin: Twin | null = twinTask.isCompleted ? (twinTask.result as FindTwinOutput).twin : null;
  const copies = twin === null ? undefined : variantsToCopy(twin, input.variants);
  if (twin !== null && copies !== undefined) {
    steps = startSteps(withReuseStep(steps, STEP_INSPECT), [STEP_REUSE], now());
    publish();
    const copyTask = context.df.callActivityWithRetry(Activities.copyTwinVariants, retry, {
      imageId: input.imageId,
      twinId: twin.id,
      variants: copies,
    } satisfies CopyTwinVariantsInput);
    yield* settle(copyTask);
    const copied = outcomeOf<RenderedVariant[]>(copyTask, 'PROCESSING_FAILED', 'Copying');
    if (copied.ok) {
      steps = completeStep(steps, STEP_REUSE, now(), attemptsOf(copyTask));
      steps = skipPending(steps, [STEP_SAVE]);
      const reusedVariants = copied.value.map((variant) => succeed(variant));
      const verdict = decideVerdict(input.analyzer, reusedVariants, {
        ok: true,
        value: twin.analysis,
      });
      yield* save({
        ...finishedRecord(facts(inspection), verdict, reusedVariants),
        reusedFrom: { id: twin.id, processingSpec },
      });
      return { imageId: input.imageId, status: verdict.status };
    }
    // The twin went away meanwhile (deleted): nothing was lost but the shortcut.
    steps = skipStep(steps, STEP_REUSE);
  }

  // 3. Fan out: one resize per variant, the analysis, and a progress write for listings.
  const resizeTasks = input.variants.map((variant) =>
    context.df.callActivityWithRetry(Activities.resizeImage, retry, {
      imageId: input.imageId,
      blobName: input.blobName,
      variant,
      maxInputPixels: input.maxInputPixels,
    } satisfies ResizeImageInput),
  );
  const analyzer = input.analyzer;
  const analyzeTask =
    analyzer === 'none'
      ? undefined
      : analysisTask(
          context,
          retry,
          {
            imageId: input.imageId,
            blobName: input.blobName,
            provider: analyzer,
            maxInputPixels: input.maxInputPixels,
          },
          input.vision,
        );
  steps = startSteps(
    steps,
    analyzeTask === undefined ? resizeSteps : [...resizeSteps, STEP_ANALYZE],
    now(),
  );
  publish();
  const progressTask = context.df.callActivityWithRetry(Activities.saveRecord, retry, {
    record: processingRecord(facts(inspection)),
  } satisfies SaveRecordInput);
  const fanOut = [...resizeTasks, progressTask];
  if (analyzeTask !== undefined) fanOut.push(analyzeTask);

  // 4. Fan in. The progress write's outcome does not matter: the final save supersedes it.
  yield* settleAll(context, fanOut);
  const at = now();
  const variants = resizeTasks.map((task, index) => {
    const name = input.variants[index]?.name ?? 'unknown';
    const outcome = outcomeOf<RenderedVariant>(task, 'PROCESSING_FAILED', `Resize ${name}`);
    const stepName = resizeStepName(name);
    steps = stepAfter(steps, stepName, at, task, outcome);
    return outcome;
  });
  let analysis: AnalysisOutcome = { ok: 'skipped' };
  if (analyzeTask !== undefined) {
    const outcome = outcomeOf<Analysis>(analyzeTask, 'ANALYSIS_FAILED', 'Analysis');
    steps = stepAfter(steps, STEP_ANALYZE, at, analyzeTask, outcome);
    analysis = outcome;
  }
  publish();

  // 5. Save the final record.
  const verdict = decideVerdict(input.analyzer, variants, analysis);
  yield* save(finishedRecord(facts(inspection), verdict, variants));
  return {
    imageId: input.imageId,
    status: verdict.status,
    ...(verdict.error === undefined ? {} : { error: verdict.error }),
  };
};
