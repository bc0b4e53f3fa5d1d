/**
 * What an endpoint has answered, in the shape `GET /emulator/counters` returns. Tests and
 * benchmarks read these instead of timing anything: how many calls arrived, how each ended, per
 * key and per minute, and the most calls any quota window ever accepted.
 */

/** How one analyze call ended. `quota` and `throttled` are both 429s; `quota` came from the quota. */
export type Outcome =
  | 'ok'
  | 'quota'
  | 'throttled'
  | 'unauthorized'
  | 'rejected'
  | 'error500'
  | 'error503'
  | 'timeout'
  | 'reset';

export interface KeyCounters {
  calls: number;
  ok: number;
  /** Every 429, from the quota or injected. */
  throttled: number;
  /** 429s from the quota alone. */
  quotaThrottled: number;
  rejected: number;
  /** 500, 503, timeouts and resets together. */
  errors: number;
  /** Calls of this key the quota accepted that are still inside the window. */
  callsInWindow: number;
  /** The most calls of this key the quota ever accepted within one window. */
  maxCallsInAnyWindow: number;
}

export interface MinuteCounts {
  /** Start of the minute (UTC, ISO 8601). */
  minute: string;
  calls: number;
  ok: number;
  throttled: number;
  rejected: number;
  unauthorized: number;
  errors: number;
}

export interface EndpointCounters {
  endpoint: string;
  /** When counting started: the emulator's start or the last reset. */
  since: string;
  quotaPerMinute: number;
  windowSeconds: number;
  /** Every analyze request that arrived, whatever its answer. */
  calls: number;
  ok: number;
  throttled: number;
  quotaThrottled: number;
  /** 401: missing or wrong credentials. */
  unauthorized: number;
  /** Other 4xx: bad parameters, unsupported or unreadable images. */
  rejected: number;
  errors: { '500': number; '503': number; timeouts: number; resets: number };
  /** Requests received and not yet answered (held timeouts included). */
  inFlight: number;
  /** Calls the quota accepted (all keys) still inside the window. */
  callsInWindow: number;
  /** The most calls the quota accepted (all keys) within any one window. */
  maxCallsInAnyWindow: number;
  /** The most authenticated calls that arrived within any one window, throttled ones included. */
  maxAttemptsInAnyWindow: number;
  byKey: Record<string, KeyCounters>;
  /** The last 60 minutes that saw calls, oldest first. */
  perMinute: MinuteCounts[];
}

/** `GET /emulator/counters`' `total`: the outcomes of every endpoint added up. */
export type TotalCounters = Pick<
  EndpointCounters,
  | 'calls'
  | 'ok'
  | 'throttled'
  | 'quotaThrottled'
  | 'unauthorized'
  | 'rejected'
  | 'errors'
  | 'inFlight'
>;

const MINUTES_KEPT = 60;

export function emptyKeyCounters(): KeyCounters {
  return {
    calls: 0,
    ok: 0,
    throttled: 0,
    quotaThrottled: 0,
    rejected: 0,
    errors: 0,
    callsInWindow: 0,
    maxCallsInAnyWindow: 0,
  };
}

/** The running tallies behind EndpointCounters. */
export class Tally {
  calls = 0;
  ok = 0;
  throttled = 0;
  quotaThrottled = 0;
  unauthorized = 0;
  rejected = 0;
  errors = { '500': 0, '503': 0, timeouts: 0, resets: 0 };
  inFlight = 0;
  maxCallsInAnyWindow = 0;
  maxAttemptsInAnyWindow = 0;
  readonly byKey = new Map<string, KeyCounters>();
  private readonly minutes = new Map<number, MinuteCounts>();

  constructor(readonly since: number) {}

  key(identity: string): KeyCounters {
    let counters = this.byKey.get(identity);
    if (counters === undefined) {
      counters = emptyKeyCounters();
      this.byKey.set(identity, counters);
    }
    return counters;
  }

  private minute(now: number): MinuteCounts {
    const start = Math.floor(now / 60_000) * 60_000;
    let counts = this.minutes.get(start);
    if (counts === undefined) {
      counts = {
        minute: new Date(start).toISOString(),
        calls: 0,
        ok: 0,
        throttled: 0,
        rejected: 0,
        unauthorized: 0,
        errors: 0,
      };
      this.minutes.set(start, counts);
      for (const old of this.minutes.keys()) {
        if (old <= start - MINUTES_KEPT * 60_000) this.minutes.delete(old);
      }
    }
    return counts;
  }

  arrived(now: number): void {
    this.calls += 1;
    this.inFlight += 1;
    this.minute(now).calls += 1;
  }

  settled(now: number, outcome: Outcome, identity: string | undefined): void {
    const minute = this.minute(now);
    const key = identity === undefined ? undefined : this.key(identity);
    if (key !== undefined) key.calls += 1;
    switch (outcome) {
      case 'ok':
        this.ok += 1;
        minute.ok += 1;
        if (key) key.ok += 1;
        return;
      case 'quota':
        this.quotaThrottled += 1;
        if (key) key.quotaThrottled += 1;
        this.throttled += 1;
        minute.throttled += 1;
        if (key) key.throttled += 1;
        return;
      case 'throttled':
        this.throttled += 1;
        minute.throttled += 1;
        if (key) key.throttled += 1;
        return;
      case 'unauthorized':
        this.unauthorized += 1;
        minute.unauthorized += 1;
        return;
      case 'rejected':
        this.rejected += 1;
        minute.rejected += 1;
        if (key) key.rejected += 1;
        return;
      case 'error500':
      case 'error503':
      case 'timeout':
      case 'reset':
        this.errors[ERROR_FIELD[outcome]] += 1;
        minute.errors += 1;
        if (key) key.errors += 1;
        return;
    }
  }

  left(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  perMinute(): MinuteCounts[] {
    return [...this.minutes.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, counts]) => ({ ...counts }));
  }
}

const ERROR_FIELD = {
  error500: '500',
  error503: '503',
  timeout: 'timeouts',
  reset: 'resets',
} as const;
