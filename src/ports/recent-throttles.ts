/** 429 pauses seen recently by this worker, per endpoint (epoch milliseconds; 0 for none). */
export interface RecentThrottles {
  pausedUntil(endpoint: string): number;
  note(endpoint: string, pausedUntil: number): void;
}
