/**
 * Reads an upload body (raw bytes or multipart field `file`) without ever holding more than the
 * cap in memory. The declared Content-Length is checked first so an honest oversized request is
 * refused before any byte is read; the stream is counted anyway because the header can lie or be
 * absent (chunked transfer).
 */
import { once } from 'node:events';
import type { ReadableStream } from 'node:stream/web';
import type { HttpRequest } from '@azure/functions';
import busboy from 'busboy';
import { AppError } from '../domain/errors';
import { sanitizeFilename } from '../domain/pipeline/filename';

export interface Upload {
  data: Buffer;
  filename: string | null;
}

/** Room for boundaries and part headers around the file in a multipart body. */
const MULTIPART_OVERHEAD = 64 * 1024;

function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The upload is larger than ${maxBytes} bytes`);
}

function emptyBody(): AppError {
  return new AppError('EMPTY_BODY', 'The request body is empty');
}

async function* chunksOf(body: ReadableStream, limit: number, maxBytes: number) {
  let total = 0;
  // Leaving the loop early (throw) cancels the stream, so the rest is never read.
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > limit) throw tooLarge(maxBytes);
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

async function readRaw(body: ReadableStream, maxBytes: number): Promise<Upload> {
  const chunks: Buffer[] = [];
  for await (const chunk of chunksOf(body, maxBytes, maxBytes)) chunks.push(chunk);
  return { data: Buffer.concat(chunks), filename: null };
}

function readMultipart(
  body: ReadableStream,
  contentType: string,
  maxBytes: number,
): Promise<Upload> {
  return new Promise<Upload>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
    };

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { fileSize: maxBytes, files: 5, fields: 20, parts: 30 },
      });
    } catch (error) {
      reject(
        new AppError('INVALID_BODY', 'The multipart body has no valid boundary', { cause: error }),
      );
      return;
    }

    let file: { chunks: Buffer[]; filename: string | null } | undefined;
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || file !== undefined) {
        stream.resume();
        return;
      }
      const current = { chunks: [] as Buffer[], filename: sanitizeFilename(info.filename) };
      file = current;
      stream.on('data', (chunk: Buffer) => current.chunks.push(chunk));
      stream.on('limit', () => finish(() => reject(tooLarge(maxBytes))));
    });
    parser.on('error', (error: unknown) =>
      finish(() =>
        reject(new AppError('INVALID_BODY', 'The multipart body is malformed', { cause: error })),
      ),
    );
    parser.on('close', () =>
      finish(() => {
        if (file === undefined) reject(new AppError('EMPTY_BODY', 'No "file" field was sent'));
        else resolve({ data: Buffer.concat(file.chunks), filename: file.filename });
      }),
    );

    const pump = async (): Promise<void> => {
      for await (const chunk of chunksOf(body, maxBytes + MULTIPART_OVERHEAD, maxBytes)) {
        if (settled) return;
        if (!parser.write(chunk)) await once(parser, 'drain');
      }
      parser.end();
    };
    pump().catch((error: unknown) =>
      finish(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}

export async function readUpload(request: HttpRequest, maxBytes: number): Promise<Upload> {
  const contentType = request.headers.get('content-type') ?? '';
  const multipart = /^multipart\/form-data\b/i.test(contentType);
  const declared = request.headers.get('content-length');
  const limit = multipart ? maxBytes + MULTIPART_OVERHEAD : maxBytes;
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) {
    throw tooLarge(maxBytes);
  }
  const body = request.body;
  if (body === null) throw emptyBody();
  const upload = multipart
    ? await readMultipart(body, contentType, maxBytes)
    : await readRaw(body, maxBytes);
  if (upload.data.length === 0) throw emptyBody();
  return upload;
}
