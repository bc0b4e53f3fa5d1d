/**
 * The 429 pauses this worker process has seen, per endpoint, in memory. The gate entity is the
 * shared truth, but its report arrives a moment after the 429; calls leaving from this worker
 * in that moment check here first instead of spending a call on a certain 429.
 */
import type { RecentThrottles } from '../ports/recent-throttles';

export function createRecentThrottles(): RecentThrottles {
  const until = new Map<string, number>();
  return {
    pausedUntil: (endpoint) => until.get(endpoint) ?? 0,
    note(endpoint, pausedUntil) {
      until.set(endpoint, Math.max(until.get(endpoint) ?? 0, pausedUntil));
    },
  };
}
