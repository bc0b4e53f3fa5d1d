/**
 * HTTP trigger `getImageVariant`: `GET /api/images/{id}/variants/{name}` (anonymous).
 *
 * Input: route `id` and `name` (`thumb`, `medium`, `large`); optional `If-None-Match`.
 * Output: `200` the variant's bytes with its content type and the blob's ETag; `304` when the
 *   ETag matches; `404 NOT_FOUND` for an unknown image, an unknown variant name, or a variant that
 *   does not exist (yet).
 * Idempotency key: read-only.
 * Retry policy: none.
 */
import { isImageId } from '../domain/ids';
import { isVariantName, variantBlobName } from '../domain/pipeline/variants';
import { Containers } from '../names';
import type { BlobStore } from '../ports/blob-store';
import type { RecordStore } from '../ports/record-store';
import { matchesIfNoneMatch } from './conditional';
import { type HttpHandlerFn, notFound, withErrorMapping } from './http-errors';

export interface GetImageVariantDeps {
  blobs: BlobStore;
  records: RecordStore;
}

export function createGetImageVariant(deps: GetImageVariantDeps): HttpHandlerFn {
  return withErrorMapping(async (request) => {
    const id = request.params.id ?? '';
    const name = request.params.name ?? '';
    if (!isImageId(id)) throw notFound(`Image "${id.slice(0, 80)}"`);
    if (!isVariantName(name)) throw notFound(`Variant "${name.slice(0, 40)}"`);
    const record = await deps.records.get(id);
    if (record === undefined) throw notFound(`Image "${id}"`);
    // The record says which format the variant was written in (it can differ per image).
    const variant = record.variants.find((candidate) => candidate.name === name);
    if (variant === undefined) throw notFound(`Variant "${name}" of image "${id}"`);
    const blob = await deps.blobs.get(
      Containers.variants,
      variantBlobName(id, variant.name, variant.format),
    );
    if (blob === undefined) throw notFound(`Variant "${name}" of image "${id}"`);

    const headers = {
      'Content-Type': variant.contentType,
      'Cache-Control': 'public, max-age=3600',
      ETag: blob.etag,
    };
    if (matchesIfNoneMatch(request.headers.get('if-none-match'), blob.etag)) {
      return { status: 304, headers };
    }
    return { status: 200, headers, body: blob.data };
  });
}
