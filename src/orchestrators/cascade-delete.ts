/**
 * Orchestrator `cascadeDelete`: removes one image and everything that belongs to it.
 *
 * Trigger: started by the `deleteImage` HTTP trigger (instance `delete-{imageId}`), after it
 *   wrote the image's tombstone, so no new upload event can start a run from here on.
 * Input: `{ imageId }`.
 * Output: CascadeDeleteResult `{ imageId, terminated, blobsDeleted, recordDeleted,
 *   instancesPurged }`.
 * Custom status: `{ phase }`: `terminating`, `removing`, `purging`.
 * Order: (1) terminate every run of the image still running (upload runs, analyses,
 *   reprocessings) and wait until none is, so nothing writes a variant or the record after it
 *   is gone; (2) the variants, the source blob, the record; (3) purge every instance's history.
 * Idempotency key: the instance id; every activity is idempotent, so a rerun finishes the job.
 * Retry policy: every activity via callActivityWithRetry (ACTIVITY_RETRY). If runs are still not
 *   finished after TERMINATE_ROUNDS waits, the orchestration fails with the ids (DELETE again).
 *
 * Replayed code: no I/O, no clock but currentUtcDateTime, no randomness, no configuration.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { dateAt } from '../domain/instants';
import { isFinishedRuntimeStatus } from '../domain/ops/instance';
import type { RemovedImageData } from '../activities/lifecycle/remove-image-data';
import type { InstanceRef } from '../ports/instance-pages';
import { Activities } from '../names';
import { retryOptions } from './retry-options';
import type { Flow } from './task-outcomes';

export interface CascadeDeleteResult {
  imageId: string;
  terminated: string[];
  blobsDeleted: number;
  recordDeleted: boolean;
  instancesPurged: number;
}

/** Rounds of "terminate, wait WAIT_SECONDS, look again" before giving up. */
const TERMINATE_ROUNDS = 30;
const WAIT_SECONDS = 2;

export const cascadeDelete: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Flow<CascadeDeleteResult> {
  const input = context.df.getInput<{ imageId?: unknown }>();
  if (typeof input?.imageId !== 'string') throw new TypeError('cascadeDelete needs an imageId');
  const imageId = input.imageId;
  const retry = retryOptions();
  const find = () =>
    context.df.callActivityWithRetry(Activities.findImageInstances, retry, { imageId });

  // 1. Nothing of the image may still be running.
  context.df.setCustomStatus({ phase: 'terminating' });
  const terminated = new Set<string>();
  let instances = (yield find()) as InstanceRef[];
  for (let round = 0; ; round++) {
    const running = instances.filter((ref) => !isFinishedRuntimeStatus(ref.runtimeStatus));
    if (running.length === 0) break;
    if (round >= TERMINATE_ROUNDS) {
      throw new Error(
        `Runs of image ${imageId} did not stop: ${running.map((ref) => ref.instanceId).join(', ')}`,
      );
    }
    const fresh = running.map((ref) => ref.instanceId).filter((id) => !terminated.has(id));
    if (fresh.length > 0) {
      yield context.df.callActivityWithRetry(Activities.terminateInstances, retry, {
        instanceIds: fresh,
        reason: `Image ${imageId} was deleted`,
      });
      for (const id of fresh) terminated.add(id);
    }
    const wake = dateAt(context.df.currentUtcDateTime.getTime() + WAIT_SECONDS * 1000);
    yield context.df.createTimer(wake);
    instances = (yield find()) as InstanceRef[];
  }

  // 2. The data: variants, source, record.
  context.df.setCustomStatus({ phase: 'removing' });
  const removed = (yield context.df.callActivityWithRetry(Activities.removeImageData, retry, {
    imageId,
  })) as RemovedImageData;

  // 3. The history of every run.
  context.df.setCustomStatus({ phase: 'purging' });
  const purged = (yield context.df.callActivityWithRetry(Activities.purgeInstances, retry, {
    instanceIds: instances.map((ref) => ref.instanceId),
  })) as { purged: number };

  return {
    imageId,
    terminated: [...terminated].sort(),
    blobsDeleted: removed.blobsDeleted,
    recordDeleted: removed.recordDeleted,
    instancesPurged: purged.purged,
  };
};
