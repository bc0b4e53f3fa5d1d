/**
 * The gate's per-minute history for the operators' chart: a bounded ring of calls and 429s per
 * minute, filled from reports with the operation's time, so the reducer stays pure and a replay
 * gives the same ring.
 */
import {
  countMinute,
  HISTORY_MINUTES,
  initialGateState,
  reduceGate,
  recentMinutes,
  type GateState,
  type GateOperation,
} from '../../src/domain/gate/vision-gate';
import { gateView } from '../../src/domain/gate/endpoints';

const settings = { callsPerMinute: 20, breakerFailures: 3, breakerSeconds: 30 };
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const MIN = 60_000;

function apply(state: GateState, ops: GateOperation[]): GateState {
  return ops.reduce((s, op) => reduceGate(s, op).state, state);
}

const report = (
  now: number,
  requestId: string,
  outcome: 'ok' | 'throttled' | 'unavailable' | 'rejected',
): GateOperation => ({ type: 'report', now, requestId, seq: 0, outcome });

describe('Gate history: calls and 429s per minute', () => {
  it('counts each report in the minute of its operation time, 429s apart', () => {
    const state = apply(initialGateState(settings, T0), [
      report(T0 + 1_000, 'a#0', 'ok'),
      report(T0 + 59_000, 'a#1', 'throttled'),
      report(T0 + MIN + 5, 'a#2', 'ok'),
      report(T0 + MIN + 6, 'a#3', 'unavailable'),
    ]);
    expect(state.minutes).toEqual([
      { at: T0, calls: 2, throttled: 1 },
      { at: T0 + MIN, calls: 2, throttled: 0 },
    ]);
  });

  it('counts a report delivered twice once', () => {
    const state = apply(initialGateState(settings, T0), [
      report(T0 + 1_000, 'a#0', 'throttled'),
      report(T0 + 2_000, 'a#0', 'throttled'),
    ]);
    expect(state.minutes).toEqual([{ at: T0, calls: 1, throttled: 1 }]);
  });

  it('keeps at most HISTORY_MINUTES minutes, the newest', () => {
    let minutes = countMinute([], T0, false);
    for (let i = 1; i < HISTORY_MINUTES + 10; i++)
      minutes = countMinute(minutes, T0 + i * MIN, i % 2 === 0);
    expect(minutes).toHaveLength(HISTORY_MINUTES);
    expect(minutes[minutes.length - 1]!.at).toBe(T0 + (HISTORY_MINUTES + 9) * MIN);
    expect(minutes[0]!.at).toBe(T0 + 10 * MIN);
  });

  it('drops minutes older than the window when a report comes after a long quiet spell', () => {
    const minutes = countMinute(countMinute([], T0, false), T0 + 2 * HISTORY_MINUTES * MIN, true);
    expect(minutes).toEqual([{ at: T0 + 2 * HISTORY_MINUTES * MIN, calls: 1, throttled: 1 }]);
  });

  it('uses only the operation time: a replay of the same operations gives the same ring', () => {
    const ops = [report(T0 + 10, 'a', 'ok'), report(T0 + 3 * MIN, 'b', 'throttled')];
    const a = apply(initialGateState(settings, T0), ops);
    const b = apply(initialGateState(settings, T0), ops);
    expect(a.minutes).toEqual(b.minutes);
  });

  it('recentMinutes fills the minutes without reports with zeros, current minute last', () => {
    const state = apply(initialGateState(settings, T0), [
      report(T0 + 1_000, 'a', 'ok'),
      report(T0 + 2 * MIN, 'b', 'throttled'),
    ]);
    const recent = recentMinutes(state, T0 + 3 * MIN + 30_000, 5);
    expect(recent).toEqual([
      { at: T0 - MIN, calls: 0, throttled: 0 },
      { at: T0, calls: 1, throttled: 0 },
      { at: T0 + MIN, calls: 0, throttled: 0 },
      { at: T0 + 2 * MIN, calls: 1, throttled: 1 },
      { at: T0 + 3 * MIN, calls: 0, throttled: 0 },
    ]);
  });

  it('reads a state stored before the ring existed as an empty history', () => {
    const { minutes: _dropped, ...old } = initialGateState(settings, T0);
    const next = reduceGate(old as GateState, report(T0 + 5, 'a', 'ok')).state;
    expect(next.minutes).toEqual([{ at: T0, calls: 1, throttled: 0 }]);
  });

  it('the operator view shows the last 15 minutes with ISO times', () => {
    const ref = { id: 'r1', endpoint: 'https://r1.example' };
    const state = apply(initialGateState(settings, T0), [report(T0 + 1_000, 'a', 'throttled')]);
    const view = gateView(ref, state, settings, T0 + 30_000);
    expect(view.minutes).toHaveLength(15);
    expect(view.minutes[14]).toEqual({ at: new Date(T0).toISOString(), calls: 1, throttled: 1 });
    expect(gateView(ref, undefined, settings, T0).minutes.every((m) => m.calls === 0)).toBe(true);
  });
});
