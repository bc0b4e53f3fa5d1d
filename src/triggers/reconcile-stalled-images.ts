/**
 * Timer trigger `reconcileStalledImages`: schedule from `RECONCILE_SCHEDULE` (NCRONTAB; default
 * every 5 minutes), with a durable client input.
 *
 * Input: none (the timer's own payload is unused).
 * Output: none. Finds the records still Accepted or Processing whose last change is more than
 *   `STALL_MINUTES` old (a Cosmos DB query on status and updatedAt, oldest first, at most
 *   MAX_RECORDS per run) and, for each, as decideReconcile says:
 *   - deleted (a tombstone), or a run of it still going: left alone;
 *   - source blob present and no run for it: starts processImage under the instance id the blob
 *     trigger uses (`img-{id}-{etag hash}`), with the same input; an upload event arriving
 *     later finds that instance and starts nothing;
 *   - source present and its run ended without saving (failed, terminated): the stored record
 *     becomes what reads already show (Failed, PROCESSING_FAILED or PROCESSING_TERMINATED);
 *   - source gone, and no upload URL that could still bring it: Failed with SOURCE_LOST.
 * Idempotency key: the instance id for starts; record writes are conditional on the record not
 *   having changed since it was read (updateRecord), so a run saving meanwhile always wins.
 * Retry policy: none; the next run looks again. One image's error is logged and the sweep goes
 *   on with the next.
 */
import type { InvocationContext, Timer } from '@azure/functions';
import { updateRecord } from '../adapters/update-record';
import { sourceOfBlob } from '../domain/lifecycle/process-image-input';
import {
  decideReconcile,
  isLive,
  lostRecord,
  type ReconcileAction,
  runIdFor,
} from '../domain/lifecycle/reconcile';
import type { ProcessImageInput } from '../domain/pipeline/pipeline';
import type { ImageRecord } from '../domain/record';
import { Containers, FILENAME_METADATA_KEY, Orchestrators } from '../names';
import type { BlobStore } from '../ports/blob-store';
import type { OrchestrationClient } from '../ports/orchestration-client';
import type { ConditionalRecordStore, LifecycleFinder, StalledRef } from '../ports/record-store';

const PAGE_SIZE = 100;
const MAX_RECORDS = 200;

export interface ReconcileStalledImagesDeps {
  records: ConditionalRecordStore & Pick<LifecycleFinder, 'findStalled'>;
  blobs: Pick<BlobStore, 'properties'>;
  clientFor: (context: InvocationContext) => OrchestrationClient;
  clock: () => Date;
  stallMinutes: number;
  uploadUrlTtlSeconds: number;
  /** The processImage input for an image, as the blob trigger builds it. */
  inputFor: (imageId: string, source: ProcessImageInput['source']) => ProcessImageInput;
}

export function createReconcileStalledImages(deps: ReconcileStalledImagesDeps) {
  /** Writes `next` only if the record is still the version the decision was made on. */
  const rewrite = async (seen: ImageRecord, next: ImageRecord): Promise<boolean> => {
    const { written } = await updateRecord(deps.records, seen.id, (current) =>
      current !== undefined &&
      current.status === seen.status &&
      current.updatedAt === seen.updatedAt
        ? next
        : undefined,
    );
    return written !== undefined;
  };

  const reconcile = async (
    ref: StalledRef,
    client: OrchestrationClient,
  ): Promise<ReconcileAction | undefined> => {
    const stored = await deps.records.read(ref.id);
    if (stored === undefined) return undefined;
    const record = stored.record;
    const [tombstone, source] = await Promise.all([
      deps.blobs.properties(Containers.tombstones, ref.id),
      deps.blobs.properties(Containers.incoming, ref.id),
    ]);
    const runId =
      source !== undefined ? runIdFor(ref.id, source.etag) : record.orchestration.instanceId;
    const run = runId === null ? undefined : await client.getStatus(runId);
    const now = deps.clock();
    const action = decideReconcile({
      record,
      tombstoned: tombstone !== undefined,
      sourceEtag: source?.etag,
      run,
      now,
      uploadUrlTtlSeconds: deps.uploadUrlTtlSeconds,
    });
    switch (action.kind) {
      case 'leave':
        return action;
      case 'start': {
        const input = deps.inputFor(
          ref.id,
          sourceOfBlob(source?.contentType, source?.metadata[FILENAME_METADATA_KEY]),
        );
        try {
          await client.startNew(Orchestrators.processImage, action.instanceId, input);
        } catch (error) {
          // The upload event may have started it a moment ago; then all is well.
          if (isLive(await client.getStatus(action.instanceId))) return action;
          throw error;
        }
        return action;
      }
      case 'settle':
        await rewrite(record, { ...action.record, updatedAt: now.toISOString() });
        return action;
      case 'lost':
        await rewrite(record, lostRecord(record, now.toISOString()));
        return action;
    }
  };

  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const updatedTo = new Date(deps.clock().getTime() - deps.stallMinutes * 60_000).toISOString();
    const client = deps.clientFor(context);
    let looked = 0;
    let continuationToken: string | undefined;
    do {
      const page = await deps.records.findStalled(updatedTo, {
        limit: PAGE_SIZE,
        ...(continuationToken === undefined ? {} : { continuationToken }),
      });
      for (const ref of page.items) {
        if (looked >= MAX_RECORDS) break;
        looked++;
        try {
          const action = await reconcile(ref, client);
          if (action !== undefined && action.kind !== 'leave') {
            context.log(`reconcileStalledImages: ${ref.id} (${ref.status}): ${action.kind}`);
          }
        } catch (error) {
          context.error(`reconcileStalledImages: ${ref.id}: the next run tries again`, error);
        }
      }
      continuationToken = page.continuationToken ?? undefined;
    } while (continuationToken !== undefined && looked < MAX_RECORDS);
  };
}
