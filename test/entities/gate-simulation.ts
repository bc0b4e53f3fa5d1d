/**
 * A discrete-event simulation of many orchestrations sharing one Vision gate in front of a
 * service with its own sliding-window quota. It drives the real reducer exactly as the
 * orchestrators do (acquire, wait for the slot, read clearance, call, report) with seeded random
 * delays, so the gate's promises can be checked over thousands of calls without a host.
 */
import {
  clearance,
  reduceGate,
  type AcquireResult,
  type CallOutcome,
  type GateSettings,
  type GateState,
} from '../../src/domain/gate/vision-gate';

export interface ServiceModel {
  /** Calls the service accepts in any 60 s window. */
  quotaPerMinute: number;
  /** [from, to) in simulated ms during which every call fails with 503. */
  outage?: { from: number; to: number };
}

export interface SimulationOptions {
  images: number;
  settings: GateSettings;
  service: ServiceModel;
  /** When each image asks for its first slot (ms); default all at 0. */
  arrivalMs?: (index: number) => number;
  maxAttempts?: number;
  maxWaitMs?: number;
  seed?: number;
  /** The most a call may leave after its slot (timer and dispatch delays); default 300 ms. */
  maxLatenessMs?: number;
}

export interface SimulationResult {
  calls: number;
  ok: number;
  throttled: number;
  failedCalls: number;
  analysed: number;
  deferred: number;
  entityOperations: number;
  /** Calls that reached the service during the outage. */
  callsDuringOutage: number;
  /** Simulated ms from the first arrival to the last image settling. */
  finishedAt: number;
  /** The share of the quota used while busy (see windowedUse). */
  utilisation: number;
  /** The most calls the service saw in any 60 s window. */
  maxCallsInWindow: number;
  state: GateState;
}

type Event = { at: number; order: number; run: () => void };

function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/**
 * The share of the quota used while busy: the mean, over every 60 s window from the first call
 * to the last success (one window start per second), of the successes in it ÷ the quota.
 */
function windowedUse(accepted: readonly number[], seen: readonly number[], quota: number): number {
  if (accepted.length === 0) return 0;
  const first = Math.min(...seen);
  const last = Math.max(first, Math.max(...accepted) - 60_000);
  const shares: number[] = [];
  for (let start = first; start <= last; start += 1000) {
    shares.push(accepted.filter((t) => t >= start && t < start + 60_000).length / quota);
  }
  return shares.reduce((sum, share) => sum + share, 0) / shares.length;
}

export function simulateGate(options: SimulationOptions): SimulationResult {
  const rnd = random(options.seed ?? 7);
  const between = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo));
  const maxAttempts = options.maxAttempts ?? 8;
  const maxWaitMs = options.maxWaitMs ?? 3_600_000;
  const lateness = options.maxLatenessMs ?? 300;
  const queue: Event[] = [];
  let order = 0;
  const schedule = (at: number, run: () => void): void => {
    queue.push({ at, order: order++, run });
  };

  let state: GateState | undefined;
  let entityOperations = 0;
  const accepted: number[] = [];
  const seen: number[] = [];
  const result = {
    calls: 0,
    ok: 0,
    throttled: 0,
    failedCalls: 0,
    analysed: 0,
    deferred: 0,
    callsDuringOutage: 0,
  };
  let lastSettled = 0;

  /** The service's answer and, for a 429, its Retry-After: until the oldest call leaves. */
  const service = (at: number): { outcome: CallOutcome; retryAfterMs?: number } => {
    seen.push(at);
    const outage = options.service.outage;
    if (outage !== undefined && at >= outage.from && at < outage.to) {
      result.callsDuringOutage++;
      return { outcome: 'unavailable' };
    }
    const inWindow = accepted.filter((t) => t > at - 60_000);
    if (inWindow.length >= options.service.quotaPerMinute) {
      const waitMs = Math.min(...inWindow) + 60_000 - at;
      return { outcome: 'throttled', retryAfterMs: Math.max(1, Math.ceil(waitMs / 1000)) * 1000 };
    }
    accepted.push(at);
    return { outcome: 'ok' };
  };

  const settle = (at: number, analysed: boolean): void => {
    if (analysed) result.analysed++;
    else result.deferred++;
    lastSettled = Math.max(lastSettled, at);
  };

  function ask(image: number, attempt: number, startedAt: number, at: number): void {
    if (attempt > maxAttempts) return settle(at, false);
    entityOperations++;
    const step = reduceGate(state, {
      type: 'acquire',
      now: at,
      settings: options.settings,
      maxWaitMs: Math.max(0, startedAt + maxWaitMs - at),
    });
    state = step.state;
    const grant = step.result as AcquireResult;
    if (grant.kind === 'busy') return settle(at, false);
    const wake = Math.max(at, grant.slotAt) + between(20, lateness);
    schedule(wake, () => look(image, attempt, startedAt, grant.seq, wake));
  }

  function look(image: number, attempt: number, startedAt: number, seq: number, at: number): void {
    const clear = clearance(state as GateState, seq, at);
    if (clear.kind === 'wait') {
      if (clear.until > startedAt + maxWaitMs) return settle(at, false);
      const wake = clear.until + between(20, lateness);
      schedule(wake, () => look(image, attempt, startedAt, seq, wake));
      return;
    }
    const callAt = at + between(10, 200);
    result.calls++;
    const { outcome, retryAfterMs } = service(callAt);
    const reportAt = callAt + between(100, 500);
    schedule(reportAt, () => {
      entityOperations++;
      state = reduceGate(state, {
        type: 'report',
        now: reportAt,
        requestId: `${image}:${seq}`,
        seq,
        outcome,
        calledAt: callAt,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      }).state;
      if (outcome === 'ok') {
        result.ok++;
        return settle(reportAt, true);
      }
      if (outcome === 'throttled') result.throttled++;
      else result.failedCalls++;
      ask(image, attempt + 1, startedAt, reportAt + between(20, 200));
    });
  }

  for (let i = 0; i < options.images; i++) {
    const at = options.arrivalMs?.(i) ?? 0;
    schedule(at, () => ask(i, 1, at, at));
  }
  while (queue.length > 0) {
    queue.sort((a, b) => a.at - b.at || a.order - b.order);
    const next = queue.shift() as Event;
    next.run();
  }

  let maxCallsInWindow = 0;
  for (const t of accepted) {
    const inWindow = accepted.filter((u) => u >= t && u < t + 60_000).length;
    maxCallsInWindow = Math.max(maxCallsInWindow, inWindow);
  }
  return {
    ...result,
    entityOperations,
    finishedAt: lastSettled,
    utilisation: windowedUse(accepted, seen, options.service.quotaPerMinute),
    maxCallsInWindow,
    state: state as GateState,
  };
}
