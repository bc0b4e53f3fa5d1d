/**
 * One emulated Azure AI Vision resource (a "region"): its credentials, per-key quota, injected
 * faults, scheduled outage, counters and a log of recent requests. The HTTP layer asks it what to
 * do with each call (`admit`) and tells it how the call ended (`settle`); everything that depends
 * on time reads the injected clock, so quota tests need no waiting.
 */
import { Tally, type EndpointCounters, type Outcome } from './counters';
import { applyPatch, type ConfigPatch, type EndpointConfig } from './endpoint-config';
import { seededRandom, type Random } from './random';
import { SlidingWindow } from './sliding-window';

export type OutageMode = '503' | 'reset' | 'timeout';

export interface Outage {
  mode: OutageMode;
  startsAt: number;
  endsAt: number;
}

export interface OutageView {
  mode: OutageMode;
  startsAt: string;
  endsAt: string;
  active: boolean;
}

/** What to do with an authenticated call, decided before its body is analysed. */
export type Admission =
  | { kind: 'serve' }
  | { kind: 'outage'; mode: OutageMode }
  | { kind: 'quota'; retryAfterSeconds: number }
  | { kind: 'fault'; fault: '429' | '500' | '503' | 'timeout' | 'reset' };

export interface RequestLogEntry {
  at: string;
  /** The key that called, `bearer` for a token, null when the credentials were refused. */
  key: string | null;
  /** The HTTP status answered; null for a timeout or a reset (no answer). */
  status: number | null;
  outcome: Outcome;
  /** What the emulator received: body size, sniffed format and pixel size when it looked. */
  bytes: number;
  format?: string;
  width?: number;
  height?: number;
  features?: string[];
  aspectRatios?: number[];
}

/** Who called: a key or a token this endpoint accepts, or why the credentials were refused. */
export type Identity = { identity: string } | { refused: 'missing' | 'invalid' };

/** The identity a Bearer token is counted under: offline there is no Entra ID to ask who it is. */
export const BEARER_IDENTITY = 'bearer';

const LOG_SIZE = 200;

export class VirtualEndpoint {
  private config: EndpointConfig;
  private outage: Outage | undefined;
  private random: Random;
  private tally: Tally;
  private readonly perKey = new Map<string, SlidingWindow>();
  private readonly accepted = new SlidingWindow();
  private readonly attempts = new SlidingWindow();
  private log: RequestLogEntry[] = [];

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly startConfig: EndpointConfig,
    private readonly seed: number,
    private readonly clock: () => number,
  ) {
    this.config = { ...startConfig, keys: [...startConfig.keys] };
    this.random = seededRandom(seed);
    this.tally = new Tally(clock());
  }

  get keys(): readonly string[] {
    return this.config.keys;
  }

  private get windowMs(): number {
    return this.config.windowSeconds * 1000;
  }

  /** Which key (or `bearer`) a request carries, if it is one this endpoint accepts. */
  identify(key: string | undefined, bearer: string | undefined): Identity {
    if (key !== undefined && key !== '') {
      return this.config.keys.includes(key) ? { identity: key } : { refused: 'invalid' };
    }
    if (bearer !== undefined) {
      return bearer.trim() === '' ? { refused: 'invalid' } : { identity: BEARER_IDENTITY };
    }
    return { refused: 'missing' };
  }

  arrived(): void {
    this.tally.arrived(this.clock());
  }

  left(): void {
    this.tally.left();
  }

  activeOutage(): Outage | undefined {
    const now = this.clock();
    if (this.outage === undefined) return undefined;
    if (now >= this.outage.endsAt) {
      this.outage = undefined;
      return undefined;
    }
    return now >= this.outage.startsAt ? this.outage : undefined;
  }

  /** Outage first, then the quota, then injected faults; a served call counts against the quota. */
  admit(identity: string): Admission {
    const now = this.clock();
    const outage = this.activeOutage();
    if (outage !== undefined) return { kind: 'outage', mode: outage.mode };

    const attempts = this.attempts.record(now, this.windowMs);
    this.tally.maxAttemptsInAnyWindow = Math.max(this.tally.maxAttemptsInAnyWindow, attempts);
    let window = this.perKey.get(identity);
    if (window === undefined) {
      window = new SlidingWindow();
      this.perKey.set(identity, window);
    }
    const { quotaPerMinute } = this.config;
    if (quotaPerMinute > 0 && window.count(now, this.windowMs) >= quotaPerMinute) {
      const waitMs = window.msUntilOldestLeaves(now, this.windowMs);
      return { kind: 'quota', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    const inKeyWindow = window.record(now, this.windowMs);
    const key = this.tally.key(identity);
    key.maxCallsInAnyWindow = Math.max(key.maxCallsInAnyWindow, inKeyWindow);
    const inWindow = this.accepted.record(now, this.windowMs);
    this.tally.maxCallsInAnyWindow = Math.max(this.tally.maxCallsInAnyWindow, inWindow);

    // One draw per call decides its fault, so a seed replays the same sequence of failures.
    const draw = this.random();
    let edge = 0;
    const faults = [
      ['429', this.config.rate429],
      ['500', this.config.rate500],
      ['503', this.config.rate503],
      ['timeout', this.config.timeoutRate],
      ['reset', this.config.resetRate],
    ] as const;
    for (const [fault, rate] of faults) {
      edge += rate;
      if (draw < edge) return { kind: 'fault', fault };
    }
    return { kind: 'serve' };
  }

  /** Added latency for one answer. */
  delayMs(): number {
    const { latencyMs, jitterMs } = this.config;
    return latencyMs + (jitterMs > 0 ? this.random() * jitterMs : 0);
  }

  get timeoutSeconds(): number {
    return this.config.timeoutSeconds;
  }

  get retryAfterSeconds(): number {
    return this.config.retryAfterSeconds;
  }

  get quota(): { perWindow: number; windowSeconds: number } {
    return { perWindow: this.config.quotaPerMinute, windowSeconds: this.config.windowSeconds };
  }

  settle(entry: Omit<RequestLogEntry, 'at'>): void {
    const now = this.clock();
    this.tally.settled(now, entry.outcome, entry.key ?? undefined);
    this.log.push({ at: new Date(now).toISOString(), ...entry });
    if (this.log.length > LOG_SIZE) this.log.splice(0, this.log.length - LOG_SIZE);
  }

  configure(patch: ConfigPatch): EndpointConfig {
    this.config = applyPatch(this.config, patch);
    return this.view().config;
  }

  startOutage(spec: { seconds: number; mode: OutageMode; startInSeconds: number }): OutageView {
    const startsAt = this.clock() + spec.startInSeconds * 1000;
    this.outage = { mode: spec.mode, startsAt, endsAt: startsAt + spec.seconds * 1000 };
    return this.outageView() as OutageView;
  }

  endOutage(): void {
    this.outage = undefined;
  }

  /** Back to the state at start: start configuration, no outage, zero counters, same seed. */
  reset(): void {
    this.config = { ...this.startConfig, keys: [...this.startConfig.keys] };
    this.outage = undefined;
    this.random = seededRandom(this.seed);
    this.tally = new Tally(this.clock());
    this.perKey.clear();
    this.accepted.clear();
    this.attempts.clear();
    this.log = [];
  }

  private outageView(): OutageView | null {
    if (this.outage === undefined || this.clock() >= this.outage.endsAt) return null;
    return {
      mode: this.outage.mode,
      startsAt: new Date(this.outage.startsAt).toISOString(),
      endsAt: new Date(this.outage.endsAt).toISOString(),
      active: this.activeOutage() !== undefined,
    };
  }

  view(): { name: string; url: string; config: EndpointConfig; outage: OutageView | null } {
    return {
      name: this.name,
      url: this.url,
      config: { ...this.config, keys: [...this.config.keys] },
      outage: this.outageView(),
    };
  }

  counters(): EndpointCounters {
    const now = this.clock();
    const t = this.tally;
    const byKey: EndpointCounters['byKey'] = {};
    for (const [identity, counters] of t.byKey) {
      byKey[identity] = {
        ...counters,
        callsInWindow: this.perKey.get(identity)?.count(now, this.windowMs) ?? 0,
      };
    }
    return {
      endpoint: this.name,
      since: new Date(t.since).toISOString(),
      quotaPerMinute: this.config.quotaPerMinute,
      windowSeconds: this.config.windowSeconds,
      calls: t.calls,
      ok: t.ok,
      throttled: t.throttled,
      quotaThrottled: t.quotaThrottled,
      unauthorized: t.unauthorized,
      rejected: t.rejected,
      errors: { ...t.errors },
      inFlight: t.inFlight,
      callsInWindow: this.accepted.count(now, this.windowMs),
      maxCallsInAnyWindow: t.maxCallsInAnyWindow,
      maxAttemptsInAnyWindow: t.maxAttemptsInAnyWindow,
      byKey,
      perMinute: t.perMinute(),
    };
  }

  requests(limit: number): RequestLogEntry[] {
    return this.log.slice(-Math.max(0, limit)).map((entry) => ({ ...entry }));
  }
}
