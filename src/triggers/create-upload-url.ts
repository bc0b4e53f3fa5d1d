/**
 * HTTP trigger `createUploadUrl`: `POST /api/images/upload-url` (anonymous).
 *
 * Input: JSON `{ contentType, contentLength, filename? }`: the image the client is about to send.
 * Output: `201 { id, uploadUrl, expiresOn, statusUrl }` with `Location: statusUrl`. The client
 *   then sends `PUT uploadUrl` with `x-ms-blob-type: BlockBlob` and its `content-type`; the blob
 *   trigger starts processing as for any other upload. `uploadUrl` is a SAS for the one blob
 *   `images-incoming/{id}`, create and write only, valid for `uploadUrlTtlSeconds`
 *   (`UPLOAD_URL_TTL_SECONDS`, default 600). Errors: 400 INVALID_REQUEST (not a JSON object,
 *   missing or mistyped field), 413 PAYLOAD_TOO_LARGE (contentLength over MAX_UPLOAD_BYTES),
 *   415 UNSUPPORTED_MEDIA_TYPE (contentType not an allowed image type).
 * Idempotency key: none from the client; every request gets a new id. The Accepted record is
 *   inserted only if absent, like the direct upload's.
 * Retry policy: none; a failed request can simply be sent again.
 *
 * Storage cannot enforce a length or a format on a SAS upload, so the declared values are only a
 * courtesy check: the inspect step checks the stored blob's size and magic bytes and fails the
 * image with PAYLOAD_TOO_LARGE or UNSUPPORTED_FORMAT. The Accepted record has no instance id
 * (the blob and its ETag do not exist yet); reads show it as stored until the run saves its
 * Processing record.
 */
import type { ReadableStream } from 'node:stream/web';
import { AppError } from '../domain/errors';
import { acceptedRecord } from '../domain/record';
import { parseUploadUrlRequest } from '../domain/pipeline/upload-request';
import { API_PREFIX, Containers } from '../names';
import type { RecordStore } from '../ports/record-store';
import type { UploadUrlSigner } from '../ports/upload-url-signer';
import { type HttpHandlerFn, withErrorMapping } from './http-errors';

export interface CreateUploadUrlDeps {
  records: RecordStore;
  signer: UploadUrlSigner;
  maxUploadBytes: number;
  uploadUrlTtlSeconds: number;
  clock: () => Date;
  newId: () => string;
}

/** A few fields of JSON; anything much bigger is not a request this route understands. */
const MAX_BODY_BYTES = 16 * 1024;

async function readJson(body: ReadableStream | null): Promise<unknown> {
  if (body === null) throw new AppError('INVALID_REQUEST', 'The body must be a JSON object');
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > MAX_BODY_BYTES) {
      throw new AppError('INVALID_REQUEST', `The JSON body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new AppError('INVALID_REQUEST', 'The body is not valid JSON', { cause: error });
  }
}

export function createUploadUrl(deps: CreateUploadUrlDeps): HttpHandlerFn {
  return withErrorMapping(async (request) => {
    const wanted = parseUploadUrlRequest(await readJson(request.body), deps.maxUploadBytes);
    const now = deps.clock();
    // SAS times have whole seconds; the reply states exactly what the signature says.
    const expiresOn = new Date(
      Math.floor(now.getTime() / 1000) * 1000 + deps.uploadUrlTtlSeconds * 1000,
    );
    const id = deps.newId();
    const signed = await deps.signer.signUpload({
      container: Containers.incoming,
      blobName: id,
      expiresOn,
    });
    await deps.records.insertIfAbsent(
      acceptedRecord({
        id,
        now,
        filename: wanted.filename,
        format: null,
        contentType: wanted.contentType,
        bytes: null,
        sha256: null,
        instanceId: null,
      }),
    );
    const statusUrl = `${new URL(request.url).origin}${API_PREFIX}/images/${id}`;
    return {
      status: 201,
      headers: { Location: statusUrl, 'Cache-Control': 'no-store' },
      jsonBody: {
        id,
        uploadUrl: signed.url,
        expiresOn: signed.expiresOn.toISOString(),
        statusUrl,
      },
    };
  });
}
