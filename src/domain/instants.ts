/**
 * Epoch milliseconds as Dates and ISO strings. Orchestrators may not touch `Date` (lint bans it,
 * since `new Date()` reads the clock); turning a replayed number into a Date is deterministic,
 * so it lives here.
 */
export function dateAt(ms: number): Date {
  return new Date(ms);
}

export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}
