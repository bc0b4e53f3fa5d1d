/**
 * When to poll an image again. Starts at the server's `Retry-After` (or 1 s), grows by half each
 * time nothing changed, resets when something did, and never exceeds the cap: a page left open
 * on a slow image costs a request every half minute, not every second. Final states stop it.
 * Pure: no timers.
 */
export const FINAL_STATUSES = ['Completed', 'CompletedWithWarnings', 'Failed'] as const;

export function isFinalStatus(status: unknown): boolean {
  return (FINAL_STATUSES as readonly unknown[]).includes(status);
}

export interface BackoffState {
  delayMs: number;
  unchanged: number;
}

export const BACKOFF = { minMs: 1000, maxMs: 30_000, factor: 1.5 } as const;

export function initialBackoff(): BackoffState {
  return { delayMs: BACKOFF.minMs, unchanged: 0 };
}

/**
 * The next wait after a poll. `changed`: the record differed (a 200 with a new ETag);
 * `retryAfterSeconds`: the server's hint, a floor.
 */
export function nextBackoff(
  state: BackoffState,
  changed: boolean,
  retryAfterSeconds?: number,
): BackoffState {
  const floor = Math.max(BACKOFF.minMs, (retryAfterSeconds ?? 0) * 1000);
  if (changed) return { delayMs: Math.min(floor, BACKOFF.maxMs), unchanged: 0 };
  const grown = Math.max(floor, state.delayMs * BACKOFF.factor);
  return { delayMs: Math.min(Math.round(grown), BACKOFF.maxMs), unchanged: state.unchanged + 1 };
}

/** No step started or ended for `stallMs`: the page says so instead of spinning. */
export function isStalled(
  record: { status?: unknown; updatedAt?: unknown; steps?: unknown },
  nowMs: number,
  stallMs = 3 * 60_000,
): boolean {
  if (isFinalStatus(record.status)) return false;
  const times: number[] = [];
  const push = (v: unknown): void => {
    if (typeof v === 'string') {
      const t = Date.parse(v);
      if (!Number.isNaN(t)) times.push(t);
    }
  };
  push(record.updatedAt);
  if (Array.isArray(record.steps)) {
    for (const step of record.steps as { startedAt?: unknown; completedAt?: unknown }[]) {
      push(step.startedAt);
      push(step.completedAt);
    }
  }
  if (times.length === 0) return false;
  return nowMs - Math.max(...times) > stallMs;
}
