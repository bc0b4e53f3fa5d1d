/**
 * HTTP trigger `deleteImage`: `DELETE /api/images/{id}` (function key), with a durable client
 * input.
 *
 * Input: route `id`.
 * Output: `202 { id, statusUrl }` with `Location: statusUrl` while the cascade runs (statusUrl is
 *   the cascadeDelete instance under `/api/ops/orchestrations/...`); `204` when the image is
 *   already deleted; `404 NOT_FOUND` for an id that never was an image.
 * Order: the tombstone first (an empty blob `images-deleted/{id}`), so a late or redelivered
 *   upload event stops at the blob trigger from this moment on; then the cascadeDelete
 *   orchestration does the rest (see cascade-delete.ts).
 * Idempotency key: the image id. The tombstone and the cascade instance `delete-{id}` are one per
 *   image: a DELETE while it runs answers the same 202, one after it finished 204.
 * Retry policy: none; a failed cascade is started again by the next DELETE.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { isImageId } from '../domain/ids';
import { deleteInstanceId } from '../domain/lifecycle/image-instances';
import { isFinishedRuntimeStatus } from '../domain/ops/instance';
import { Containers, Orchestrators } from '../names';
import type { BlobStore } from '../ports/blob-store';
import type { OrchestrationClient } from '../ports/orchestration-client';
import type { RecordStore } from '../ports/record-store';
import { type HttpHandlerFn, notFound, withErrorMapping } from './http-errors';
import { instanceUrl } from './ops/instance-target';

export interface DeleteImageDeps {
  blobs: Pick<BlobStore, 'properties' | 'put'>;
  records: Pick<RecordStore, 'get'>;
  clientFor: (context: InvocationContext) => OrchestrationClient;
  clock: () => Date;
}

export function createDeleteImage(deps: DeleteImageDeps): HttpHandlerFn {
  return withErrorMapping(
    async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
      const id = request.params.id ?? '';
      if (!isImageId(id)) throw notFound(`Image "${id.slice(0, 100)}"`);
      const [record, tombstone, source] = await Promise.all([
        deps.records.get(id),
        deps.blobs.properties(Containers.tombstones, id),
        deps.blobs.properties(Containers.incoming, id),
      ]);
      const client = deps.clientFor(context);
      const cascadeId = deleteInstanceId(id);
      const cascade = await client.getStatus(cascadeId);
      const running = cascade !== undefined && !isFinishedRuntimeStatus(cascade.runtimeStatus);
      const leftovers = record !== undefined || source !== undefined;
      if (!running && !leftovers) {
        if (tombstone !== undefined)
          return { status: 204, headers: { 'Cache-Control': 'no-store' } };
        throw notFound(`Image "${id}"`);
      }
      if (tombstone === undefined) {
        await deps.blobs.put(Containers.tombstones, id, Buffer.alloc(0), {
          contentType: 'application/octet-stream',
          metadata: { deletedat: deps.clock().toISOString() },
        });
      }
      if (!running) {
        // A finished cascade with something left (a run that slipped in) is started over.
        await client.startNew(Orchestrators.cascadeDelete, cascadeId, { imageId: id });
        context.log(`deleteImage: started ${cascadeId}`);
      }
      const statusUrl = instanceUrl(request, cascadeId);
      return {
        status: 202,
        headers: { Location: statusUrl, 'Cache-Control': 'no-store' },
        jsonBody: { id, statusUrl },
      };
    },
  );
}
