/**
 * HTTP trigger `listImages`: `GET /api/images` (anonymous).
 *
 * Input: `?status=` (an image status), `?limit=` (1–100, default 20), `?continuationToken=`.
 * Output: `200 { items: [record], continuationToken }`, newest first; `continuationToken` is null
 *   on the last page. `400 INVALID_QUERY` for any invalid parameter.
 * Idempotency key: read-only.
 * Retry policy: none.
 *
 * Items are the stored records; live orchestration progress is merged only by `GET /{id}`, which
 * keeps a page to one database query.
 */
import {
  decodeContinuation,
  encodeContinuation,
  parseListQuery,
} from '../domain/pipeline/list-query';
import type { RecordStore } from '../ports/record-store';
import { type HttpHandlerFn, withErrorMapping } from './http-errors';

export interface ListImagesDeps {
  records: RecordStore;
}

export function createListImages(deps: ListImagesDeps): HttpHandlerFn {
  return withErrorMapping(async (request) => {
    const query = parseListQuery(request.query);
    const page = await deps.records.list({
      limit: query.limit,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.continuationToken === undefined
        ? {}
        : { continuationToken: decodeContinuation(query.continuationToken) }),
    });
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-cache' },
      jsonBody: {
        items: page.items,
        continuationToken:
          page.continuationToken === null ? null : encodeContinuation(page.continuationToken),
      },
    };
  });
}
