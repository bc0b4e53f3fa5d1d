/**
 * Orchestrator `reprocessBatch`: reprocesses every image a filter matches, a bounded number at a
 * time.
 *
 * Trigger: started by `POST /api/ops/reprocess`, instance `reprocess-{batchId}`.
 * Input: ReprocessBatchInput `{ batchId, filter, steps, maxConcurrency, childrenPerGeneration,
 *   variants, analyzer, maxInputPixels, vision?, carry? }`. The first generation pages through
 *   the matching ids (findRecords) and continues as new with them in `carry`; every later
 *   generation starts at most `childrenPerGeneration` children, waits for them, and continues
 *   as new with the ids left and the counters, so no history grows with the batch.
 * Output: ReprocessBatchResult `{ batchId, total, completed, failed, running: 0, notStarted,
 *   status: 'Completed' | 'Canceled', cancelRequested }`.
 * Custom status: BatchProgress `{ total, completed, failed, running, status, cancelRequested }`,
 *   updated whenever a child starts or ends.
 * Concurrency: one reprocessImage sub-orchestration per image (`reprocess-{batchId}-{imageId}`),
 *   at most `maxConcurrency` at once, as a sliding window: whenever one ends, the next starts.
 * Cancel: the external event `cancel`. No child starts after it; running ones finish; the batch
 *   ends Canceled.
 * Idempotency key: the instance ids. A child is counted failed when its result is Failed or the
 *   sub-orchestration itself failed.
 * Retry policy: findRecords via callActivityWithRetry (ACTIVITY_RETRY); children are not retried
 *   (each retries its own activities).
 *
 * Replayed code: no I/O, no clock but currentUtcDateTime, no randomness, no configuration.
 */
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import {
  type BatchCarry,
  type BatchProgress,
  FIND_PAGE_SIZE,
  type FindRecordsInput,
  type FindRecordsOutput,
  parseReprocessBatchInput,
  type ReprocessBatchInput,
  type ReprocessBatchResult,
} from '../domain/reprocess/batch';
import {
  batchChildInstanceId,
  type ReprocessImageInput,
  type ReprocessImageResult,
} from '../domain/reprocess/reprocess';
import { isObject } from '../domain/pipeline/validate';
import { Activities, Orchestrators, ReprocessEvents } from '../names';
import { retryOptions } from './retry-options';

type Flow<T> = Generator<Task, T, unknown>;

interface RunningChild {
  imageId: string;
  task: Task;
}

function isSettled(task: Task): boolean {
  return task.isCompleted || task.isFaulted;
}

/** A child that ended without reprocessing its image, or whose image ended Failed. */
function childFailed(task: Task): boolean {
  if (task.isFaulted) return true;
  const result = task.result as ReprocessImageResult | undefined;
  return !isObject(result) || result.status === 'Failed';
}

/**
 * Task.any over tasks that earlier yields have already scheduled. The SDK would otherwise send
 * their actions again inside the new WhenAny, and the extension's replay protocol, which has no
 * task ids, would schedule them a second time (azure-functions-durable-js#574). Marked as
 * scheduled, the compound adds no action; the SDK still resolves it when any of them ends.
 */
function anyOfScheduled(context: OrchestrationContext, tasks: Task[]): Task {
  const any = context.df.Task.any(tasks);
  (any as unknown as { alreadyScheduled: boolean }).alreadyScheduled = true;
  return any;
}

/** The input without the carried state, to start the next generation from. */
function settingsOf(input: ReprocessBatchInput): Omit<ReprocessBatchInput, 'carry'> {
  const { carry: _carry, ...settings } = input;
  return settings;
}

/** Generation one: the ids of every matching record, each once, oldest first. */
function* collect(context: OrchestrationContext, input: ReprocessBatchInput): Flow<string[]> {
  const retry = retryOptions();
  const seen = new Set<string>();
  const ids: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = (yield context.df.callActivityWithRetry(Activities.findRecords, retry, {
      filter: input.filter,
      limit: FIND_PAGE_SIZE,
      ...(continuationToken === undefined ? {} : { continuationToken }),
    } satisfies FindRecordsInput)) as FindRecordsOutput;
    for (const id of page.ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      ids.push(id);
    }
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken !== undefined);
  return ids;
}

export const reprocessBatch: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Flow<ReprocessBatchResult | undefined> {
  const input = parseReprocessBatchInput(context.df.getInput());
  const { batchId } = input;

  if (input.carry === undefined) {
    context.df.setCustomStatus({
      total: 0,
      completed: 0,
      failed: 0,
      running: 0,
      status: 'Running',
      cancelRequested: false,
    } satisfies BatchProgress);
    const ids = yield* collect(context, input);
    const carry: BatchCarry = {
      pending: ids,
      total: ids.length,
      completed: 0,
      failed: 0,
      canceled: false,
      generation: 1,
    };
    // Even an empty batch goes through one run generation, so a cancel is read in one place.
    context.df.continueAsNew({ ...settingsOf(input), carry });
    return undefined;
  }

  const { total, generation, pending } = input.carry;
  let { completed, failed, canceled } = input.carry;
  /** Where the next image to start is in `pending` (an index: the history replays every step). */
  let next = 0;
  const running: RunningChild[] = [];
  let started = 0;
  // Created once per generation; an event that came before it is delivered to it.
  const cancelWait = canceled ? undefined : context.df.waitForExternalEvent(ReprocessEvents.cancel);
  let cancelWaitScheduled = false;

  const progress = (status: BatchProgress['status']): BatchProgress => ({
    total,
    completed,
    failed,
    running: running.length,
    status,
    cancelRequested: canceled,
  });

  /** Counts the children that have ended and notices a cancel. */
  const harvest = (): void => {
    for (let index = running.length - 1; index >= 0; index--) {
      const child = running[index] as RunningChild;
      if (!isSettled(child.task)) continue;
      if (childFailed(child.task)) failed++;
      else completed++;
      running.splice(index, 1);
    }
    if (cancelWait !== undefined && isSettled(cancelWait)) canceled = true;
  };

  const childInput = (imageId: string): ReprocessImageInput => ({
    imageId,
    steps: input.steps,
    batchId,
    variants: input.variants,
    analyzer: input.analyzer,
    maxInputPixels: input.maxInputPixels,
    ...(input.vision === undefined ? {} : { vision: input.vision }),
  });

  for (;;) {
    harvest();
    const fresh: Task[] = [];
    while (
      !canceled &&
      next < pending.length &&
      running.length < input.maxConcurrency &&
      started < input.childrenPerGeneration
    ) {
      const imageId = pending[next++] as string;
      const task = context.df.callSubOrchestrator(
        Orchestrators.reprocessImage,
        childInput(imageId),
        batchChildInstanceId(batchId, imageId),
      );
      running.push({ imageId, task });
      fresh.push(task);
      started++;
    }
    context.df.setCustomStatus(progress('Running'));
    if (running.length === 0) break;

    if (fresh.length > 0) {
      // Schedules the new children without waiting for one of them: the extension replays the
      // actions in order and waits on each, so this one must end soon; a timer due now does.
      const launch = [...fresh, context.df.createTimer(context.df.currentUtcDateTime)];
      if (cancelWait !== undefined && !cancelWaitScheduled) {
        launch.push(cancelWait);
        cancelWaitScheduled = true;
      }
      yield context.df.Task.any(launch);
      continue;
    }

    // The window is full (or draining): wait for any running child, or a cancel.
    const watched = running.map((child) => child.task);
    if (cancelWait !== undefined && !canceled && cancelWaitScheduled) watched.push(cancelWait);
    yield anyOfScheduled(context, watched);
  }

  const left = pending.slice(next);
  if (!canceled && left.length > 0) {
    context.df.continueAsNew({
      ...settingsOf(input),
      carry: {
        pending: left,
        total,
        completed,
        failed,
        canceled: false,
        generation: generation + 1,
      },
    });
    return undefined;
  }
  const final = progress(canceled ? 'Canceled' : 'Completed');
  context.df.setCustomStatus(final);
  return { batchId, ...final, notStarted: left.length };
};
