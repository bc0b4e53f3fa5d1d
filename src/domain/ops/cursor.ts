/**
 * Continuation tokens of `GET /api/ops/orchestrations`. A token names the last instance served
 * (its creation time and id) instead of an offset, so instances started between two pages
 * neither shift nor repeat what the next page holds.
 */
import { AppError } from '../errors';

export interface InstanceCursor {
  /** Creation time of the last instance served, in milliseconds since the epoch. */
  createdMs: number;
  instanceId: string;
}

export function encodeCursor(cursor: InstanceCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdMs, cursor.instanceId]), 'utf8').toString(
    'base64url',
  );
}

function invalid(): AppError {
  return new AppError(
    'INVALID_QUERY',
    'continuationToken is not a token this API returned; start again without it',
  );
}

export function decodeCursor(token: string): InstanceCursor {
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(token)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [createdMs, instanceId] = parsed as unknown[];
  if (typeof createdMs !== 'number' || !Number.isFinite(createdMs)) throw invalid();
  if (typeof instanceId !== 'string' || instanceId === '') throw invalid();
  return { createdMs, instanceId };
}
