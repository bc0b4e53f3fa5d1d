/** Reading request bodies and writing JSON answers for the emulator's HTTP server. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The whole body, or only its size once it passes `limit`: the rest is read and dropped, so the
 * client can finish sending and read the 400 instead of seeing a broken pipe.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ data: Buffer; bytes: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('end', () =>
      resolve({ data: bytes <= limit ? Buffer.concat(chunks) : Buffer.alloc(0), bytes }),
    );
    req.once('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'apim-request-id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** Parses a JSON request body; an empty body reads as `{}`. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const { data } = await readBody(req, 1024 * 1024);
  const text = data.toString('utf8').trim();
  return text === '' ? {} : (JSON.parse(text) as unknown);
}

/** Drops the connection with a TCP reset, as a crashed front end or load balancer would. */
export function resetConnection(req: IncomingMessage): void {
  const socket = req.socket;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

export const sleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
