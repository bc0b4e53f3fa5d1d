/**
 * HTTP trigger `uploadImage`: `POST /api/images` (anonymous).
 *
 * Input: raw image bytes (`image/*` or `application/octet-stream`) or `multipart/form-data` with
 *   a `file` field; optional `?filename=`.
 * Output: `202 { id, status: "Accepted", statusUrl }` with `Location: statusUrl`. Errors:
 *   400 EMPTY_BODY / INVALID_BODY, 413 PAYLOAD_TOO_LARGE (declared or counted while streaming),
 *   415 UNSUPPORTED_MEDIA_TYPE (decided by magic bytes only).
 * Idempotency key: none from the client; the server picks a new id per request. The Accepted
 *   record is inserted only if absent, so it can never overwrite a record the pipeline already
 *   finished for that id.
 * Retry policy: none; a failed request can simply be sent again.
 *
 * Processing starts from the blob trigger, not from here: the blob is the single source of
 * truth, and uploads that bypass this endpoint are processed the same way.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors';
import { encodeMetadataValue, sanitizeFilename } from '../domain/pipeline/filename';
import { contentTypeOf, SNIFF_BYTES, sniffFormat } from '../domain/pipeline/formats';
import { instanceIdFor } from '../domain/ids';
import { acceptedRecord } from '../domain/record';
import { API_PREFIX, Containers, FILENAME_METADATA_KEY } from '../names';
import type { BlobStore } from '../ports/blob-store';
import type { RecordStore } from '../ports/record-store';
import { type HttpHandlerFn, withErrorMapping } from './http-errors';
import { readUpload } from './read-upload';

export interface UploadImageDeps {
  blobs: BlobStore;
  records: RecordStore;
  maxUploadBytes: number;
  clock: () => Date;
  newId: () => string;
}

export function createUploadImage(deps: UploadImageDeps): HttpHandlerFn {
  return withErrorMapping(async (request) => {
    const upload = await readUpload(request, deps.maxUploadBytes);
    const format = sniffFormat(upload.data.subarray(0, SNIFF_BYTES));
    if (format === undefined) {
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Only JPEG, PNG, WebP, GIF, AVIF and TIFF images are accepted (judged by the file content)',
      );
    }
    const filename = sanitizeFilename(request.query.get('filename')) ?? upload.filename;
    const contentType = contentTypeOf(format);
    const id = deps.newId();
    const { etag } = await deps.blobs.put(Containers.incoming, id, upload.data, {
      contentType,
      metadata: filename === null ? {} : { [FILENAME_METADATA_KEY]: encodeMetadataValue(filename) },
    });
    await deps.records.insertIfAbsent(
      acceptedRecord({
        id,
        now: deps.clock(),
        filename,
        format,
        contentType,
        bytes: upload.data.length,
        sha256: createHash('sha256').update(upload.data).digest('hex'),
        instanceId: instanceIdFor(id, etag),
      }),
    );
    const statusUrl = `${new URL(request.url).origin}${API_PREFIX}/images/${id}`;
    return {
      status: 202,
      headers: { Location: statusUrl, 'Cache-Control': 'no-store' },
      jsonBody: { id, status: 'Accepted', statusUrl },
    };
  });
}
