/**
 * The Vision gate's reducer, without a host: the ledger's window guarantee, the 429 pause and
 * adaptive rate, the circuit breaker's half-open trial, duplicate reports, and (through a
 * simulation of hundreds of orchestrations against a service with its own quota) the promises
 * the README makes: no 429 when the quota is right, few when it is wrong, a handful of calls
 * into an outage, and ≤ 2 entity operations per service call.
 */
import {
  type AcquireResult,
  clearance,
  type GateOperation,
  type GateSettings,
  type GateState,
  reduceGate,
  slotOf,
  stepFor,
  PLAN_WINDOW_MS,
  TRIAL_TIMEOUT_MS,
} from '../../src/domain/gate/vision-gate';
import { parseGateOperation } from '../../src/domain/gate/messages';
import { simulateGate } from './gate-simulation';

const settings = (
  callsPerMinute: number,
  breakerFailures = 3,
  breakerSeconds = 30,
): GateSettings => ({
  callsPerMinute,
  breakerFailures,
  breakerSeconds,
});

function run(
  state: GateState | undefined,
  ops: GateOperation[],
): { state: GateState; results: AcquireResult[] } {
  let current = state;
  const results: AcquireResult[] = [];
  for (const op of ops) {
    const step = reduceGate(current, op);
    current = step.state;
    if (step.result !== undefined) results.push(step.result);
  }
  return { state: current as GateState, results };
}

const acquire = (now: number, s = settings(60), maxWaitMs?: number): GateOperation => ({
  type: 'acquire',
  now,
  settings: s,
  ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
});
const report = (
  now: number,
  seq: number,
  outcome: 'ok' | 'throttled' | 'unavailable' | 'rejected',
  retryAfterMs?: number,
): GateOperation => ({
  type: 'report',
  now,
  seq,
  requestId: `r${seq}`,
  outcome,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

function granted(result: AcquireResult | undefined): { seq: number; slotAt: number } {
  if (result?.kind !== 'granted')
    throw new Error(`expected a grant, got ${JSON.stringify(result)}`);
  return result;
}

describe('Reducer: visionGate', () => {
  describe('Operation: acquire', () => {
    it('grants consecutive slots spaced so no 60 s window holds more than the quota', () => {
      // Prepare
      const ops = Array.from({ length: 130 }, () => acquire(0, settings(60)));
      // Act
      const { results } = run(undefined, ops);
      // Assess
      const slots = results.map((r) => granted(r).slotAt);
      expect(slots[0]).toBe(0);
      for (const start of slots) {
        expect(slots.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(
          60,
        );
      }
      expect(slots[1]).toBe(stepFor(60));
      // A quiet gate lets a full minute's quota go in the first quarter window.
      expect(slots[59]).toBeLessThanOrEqual(PLAN_WINDOW_MS / 4);
      expect(slots[60]).toBe(PLAN_WINDOW_MS);
    });

    it("starts an idle gate at the caller's time, not at an old plan", () => {
      const { state } = run(undefined, [acquire(0), acquire(0)]);
      const { results } = run(state, [acquire(600_000)]);
      expect(granted(results[0]).slotAt).toBe(600_000);
    });

    it('answers busy without using a slot when the wait would exceed the bound', () => {
      const { state } = run(
        undefined,
        Array.from({ length: 10 }, () => acquire(0, settings(6))),
      );
      const { state: after, results } = run(state, [acquire(0, settings(6), 30_000)]);
      expect(results[0]?.kind).toBe('busy');
      expect(after.nextSeq).toBe(state.nextSeq);
      expect(after.counters.busy).toBe(1);
    });

    it('refuses a malformed operation with a readable message', () => {
      expect(() => parseGateOperation('acquire', { now: 'soon' })).toThrow(/now must be a time/);
      expect(() => parseGateOperation('grab', { now: 1 })).toThrow(/no operation "grab"/);
    });
  });

  describe('Operation: report', () => {
    it('pauses the endpoint until Retry-After and moves every pending slot behind the pause', () => {
      const { state } = run(
        undefined,
        Array.from({ length: 20 }, () => acquire(0)),
      );
      const { state: paused } = run(state, [report(1_500, 0, 'throttled', 30_000)]);
      expect(paused.pausedUntil).toBe(31_500);
      for (let seq = 2; seq < 20; seq++) {
        const clear = clearance(paused, seq, 2_000);
        expect(clear.kind).toBe('wait');
        if (clear.kind === 'wait') expect(clear.until).toBeGreaterThanOrEqual(31_500);
      }
    });

    it('lowers the rate to what the service accepted, once per episode, and recovers slowly', () => {
      let { state } = run(
        undefined,
        Array.from({ length: 40 }, () => acquire(0, settings(60))),
      );
      for (let seq = 0; seq < 30; seq++) state = run(state, [report(seq * 1_000, seq, 'ok')]).state;
      state = run(state, [report(30_000, 30, 'throttled', 1_000)]).state;
      expect(state.ratePerMinute).toBe(30);
      // A second 429 from a slot granted before the cut does not cut again.
      state = run(state, [report(30_500, 31, 'throttled', 1_000)]).state;
      expect(state.ratePerMinute).toBe(30);
      // Quiet for long enough: the rate climbs back a step per minute, up to the quota.
      let t = 30_500;
      for (let minute = 0; minute < 20; minute++) {
        t += 60_000;
        state = run(state, [acquire(t, settings(60))]).state;
      }
      expect(state.ratePerMinute).toBe(60);
    });

    it('counts a report delivered twice once', () => {
      const { state } = run(undefined, [acquire(0), report(100, 0, 'unavailable')]);
      const { state: again } = run(state, [report(100, 0, 'unavailable')]);
      expect(again.consecutiveFailures).toBe(1);
      expect(again.counters.failed).toBe(1);
      expect(again.counters.duplicateReports).toBe(1);
    });

    it('does not count 4xx other than 429 against the endpoint', () => {
      const ops = [acquire(0), acquire(0), acquire(0), acquire(0)];
      const { state } = run(undefined, ops);
      const { state: after } = run(
        state,
        [0, 1, 2, 3].map((seq) => report(100, seq, 'rejected')),
      );
      expect(after.circuit).toBe('Closed');
      expect(after.consecutiveFailures).toBe(0);
      expect(after.counters.rejected).toBe(4);
    });
  });

  describe('Circuit breaker', () => {
    /** Ten slots granted at once; the first three calls fail half a second after their slots. */
    function opened(): { state: GateState; waiting: number[] } {
      const { state } = run(
        undefined,
        Array.from({ length: 10 }, () => acquire(0, settings(60, 3, 30))),
      );
      const failAt = (seq: number): number => slotOf(state, seq) + 500;
      const after = run(
        state,
        [0, 1, 2].map((seq) => report(failAt(seq), seq, 'unavailable')),
      ).state;
      // Slots not yet due when the circuit opened wait for it; the first of them is the trial.
      const waiting = Array.from({ length: 10 }, (_, seq) => seq).filter(
        (seq) => seq >= after.plan.seq,
      );
      return { state: after, waiting };
    }

    it('opens after the configured consecutive failures and holds every slot until it may try', () => {
      const { state, waiting } = opened();
      expect(state.circuit).toBe('Open');
      expect(state.openUntil).toBe(2 * stepFor(60) + 500 + 30_000);
      expect(waiting.length).toBeGreaterThan(2);
      for (const seq of waiting) expect(clearance(state, seq, 10_000).kind).toBe('wait');
    });

    it('lets exactly one trial through when half-open; success closes it', () => {
      const { state, waiting } = opened();
      const at = state.openUntil + 10;
      const goes = waiting.filter((seq) => clearance(state, seq, at).kind === 'go');
      expect(goes).toEqual([waiting[0]]);
      const { state: closed } = run(state, [report(at + 200, waiting[0]!, 'ok')]);
      expect(closed.circuit).toBe('Closed');
      expect(clearance(closed, waiting[1]!, at + 200 + stepFor(60)).kind).toBe('go');
    });

    it('reopens on a failed trial and passes the next trial to the next slot', () => {
      const { state, waiting } = opened();
      const at = state.openUntil + 10;
      const { state: reopened } = run(state, [report(at + 200, waiting[0]!, 'unavailable')]);
      expect(reopened.circuit).toBe('Open');
      expect(reopened.openUntil).toBe(at + 200 + 30_000);
      const next = reopened.openUntil + 1;
      const goes = waiting.slice(1).filter((seq) => clearance(reopened, seq, next).kind === 'go');
      expect(goes).toEqual([waiting[1]]);
    });

    it('passes the trial on when its holder never reports', () => {
      const { state, waiting } = opened();
      const later = state.openUntil + TRIAL_TIMEOUT_MS + 1;
      expect(clearance(state, waiting[0]!, later).kind).toBe('wait');
      expect(clearance(state, waiting[1]!, later).kind).toBe('go');
    });

    it('makes a newcomer the trial when no earlier slot is waiting', () => {
      const { state } = opened();
      const at = state.openUntil + 20 * TRIAL_TIMEOUT_MS;
      const { state: after, results } = run(state, [acquire(at)]);
      expect(clearance(after, granted(results[0]).seq, at).kind).toBe('go');
    });
  });

  describe('Operation: reset', () => {
    it('closes the circuit, clears the pause and restores the configured rate', () => {
      let state = run(undefined, [acquire(0), acquire(0), acquire(0), acquire(0)]).state;
      state = run(
        state,
        [0, 1, 2].map((seq) => report(10, seq, 'unavailable')),
      ).state;
      state = run(state, [report(20, 3, 'throttled', 60_000)]).state;
      const { state: reset } = run(state, [{ type: 'reset', now: 100 }]);
      expect(reset.circuit).toBe('Closed');
      expect(reset.pausedUntil).toBe(0);
      expect(reset.ratePerMinute).toBe(60);
      // Waiting slots are paced again from the reset (keeping the last minute's calls in
      // the window), not from the old pause.
      expect(reset.plan.at).toBeLessThan(state.pausedUntil);
      expect(clearance(reset, reset.plan.seq, reset.plan.at).kind).toBe('go');
    });
  });

  describe('Simulation: hundreds of orchestrations, one gate, a service with its own quota', () => {
    it('uses the quota fully with no 429 when the configured quota is right', () => {
      const result = simulateGate({
        images: 300,
        settings: settings(60, 5),
        service: { quotaPerMinute: 60 },
      });
      expect(result.analysed).toBe(300);
      expect(result.throttled).toBe(0);
      expect(result.maxCallsInWindow).toBeLessThanOrEqual(60);
      expect(result.utilisation).toBeGreaterThanOrEqual(0.95);
      expect(result.entityOperations).toBeLessThanOrEqual(2 * result.calls);
    });

    it('makes no 429 when calls leave up to 5 s after their slots (a late call holds back its partner a window on)', () => {
      const result = simulateGate({
        images: 300,
        settings: settings(60, 5),
        service: { quotaPerMinute: 60 },
        maxLatenessMs: 5_000,
        seed: 11,
      });
      expect(result.analysed).toBe(300);
      expect(result.throttled).toBe(0);
      expect(result.utilisation).toBeGreaterThanOrEqual(0.9);
    });

    it('keeps 429s to a small fraction when the service allows half the configured quota', () => {
      const result = simulateGate({
        images: 300,
        settings: settings(120, 5),
        service: { quotaPerMinute: 60 },
      });
      expect(result.analysed).toBe(300);
      expect(result.throttled / result.calls).toBeLessThanOrEqual(0.05);
      expect(result.entityOperations).toBeLessThanOrEqual(2 * result.calls);
    });

    it('sends only a handful of calls into a 20 s outage and finishes the work after it', () => {
      const result = simulateGate({
        images: 200,
        settings: settings(60, 5, 30),
        service: { quotaPerMinute: 60, outage: { from: 60_000, to: 80_000 } },
      });
      expect(result.analysed).toBe(200);
      expect(result.callsDuringOutage).toBeLessThanOrEqual(8);
      expect(result.state.circuit).toBe('Closed');
    });

    it('defers images instead of waiting past their bound, using no slot for them', () => {
      const result = simulateGate({
        images: 100,
        settings: settings(20, 5),
        service: { quotaPerMinute: 20 },
        maxWaitMs: 60_000,
      });
      expect(result.analysed).toBeGreaterThanOrEqual(20);
      expect(result.analysed + result.deferred).toBe(100);
      expect(result.state.counters.granted).toBe(result.analysed);
    });
  });
});
