export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A process that stayed up this long counts as healthy again: the next crash waits initialMs. */
  resetAfterMs: number;
}

/** Like a crashed Azure worker: restart at once-ish, slow down while it keeps crashing. */
export const RESTART_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 5000, resetAfterMs: 30_000 };

/**
 * The delay before the next restart, given the previous delay (undefined before the first
 * crash) and how long the process ran this time.
 */
export function nextRestartDelay(
  policy: BackoffPolicy,
  previousDelayMs: number | undefined,
  uptimeMs: number,
): number {
  if (previousDelayMs === undefined || uptimeMs >= policy.resetAfterMs) return policy.initialMs;
  return Math.min(policy.maxMs, previousDelayMs * 2);
}
