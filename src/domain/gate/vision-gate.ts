/**
 * The Vision gate: one per analysis endpoint, shared by every orchestration of every app
 * instance. It is a rate-limit ledger (call slots, never more than the quota in any 60-second
 * window), a 429 pause with an adaptive rate, and a circuit breaker, all as one pure reducer.
 *
 * Why slots are numbered: a grant is a sequence number, and the time it may call is a function
 * of the gate's current plan (`slotOf`). When the gate re-plans (a 429 pause, a rate change, an
 * open circuit), every outstanding grant moves with the plan, and the holder learns its new time
 * by reading the gate's state just before calling (`clearance`), which is a storage read, not an
 * entity operation. So each analysis call costs exactly two operations (acquire, report) however
 * often the plan changes, and a wrong quota does not turn a backlog of grants into 429s.
 *
 * Times are epoch milliseconds supplied by the callers (orchestrators' replay-safe clocks); the
 * gate keeps the latest it has seen so it never moves backwards.
 */
export interface GateSettings {
  /** The quota the operator configured (`VISION_CALLS_PER_MINUTE`). */
  readonly callsPerMinute: number;
  readonly breakerFailures: number;
  readonly breakerSeconds: number;
}

/**
 * Slots follow a pattern of groups: `rate` calls per group, one group per window, each group
 * spread over a quarter of the window; slot `seq` ≥ `plan.seq` sits `seq − plan.seq` places
 * after `plan.seq`, which is at `at`, `phase` places into its group. Slot `seq` and slot `seq + rate` are always a full window apart,
 * which is exactly the sliding-window rule, while a burst after a quiet spell goes out at once
 * instead of one call per 1/rate of a minute.
 */
export interface GatePlan {
  readonly seq: number;
  readonly at: number;
  readonly rate: number;
  readonly stepMs: number;
  /** Where in the group pattern slot `seq` sits (0 to rate − 1). */
  readonly phase: number;
  /**
   * Offsets of the positions from their group's start when work arrived slower than the even
   * spread (see adaptToArrival); absent: position × stepMs.
   */
  readonly offsets?: readonly number[];
  /** The latest slot time of any slot before `seq` (granted under earlier plans). */
  readonly prevDue: number;
}

export type CircuitState = 'Closed' | 'Open';

export interface GateCounters {
  granted: number;
  busy: number;
  ok: number;
  throttled: number;
  failed: number;
  rejected: number;
  duplicateReports: number;
}

export function zeroCounters(): GateCounters {
  return { granted: 0, busy: 0, ok: 0, throttled: 0, failed: 0, rejected: 0, duplicateReports: 0 };
}

export interface GateState {
  readonly version: 1;
  readonly settings: GateSettings;
  /** Calls per minute the gate grants now: the configured quota, or less after 429s. */
  readonly ratePerMinute: number;
  readonly plan: GatePlan;
  readonly nextSeq: number;
  readonly circuit: CircuitState;
  /** While Open: until when no call goes; after it, one trial call at a time (half-open). */
  readonly openUntil: number;
  readonly pausedUntil: number;
  readonly consecutiveFailures: number;
  /** When the successful calls of the last minute left: what the service really accepted. */
  readonly okTimes: readonly number[];
  readonly lastThrottleAt: number;
  readonly lastRateChangeAt: number;
  /** Throttles of grants older than this do not lower the rate again: one cut per episode. */
  readonly rateCutFromSeq: number;
  /**
   * `[slot, notBefore]` for slots whose partner a window earlier left late: the two must stay a
   * full window apart as the service counts them, whatever the plan says.
   */
  readonly lateFloors: readonly (readonly [number, number])[];
  /** Recently reported request ids: a report delivered twice is counted once. */
  readonly reported: readonly string[];
  readonly counters: GateCounters;
  /**
   * Calls reported per minute, oldest first, at most `HISTORY_MINUTES` of them, for the
   * operators' chart; bucketed by the report's time (the operation's `now`), never by a clock
   * of the gate's own.
   */
  readonly minutes: readonly GateMinute[];
  readonly clock: number;
}

/** One minute of reports: `at` is the minute's start (epoch ms, a multiple of 60 000). */
export interface GateMinute {
  readonly at: number;
  /** Calls reported in the minute, whatever their outcome (duplicates not counted). */
  readonly calls: number;
  /** Of those, the ones the service refused with 429. */
  readonly throttled: number;
}

export type CallOutcome = 'ok' | 'throttled' | 'unavailable' | 'rejected';

export type GateOperation =
  | {
      readonly type: 'acquire';
      readonly now: number;
      readonly settings: GateSettings;
      /** Refuse (without using a slot) when the slot would be later than now + maxWaitMs. */
      readonly maxWaitMs?: number;
    }
  | {
      readonly type: 'report';
      readonly now: number;
      readonly requestId: string;
      readonly seq: number;
      readonly outcome: CallOutcome;
      readonly retryAfterMs?: number;
      /** When the call left for the service (the slot's time, or later if it ran late). */
      readonly calledAt?: number;
    }
  | { readonly type: 'reset'; readonly now: number; readonly settings?: GateSettings };

export type AcquireResult =
  | { readonly kind: 'granted'; readonly seq: number; readonly slotAt: number }
  | { readonly kind: 'busy'; readonly slotAt: number };

/** What the holder of a slot may do at `now`. */
export type Clearance =
  | { readonly kind: 'go'; readonly trial: boolean }
  | { readonly kind: 'wait'; readonly until: number; readonly reason: WaitReason };

export type WaitReason = 'slot' | 'paused' | 'open' | 'trial';

export const WINDOW_MS = 60_000;
/**
 * Slack for the spread between a slot and the moment its call reaches the service (timer and
 * dispatch delays differ per call): spacing covers a window of 60 s plus this.
 */
export const JITTER_MARGIN_MS = 2_000;
/**
 * The durable timer of a slot fires this much early and the callVision activity waits out the
 * rest itself, so the call leaves at its slot to within milliseconds instead of after the
 * varying delay of a timer message and an activity dispatch.
 */
export const CALL_LEAD_MS = 1_500;
/** A half-open trial not reported within this passes the trial to the next slot. */
export const TRIAL_TIMEOUT_MS = 45_000;
/** Pause after a 429 that named no Retry-After. */
export const DEFAULT_PAUSE_MS = 10_000;
/** The rate starts to climb back this long after the last 429, one step per minute. */
export const RECOVERY_DELAY_MS = 120_000;
const RECOVERY_STEP_SHARE = 0.05;
const MAX_REPORTED_IDS = 512;
/** Minutes of per-minute counts the gate keeps (a bounded ring: the state stays small). */
export const HISTORY_MINUTES = 30;
/** A late call's partner leaves at least this long after the full window. */
const FLOOR_GUARD_MS = 250;
const MAX_LATE_FLOORS = 512;
/** A holder waiting for someone else's trial looks again this often at the least. */
const MIN_TRIAL_POLL_MS = 2_000;

/** The window the plan keeps: the service's 60 s plus the jitter margin. */
export const PLAN_WINDOW_MS = WINDOW_MS + JITTER_MARGIN_MS;
/** Share of the window one group of `rate` calls is spread over. */
export const BURST_SPREAD = 0.25;

/** Time between two slots of one group. */
export function stepFor(ratePerMinute: number): number {
  return Math.floor((PLAN_WINDOW_MS * BURST_SPREAD) / Math.max(1, ratePerMinute));
}

/** The mean time between slots when busy: one window per `rate` slots. */
export function averageSpacing(ratePerMinute: number): number {
  return Math.ceil(PLAN_WINDOW_MS / Math.max(1, ratePerMinute));
}

export function initialGateState(settings: GateSettings, now: number): GateState {
  return {
    version: 1,
    settings,
    ratePerMinute: settings.callsPerMinute,
    plan: {
      seq: 0,
      at: now,
      rate: settings.callsPerMinute,
      stepMs: stepFor(settings.callsPerMinute),
      phase: 0,
      prevDue: 0,
    },
    nextSeq: 0,
    circuit: 'Closed',
    openUntil: 0,
    pausedUntil: 0,
    consecutiveFailures: 0,
    okTimes: [],
    lastThrottleAt: 0,
    lastRateChangeAt: now,
    rateCutFromSeq: 0,
    lateFloors: [],
    reported: [],
    counters: zeroCounters(),
    minutes: [],
    clock: now,
  };
}

/** The ring after one more reported call at `now`: a new minute pushes the oldest out. */
export function countMinute(
  minutes: readonly GateMinute[],
  now: number,
  throttledCall: boolean,
): readonly GateMinute[] {
  const at = Math.floor(now / WINDOW_MS) * WINDOW_MS;
  const last = minutes[minutes.length - 1];
  const add = throttledCall ? 1 : 0;
  if (last !== undefined && last.at === at) {
    return [
      ...minutes.slice(0, -1),
      { at, calls: last.calls + 1, throttled: last.throttled + add },
    ];
  }
  // Drop minutes that fell out of the window too, so a gate idle for an hour starts afresh.
  const kept = minutes.filter((m) => m.at > at - HISTORY_MINUTES * WINDOW_MS);
  return [...kept, { at, calls: 1, throttled: add }].slice(-HISTORY_MINUTES);
}

/**
 * The last `count` whole minutes up to the one holding `now`, oldest first, with zeros for
 * minutes without reports: what the chart draws.
 */
export function recentMinutes(
  state: Pick<GateState, 'minutes'>,
  now: number,
  count = 15,
): GateMinute[] {
  const current = Math.floor(now / WINDOW_MS) * WINDOW_MS;
  const byMinute = new Map(state.minutes.map((m) => [m.at, m]));
  return Array.from({ length: count }, (_, i) => {
    const at = current - (count - 1 - i) * WINDOW_MS;
    return byMinute.get(at) ?? { at, calls: 0, throttled: 0 };
  });
}

/** Offset of a position in the group from the group's start. */
function positionOffset(plan: GatePlan, position: number): number {
  return plan.offsets?.[position] ?? position * plan.stepMs;
}

/** Offset of the x-th slot of a plan's pattern from the start of its first group. */
function patternOffset(plan: GatePlan, x: number): number {
  return Math.floor(x / plan.rate) * PLAN_WINDOW_MS + positionOffset(plan, x % plan.rate);
}

/** The planned call time of slot `seq` (slots before the plan are already due). */
export function slotOf(state: GateState, seq: number): number {
  const { plan } = state;
  if (seq < plan.seq) return plan.prevDue;
  return (
    plan.at + patternOffset(plan, seq - plan.seq + plan.phase) - patternOffset(plan, plan.phase)
  );
}

/** The first slot whose planned time is not yet due at `now` (slot times never decrease). */
function firstPending(state: GateState, now: number): number {
  let low = Math.min(state.plan.seq, state.nextSeq);
  let high = state.nextSeq;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (slotOf(state, middle) > now) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The most positions a plan adapts to the times its slots were asked for (bounds its size). */
const MAX_ADAPTED_RATE = 2_000;

/**
 * Slots asked for after the next slot's time has passed (work arriving slower than the plan)
 * take the time they are asked at, and the pattern keeps that position's new offset for the
 * groups after it: the next window mirrors how this one was used, so its quota is not lost to a
 * plan that ran ahead of the work. Undefined when the slot cannot go now without the group
 * running into the next window.
 */
function adaptToArrival(state: GateState, now: number): GatePlan | undefined {
  const { plan } = state;
  if (plan.rate > MAX_ADAPTED_RATE || state.nextSeq < plan.seq) return undefined;
  const x = state.nextSeq - plan.seq + plan.phase;
  const position = x % plan.rate;
  const groupStart = slotOf(state, state.nextSeq) - positionOffset(plan, position);
  const offset = now - groupStart;
  if (offset < 0 || offset >= PLAN_WINDOW_MS - plan.stepMs) return undefined;
  const offsets = Array.from({ length: plan.rate }, (_, p) => positionOffset(plan, p));
  for (let p = position; p < plan.rate; p++) offsets[p] = Math.max(offsets[p] ?? 0, offset);
  return { ...plan, offsets };
}

/**
 * A plan whose first slot is `seq`, starting no earlier than `from`, that keeps the
 * sliding-window rule with every slot granted before: each slot is at least a window after the
 * slot `rate` places before it. Candidates: the current pattern shifted later (always safe, since
 * nothing moves earlier); a fresh pattern whose first group counts the slots already used in the
 * last window (so a new rate does not wait for a whole group to fit); a fresh group (after a
 * quiet spell: a full burst at once). The earliest wins.
 */
function planFrom(state: GateState, seq: number, from: number, rate: number): GatePlan {
  const stepMs = stepFor(rate);
  const old = state.plan;
  const timeOf = (k: number): number => (k < old.seq ? old.prevDue : slotOf(state, k));
  const prevDue = seq > 0 ? Math.max(old.prevDue, timeOf(seq - 1)) : old.prevDue;
  let used = 0;
  for (let k = Math.max(0, seq - rate); k < seq; k++) {
    if (timeOf(k) > from - PLAN_WINDOW_MS) used++;
  }
  const uniform: GatePlan = { seq, at: from, rate, stepMs, phase: 0, prevDue };
  const startFor = (phase: number): number => {
    let at = from;
    const base = patternOffset(uniform, phase);
    for (let j = 0; j < rate; j++) {
      const k = seq + j - rate;
      if (k < 0) continue;
      const offset = patternOffset(uniform, phase + j) - base;
      at = Math.max(at, timeOf(k) + PLAN_WINDOW_MS - offset);
    }
    return at;
  };
  let best: GatePlan = { seq, at: startFor(0), rate, stepMs, phase: 0, prevDue };
  const phase = Math.min(used, rate - 1);
  if (phase > 0) {
    const at = startFor(phase);
    if (at < best.at) best = { seq, at, rate, stepMs, phase, prevDue };
  }
  if (rate === old.rate && stepMs === old.stepMs && seq >= old.seq) {
    const at = Math.max(from, slotOf(state, seq));
    if (at < best.at) {
      const phase = (old.phase + seq - old.seq) % rate;
      best = {
        seq,
        at,
        rate,
        stepMs,
        phase,
        prevDue,
        ...(old.offsets ? { offsets: old.offsets } : {}),
      };
    }
  }
  return best;
}

/** Moves every pending slot onto a new plan starting no earlier than `from`. */
function replan(state: GateState, now: number, from: number, rate: number): GateState {
  const seq = firstPending(state, now);
  return { ...state, ratePerMinute: rate, plan: planFrom(state, seq, Math.max(from, now), rate) };
}

/** When the circuit is open past `openUntil`, the slot whose turn it is to try the service. */
export function trialSeq(state: GateState, now: number): number {
  const turns = Math.floor(Math.max(0, now - state.openUntil) / TRIAL_TIMEOUT_MS);
  return state.plan.seq + turns;
}

export function isHalfOpen(state: GateState, now: number): boolean {
  return state.circuit === 'Open' && now >= state.openUntil;
}

export function clearance(state: GateState, seq: number, now: number): Clearance {
  if (state.circuit === 'Open') {
    if (now < state.openUntil) {
      return { kind: 'wait', until: Math.max(state.openUntil, slotOf(state, seq)), reason: 'open' };
    }
    const trial = trialSeq(state, now);
    if (seq === trial) return { kind: 'go', trial: true };
    // Until the trial reports, look again about when this slot would be due after a success,
    // or when the trial would pass to it.
    const ahead = Math.max(1, seq - trial);
    const until = now + Math.max(MIN_TRIAL_POLL_MS, ahead * averageSpacing(state.ratePerMinute));
    return { kind: 'wait', until, reason: 'trial' };
  }
  if (now < state.pausedUntil) {
    return {
      kind: 'wait',
      until: Math.max(state.pausedUntil, slotOf(state, seq)),
      reason: 'paused',
    };
  }
  const floor = state.lateFloors.find(([slot]) => slot === seq)?.[1] ?? 0;
  const at = seq >= state.plan.seq && seq < state.nextSeq ? slotOf(state, seq) : 0;
  if (Math.max(at, floor) > now)
    return { kind: 'wait', until: Math.max(at, floor), reason: 'slot' };
  return { kind: 'go', trial: false };
}

function withSettings(state: GateState, settings: GateSettings, now: number): GateState {
  const before = state.settings;
  if (
    before.callsPerMinute === settings.callsPerMinute &&
    before.breakerFailures === settings.breakerFailures &&
    before.breakerSeconds === settings.breakerSeconds
  ) {
    return state;
  }
  const next = { ...state, settings };
  if (before.callsPerMinute === settings.callsPerMinute) return next;
  // A new quota: adopt it unless the service has been pushing back below it.
  const rate =
    state.ratePerMinute >= before.callsPerMinute
      ? settings.callsPerMinute
      : Math.min(state.ratePerMinute, settings.callsPerMinute);
  return replan(next, now, now, rate);
}

function acquire(
  state: GateState,
  op: Extract<GateOperation, { type: 'acquire' }>,
): { state: GateState; result: AcquireResult } {
  const now = state.clock;
  let next = recover(withSettings(state, op.settings, now), now);
  if (slotOf(next, next.nextSeq) < now && next.circuit === 'Closed' && now >= next.pausedUntil) {
    // The plan ran ahead of the work: this slot goes now, and the pattern remembers it.
    const adapted = adaptToArrival(next, now);
    next = {
      ...next,
      plan: adapted ?? planFrom(next, next.nextSeq, now, next.ratePerMinute),
    };
  } else if (slotOf(next, next.nextSeq) < now && next.circuit === 'Closed') {
    next = { ...next, plan: planFrom(next, next.nextSeq, next.pausedUntil, next.ratePerMinute) };
  }
  if (isHalfOpen(next, now) && trialSeq(next, now) >= next.nextSeq) {
    // Every earlier trial turn went unused: the newcomer is the trial, now.
    next = {
      ...next,
      openUntil: now,
      plan: planFrom(next, next.nextSeq, now, next.ratePerMinute),
    };
  }
  const floor = next.lateFloors.find(([slot]) => slot === next.nextSeq)?.[1] ?? 0;
  const slotAt = Math.max(slotOf(next, next.nextSeq), floor);
  if (op.maxWaitMs !== undefined && slotAt - now > op.maxWaitMs) {
    const counters = { ...next.counters, busy: next.counters.busy + 1 };
    return { state: { ...next, counters }, result: { kind: 'busy', slotAt } };
  }
  const seq = next.nextSeq;
  const counters = { ...next.counters, granted: next.counters.granted + 1 };
  return {
    state: { ...next, nextSeq: seq + 1, counters },
    result: { kind: 'granted', seq, slotAt },
  };
}

/** Additive recovery: a step up per quiet minute, starting a while after the last 429. */
function recover(state: GateState, now: number): GateState {
  const target = state.settings.callsPerMinute;
  if (state.ratePerMinute >= target) return state;
  if (now - state.lastThrottleAt < RECOVERY_DELAY_MS) return state;
  if (now - state.lastRateChangeAt < WINDOW_MS) return state;
  const step = Math.max(1, Math.ceil(target * RECOVERY_STEP_SHARE));
  const rate = Math.min(target, state.ratePerMinute + step);
  return { ...replan(state, now, now, rate), lastRateChangeAt: now };
}

function open(state: GateState, now: number): GateState {
  const openUntil = now + state.settings.breakerSeconds * 1000;
  const next: GateState = { ...state, circuit: 'Open', openUntil };
  return replan(next, now, openUntil, state.ratePerMinute);
}

/** A failed trial: open again; the slot after the trial will be the next one to try. */
function reopen(state: GateState, now: number, trialSeqReported: number): GateState {
  const openUntil = now + state.settings.breakerSeconds * 1000;
  const seq = Math.min(Math.max(trialSeqReported + 1, state.plan.seq), state.nextSeq);
  return { ...state, openUntil, plan: planFrom(state, seq, openUntil, state.ratePerMinute) };
}

function close(state: GateState, now: number, afterSeq: number): GateState {
  const closed: GateState = { ...state, circuit: 'Closed', openUntil: 0, consecutiveFailures: 0 };
  // Everyone who waited on the trial gets a fresh plan from now, in slot order.
  const seq = Math.min(Math.max(afterSeq + 1, state.plan.seq), state.nextSeq);
  return { ...closed, plan: planFrom(closed, seq, now, state.ratePerMinute) };
}

/** The half-open trial ended without a verdict (the image was the problem): next slot tries. */
function nextTrial(state: GateState, now: number, afterSeq: number): GateState {
  const seq = Math.min(Math.max(afterSeq + 1, state.plan.seq), state.nextSeq);
  return { ...state, openUntil: now, plan: planFrom(state, seq, now, state.ratePerMinute) };
}

/** Floors still in the future, plus the one this call's lateness asks for, if any. */
function floorsAfter(
  state: GateState,
  seq: number,
  calledAt: number,
  now: number,
): (readonly [number, number])[] {
  const kept = state.lateFloors.filter(([, at]) => at > now);
  const partner = seq + state.plan.rate;
  const floor = calledAt + WINDOW_MS + FLOOR_GUARD_MS;
  if (seq < state.plan.seq) return kept;
  if (floor <= slotOf(state, partner) || kept.length >= MAX_LATE_FLOORS) return kept;
  return [...kept.filter(([slot]) => slot !== partner), [partner, floor]];
}

function throttled(
  state: GateState,
  now: number,
  seq: number,
  calledAt: number,
  retryAfterMs?: number,
): GateState {
  const pausedUntil = Math.max(state.pausedUntil, now + (retryAfterMs ?? DEFAULT_PAUSE_MS));
  let next: GateState = { ...state, pausedUntil, lastThrottleAt: now };
  let rate = state.ratePerMinute;
  // Calls that left within the minute before this one and succeeded: if they already fill the
  // quota, the 429 is our own timing at a window's edge, not a wrong quota; pause, but keep the rate.
  const accepted = state.okTimes.filter((t) => t > calledAt - WINDOW_MS && t <= calledAt).length;
  // Reports of that minute may still be on their way; the slots planned in it are known now.
  let planned = 0;
  for (let k = seq - 1; k >= 0 && planned < rate && slotOf(state, k) > calledAt - WINDOW_MS; k--) {
    planned++;
  }
  if (seq >= state.rateCutFromSeq && Math.max(accepted, planned) < rate - 1) {
    // The service accepts fewer calls than we planned: cut to what it accepted in the last
    // minute, by at least a tenth and at most a half.
    const floor = Math.max(1, Math.floor(rate * 0.5));
    const ceiling = Math.max(1, Math.floor(rate * 0.9));
    rate = Math.min(ceiling, Math.max(floor, accepted));
    next = { ...next, rateCutFromSeq: state.nextSeq, lastRateChangeAt: now };
  }
  return replan(next, now, pausedUntil, rate);
}

function report(state: GateState, op: Extract<GateOperation, { type: 'report' }>): GateState {
  if (state.reported.includes(op.requestId)) {
    const counters = { ...state.counters, duplicateReports: state.counters.duplicateReports + 1 };
    return { ...state, counters };
  }
  const now = state.clock;
  const calledAt = Math.min(op.calledAt ?? now, now);
  const reported = [...state.reported, op.requestId].slice(-MAX_REPORTED_IDS);
  const base: GateState = {
    ...state,
    reported,
    minutes: countMinute(state.minutes, now, op.outcome === 'throttled'),
    lateFloors: floorsAfter(state, op.seq, calledAt, now),
  };
  // In half-open, only a slot at or after the plan start can be the trial; older ones were
  // already in flight when the circuit opened and carry no news about the recovery.
  const trial = isHalfOpen(state, now) && op.seq >= state.plan.seq;
  switch (op.outcome) {
    case 'ok': {
      const okTimes = [...state.okTimes.filter((t) => t > now - 2 * WINDOW_MS), calledAt];
      const counters = { ...state.counters, ok: state.counters.ok + 1 };
      const next: GateState = { ...base, okTimes, counters };
      if (state.circuit === 'Open') return trial ? close(next, now, op.seq) : next;
      return recover({ ...next, consecutiveFailures: 0 }, now);
    }
    case 'throttled': {
      const counters = { ...state.counters, throttled: state.counters.throttled + 1 };
      return throttled({ ...base, counters }, now, op.seq, calledAt, op.retryAfterMs);
    }
    case 'unavailable': {
      const counters = { ...state.counters, failed: state.counters.failed + 1 };
      const failures = state.consecutiveFailures + 1;
      const next: GateState = { ...base, counters, consecutiveFailures: failures };
      if (state.circuit === 'Open') return trial ? reopen(next, now, op.seq) : next;
      return failures >= state.settings.breakerFailures ? open(next, now) : next;
    }
    case 'rejected': {
      const counters = { ...state.counters, rejected: state.counters.rejected + 1 };
      const next: GateState = { ...base, counters };
      return trial ? nextTrial(next, now, op.seq) : next;
    }
  }
}

function reset(state: GateState, now: number, settings?: GateSettings): GateState {
  const configured = settings ?? state.settings;
  const next: GateState = {
    ...state,
    settings: configured,
    circuit: 'Closed',
    openUntil: 0,
    pausedUntil: 0,
    consecutiveFailures: 0,
    lastThrottleAt: 0,
    lastRateChangeAt: now,
    rateCutFromSeq: state.nextSeq,
  };
  return replan(next, now, now, configured.callsPerMinute);
}

/** A stored state from an earlier version of this module, with the fields added since. */
export function withCurrentFields(state: GateState): GateState {
  const stored = state as Omit<GateState, 'lateFloors' | 'minutes'> & {
    lateFloors?: GateState['lateFloors'];
    minutes?: GateState['minutes'];
  };
  if (stored.lateFloors !== undefined && stored.minutes !== undefined) return state;
  return { ...stored, lateFloors: stored.lateFloors ?? [], minutes: stored.minutes ?? [] };
}

/** The gate's reducer: `(state, operation) → { state, result }`. */
export function reduceGate(
  current: GateState | undefined,
  op: GateOperation,
): { state: GateState; result?: AcquireResult } {
  const settings = op.type === 'report' ? undefined : op.settings;
  const start =
    current ??
    initialGateState(
      settings ?? { callsPerMinute: 20, breakerFailures: 5, breakerSeconds: 30 },
      op.now,
    );
  const state: GateState = { ...withCurrentFields(start), clock: Math.max(start.clock, op.now) };
  switch (op.type) {
    case 'acquire':
      return acquire(state, op);
    case 'report':
      return { state: report(state, op) };
    case 'reset':
      return { state: reset(state, state.clock, op.settings) };
  }
}
