/**
 * Call times inside a sliding window, the way a per-minute rate limit counts them: a call made at
 * `t` stops counting at `t + window`. Used for the quota (accepted calls per key) and for the
 * counters that prove no window ever held more than the quota.
 */
export class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  private prune(now: number, windowMs: number): void {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - windowMs) {
      this.head += 1;
    }
    // Compact now and then so a long run does not keep every call time ever seen.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  count(now: number, windowMs: number): number {
    this.prune(now, windowMs);
    return this.times.length - this.head;
  }

  /** Records a call at `now`; returns how many calls the window holds with it. */
  record(now: number, windowMs: number): number {
    this.prune(now, windowMs);
    this.times.push(now);
    return this.times.length - this.head;
  }

  /** Milliseconds until the oldest call in the window leaves it (0 when empty). */
  msUntilOldestLeaves(now: number, windowMs: number): number {
    this.prune(now, windowMs);
    const oldest = this.times[this.head];
    return oldest === undefined ? 0 : Math.max(0, oldest + windowMs - now);
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }
}
