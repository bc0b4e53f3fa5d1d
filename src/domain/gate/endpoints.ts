/**
 * The analysis endpoints an image can go to, each behind its own gate, and how one is chosen.
 * Everything here is plain data that travels through orchestration inputs and histories.
 */
import {
  clearance,
  type GateSettings,
  type GateState,
  isHalfOpen,
  recentMinutes,
  slotOf,
  trialSeq,
  withCurrentFields,
  zeroCounters,
} from './vision-gate';

export interface VisionGateRef {
  /** The gate's entity key and its name in `/api/ops/gate/{id}`: URL-safe, stable per endpoint. */
  readonly id: string;
  readonly endpoint: string;
}

/** What an orchestration needs to analyse through the gates, so it reads no configuration. */
export interface VisionPlan {
  readonly gates: readonly VisionGateRef[];
  readonly settings: GateSettings;
  /** How long one image may wait for a slot or a recovery before its analysis is deferred. */
  readonly maxWaitMs: number;
  /** Service calls one image may make (429s and failures included) before it is deferred. */
  readonly maxAttempts: number;
}

/**
 * A readable, stable id for an endpoint: its host (and port and path when present), lowercased,
 * with everything but letters and digits turned into dashes.
 */
export function gateIdFor(endpoint: string): string {
  const url = new URL(endpoint);
  const path = url.pathname.replace(/\/+$/, '');
  const raw = `${url.host}${path}`.toLowerCase();
  return raw.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'endpoint';
}

export function gateRefs(endpoints: readonly string[]): VisionGateRef[] {
  return endpoints.map((endpoint) => ({ id: gateIdFor(endpoint), endpoint }));
}

export interface GateSnapshot {
  readonly id: string;
  readonly state: GateState | undefined;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The gate an image should ask: a closed endpoint with the earliest next slot; if every circuit
 * is open, the one that will try again first. Ties (e.g. several idle gates) are spread by the
 * image id, so two healthy regions share the load.
 */
export function pickGate(
  gates: readonly VisionGateRef[],
  snapshots: readonly GateSnapshot[],
  now: number,
  imageId: string,
): VisionGateRef {
  if (gates.length === 0) throw new Error('No Vision endpoint is configured');
  const rank = (gate: VisionGateRef): [number, number] => {
    const state = snapshots.find((s) => s.id === gate.id)?.state;
    if (state === undefined) return [0, now];
    const next = Math.max(now, slotOf(state, state.nextSeq), state.pausedUntil);
    if (state.circuit === 'Closed') return [0, next];
    // A half-open endpoint nobody is trying yet: the next image to ask there is its trial, which
    // is how a recovered region gets its work back.
    if (isHalfOpen(state, now) && trialSeq(state, now) >= state.nextSeq) return [0, now];
    return [1, Math.max(next, state.openUntil)];
  };
  const offset = fnv1a(imageId) % gates.length;
  const rotated = [...gates.slice(offset), ...gates.slice(0, offset)];
  let best = rotated[0] as VisionGateRef;
  let bestRank = rank(best);
  for (const gate of rotated.slice(1)) {
    const candidate = rank(gate);
    if (
      candidate[0] < bestRank[0] ||
      (candidate[0] === bestRank[0] && candidate[1] < bestRank[1])
    ) {
      best = gate;
      bestRank = candidate;
    }
  }
  return best;
}

export interface GateView {
  id: string;
  endpoint: string;
  circuit: 'Closed' | 'Open' | 'HalfOpen';
  configuredPerMinute: number;
  ratePerMinute: number;
  /** Calls that could start within the next minute without waiting behind granted slots. */
  tokens: number;
  nextSlotAt: string;
  pausedUntil: string | null;
  openUntil: string | null;
  consecutiveFailures: number;
  /** Slots granted and not yet due. */
  queued: number;
  counters: GateState['counters'];
  /** Calls and 429s reported in each of the last 15 minutes, oldest first (the current one last). */
  minutes: { at: string; calls: number; throttled: number }[];
}

function minutesView(state: Pick<GateState, 'minutes'>, now: number): GateView['minutes'] {
  return recentMinutes(state, now).map((m) => ({ ...m, at: new Date(m.at).toISOString() }));
}

/** What `GET /api/ops/gate` shows for one gate. */
export function gateView(
  ref: VisionGateRef,
  state: GateState | undefined,
  settings: GateSettings,
  now: number,
): GateView {
  if (state === undefined) {
    return {
      ...ref,
      circuit: 'Closed',
      configuredPerMinute: settings.callsPerMinute,
      ratePerMinute: settings.callsPerMinute,
      tokens: settings.callsPerMinute,
      nextSlotAt: new Date(now).toISOString(),
      pausedUntil: null,
      openUntil: null,
      consecutiveFailures: 0,
      queued: 0,
      counters: zeroCounters(),
      minutes: minutesView({ minutes: [] }, now),
    };
  }
  const nextSlot = Math.max(now, slotOf(state, state.nextSeq), state.pausedUntil);
  const circuit =
    state.circuit === 'Closed' ? 'Closed' : isHalfOpen(state, now) ? 'HalfOpen' : 'Open';
  let free = 0;
  while (free < state.ratePerMinute && slotOf(state, state.nextSeq + free) < now + 60_000) free++;
  let queued = 0;
  for (let seq = state.nextSeq - 1; seq >= state.plan.seq; seq--) {
    if (clearance(state, seq, now).kind === 'go') break;
    queued++;
  }
  return {
    ...ref,
    circuit,
    configuredPerMinute: state.settings.callsPerMinute,
    ratePerMinute: state.ratePerMinute,
    tokens: circuit === 'Closed' ? Math.max(0, Math.min(state.ratePerMinute, free)) : 0,
    nextSlotAt: new Date(nextSlot).toISOString(),
    pausedUntil: state.pausedUntil > now ? new Date(state.pausedUntil).toISOString() : null,
    openUntil: state.circuit === 'Open' ? new Date(state.openUntil).toISOString() : null,
    consecutiveFailures: state.consecutiveFailures,
    queued,
    counters: state.counters,
    minutes: minutesView(withCurrentFields(state), now),
  };
}
