/**
 * HTTP trigger `getImage`: `GET /api/images/{id}` (anonymous), with a durable client input.
 *
 * Input: route `id`; optional `If-None-Match`.
 * Output: `200` the record, with a weak `ETag`, and `Retry-After: 2` while it is not finished;
 *   `304` when the ETag matches; `404 NOT_FOUND` for an unknown id.
 * Idempotency key: read-only.
 * Retry policy: none. When the task hub cannot be reached the stored record is served as is.
 *
 * While unfinished, the orchestration's live status is merged in: an Accepted record whose run
 * is Running reads as Processing with the steps from the custom status, and a run that failed
 * without saving reads as Failed with its reason. An Accepted record from an upload URL has no
 * instance id until the orchestration stores its Processing record; until then it is served as
 * stored.
 */
import type { InvocationContext } from '@azure/functions';
import { isImageId } from '../domain/ids';
import { mergeLiveStatus } from '../domain/pipeline/live-status';
import { type ImageRecord, isFinished } from '../domain/record';
import type { OrchestrationClient } from '../ports/orchestration-client';
import type { RecordStore } from '../ports/record-store';
import { matchesIfNoneMatch, weakEtag } from './conditional';
import { type HttpHandlerFn, notFound, withErrorMapping } from './http-errors';

/** Seconds a poller should wait; a small image finishes in a few of them. */
const RETRY_AFTER_SECONDS = '2';

export interface GetImageDeps {
  records: RecordStore;
  clientFor: (context: InvocationContext) => OrchestrationClient;
}

async function withLiveStatus(
  record: ImageRecord,
  deps: GetImageDeps,
  context: InvocationContext,
): Promise<ImageRecord> {
  const { instanceId } = record.orchestration;
  // No instance id yet: the bytes have not arrived, so there is no run to ask about.
  if (isFinished(record.status) || instanceId === null) return record;
  try {
    const live = await deps.clientFor(context).getStatus(instanceId);
    return mergeLiveStatus(record, live);
  } catch (error) {
    context.warn(
      `getImage: live status of ${record.id} unavailable; serving the stored record`,
      error,
    );
    return record;
  }
}

export function createGetImage(deps: GetImageDeps): HttpHandlerFn {
  return withErrorMapping(async (request, context) => {
    const id = request.params.id ?? '';
    if (!isImageId(id)) throw notFound(`Image "${id.slice(0, 80)}"`);
    const stored = await deps.records.get(id);
    if (stored === undefined) throw notFound(`Image "${id}"`);
    const record = await withLiveStatus(stored, deps, context);

    const body = JSON.stringify(record);
    const etag = weakEtag(body);
    const headers: Record<string, string> = { ETag: etag, 'Cache-Control': 'no-cache' };
    if (!isFinished(record.status)) headers['Retry-After'] = RETRY_AFTER_SECONDS;
    if (matchesIfNoneMatch(request.headers.get('if-none-match'), etag)) {
      return { status: 304, headers };
    }
    return { status: 200, headers: { ...headers, 'Content-Type': 'application/json' }, body };
  });
}
