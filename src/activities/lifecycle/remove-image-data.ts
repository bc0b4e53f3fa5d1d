/**
 * Activity `removeImageData`.
 *
 * Trigger: activity, called by cascadeDelete with ACTIVITY_RETRY once no run of the image is
 *   left running.
 * Input: `{ imageId }`.
 * Output: `{ blobsDeleted, recordDeleted }`. Order: the variants, then the source blob, then the
 *   record, so a crash half-way leaves a record that still names the image (and a repeated
 *   DELETE finishes the job) rather than blobs nobody can find.
 * Idempotency key: the image id; deleting what is gone is a no-op, a rerun reports zero.
 * Retry policy: storage and database errors throw and are retried.
 */
import type { InvocationContext } from '@azure/functions';
import { objectField, stringField } from '../../domain/pipeline/validate';
import { Containers } from '../../names';
import type { BlobRemover } from '../../ports/blob-store';
import type { ConditionalRecordStore } from '../../ports/record-store';

export interface RemoveImageDataDeps {
  blobs: BlobRemover;
  records: Pick<ConditionalRecordStore, 'remove'>;
}

export interface RemovedImageData {
  blobsDeleted: number;
  recordDeleted: boolean;
}

export function createRemoveImageData(deps: RemoveImageDataDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<RemovedImageData> => {
    const imageId = stringField(objectField(rawInput, 'removeImageData input'), 'imageId');
    let blobsDeleted = 0;
    for (const name of await deps.blobs.listNames(Containers.variants, `${imageId}/`)) {
      if (await deps.blobs.remove(Containers.variants, name)) blobsDeleted++;
    }
    if (await deps.blobs.remove(Containers.incoming, imageId)) blobsDeleted++;
    const recordDeleted = await deps.records.remove(imageId);
    context.log(`removeImageData: ${imageId}: ${blobsDeleted} blob(s), record ${recordDeleted}`);
    return { blobsDeleted, recordDeleted };
  };
}
