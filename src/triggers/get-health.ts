/**
 * HTTP trigger `health`: `GET /api/health` (anonymous).
 *
 * Input: none.
 * Output: `200 { status: "ok", dependencies: { blob: "ok", cosmos: "ok" } }`, or `503` with
 *   `status: "unavailable"` and each failing dependency marked `"unavailable"`.
 * Idempotency key: read-only.
 * Retry policy: none; each check gives up after CHECK_TIMEOUT_MS so a hung dependency reads as
 *   unavailable instead of hanging the probe.
 */
import type { BlobStore } from '../ports/blob-store';
import type { RecordStore } from '../ports/record-store';
import { type HttpHandlerFn, withErrorMapping } from './http-errors';

export interface HealthDeps {
  blobs: BlobStore;
  records: RecordStore;
}

type DependencyState = 'ok' | 'unavailable';

const CHECK_TIMEOUT_MS = 5000;

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createGetHealth(deps: HealthDeps): HttpHandlerFn {
  return withErrorMapping(async (_request, context) => {
    const check = async (name: string, ping: () => Promise<void>): Promise<DependencyState> => {
      try {
        await withTimeout(ping(), CHECK_TIMEOUT_MS);
        return 'ok';
      } catch (error) {
        context.warn(`health: ${name} is unavailable`, error);
        return 'unavailable';
      }
    };
    const [blob, cosmos] = await Promise.all([
      check('blob', () => deps.blobs.ping()),
      check('cosmos', () => deps.records.ping()),
    ]);
    const healthy = blob === 'ok' && cosmos === 'ok';
    return {
      status: healthy ? 200 : 503,
      headers: { 'Cache-Control': 'no-store' },
      jsonBody: { status: healthy ? 'ok' : 'unavailable', dependencies: { blob, cosmos } },
    };
  });
}
