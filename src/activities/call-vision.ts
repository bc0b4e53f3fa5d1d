/**
 * Activity `callVision`.
 *
 * Trigger: activity, called by analyzeThroughGate when its slot is due.
 * Input: CallVisionInput `{ gate: { id, endpoint }, seq, blobName }`.
 * Output: CallVisionOutput. `wait` when the gate has moved the slot (a 429 pause, an open
 *   circuit, someone else's half-open trial) so the orchestrator sleeps again without another
 *   entity operation; `called` with the classified service answer; `unusable` when the source
 *   blob is gone or cannot be decoded.
 * Idempotency key: none needed. A re-run after a crash may call the service again; the gate
 *   counts the report once per `{instanceId}#{seq}`.
 * Retry policy: storage errors throw and are retried (ACTIVITY_RETRY); service answers never
 *   throw: the orchestrator and the gate decide what a 429 or a 503 means.
 */
import type { InvocationContext } from '@azure/functions';
import { permanentFailureOf } from '../domain/outcome';
import { CALL_LEAD_MS, clearance, DEFAULT_PAUSE_MS } from '../domain/gate/vision-gate';
import { type CallVisionOutput, parseCallVisionInput } from '../domain/gate/messages';
import { Containers } from '../names';
import type { BlobStore } from '../ports/blob-store';
import type { GateStateReader } from '../ports/gate-state-reader';
import type { RecentThrottles } from '../ports/recent-throttles';
import type { VisionService } from '../ports/vision-service';

export interface CallVisionDeps {
  blobs: BlobStore;
  vision: VisionService;
  gatesFor: (context: InvocationContext) => GateStateReader;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** 429 pauses this worker has just seen; absent, every call relies on the gate alone. */
  throttles?: RecentThrottles;
}

/** How much later than its lead a timer may fire and still have the slot waited for here. */
const LATE_TIMER_MS = 500;
/** Timers are not exact to the millisecond; this close to the slot counts as on time. */
const ON_TIME_MS = 20;

export function createCallVision(deps: CallVisionDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<CallVisionOutput> => {
    const input = parseCallVisionInput(rawInput);
    const gates = deps.gatesFor(context);
    const blob = await deps.blobs.get(Containers.incoming, input.blobName);
    // Look at the gate just before calling: it may have moved this slot (a pause, an open
    // circuit). A slot due within the lead is waited for here, then looked at once more.
    for (let look = 0; ; look++) {
      const state = await gates.read(input.gate.id);
      if (state === undefined) break;
      const now = deps.clock().getTime();
      const clear = clearance(state, input.seq, now);
      if (clear.kind === 'go') break;
      const early = clear.until - now;
      if (clear.reason === 'slot' && early <= ON_TIME_MS) break;
      if (clear.reason !== 'slot' || early > CALL_LEAD_MS + LATE_TIMER_MS || look > 0) {
        return { kind: 'wait', until: clear.until, reason: clear.reason };
      }
      await deps.sleep(early);
    }
    if (blob === undefined) {
      return {
        kind: 'unusable',
        code: 'SOURCE_NOT_FOUND',
        message: `The uploaded blob ${input.blobName} no longer exists`,
      };
    }
    // A 429 this worker saw a moment ago may not have reached the gate yet.
    const pausedHere = deps.throttles?.pausedUntil(input.gate.endpoint) ?? 0;
    if (pausedHere > deps.clock().getTime()) {
      return { kind: 'wait', until: pausedHere, reason: 'paused' };
    }
    try {
      const calledAt = deps.clock().getTime();
      const answer = await deps.vision.analyze(input.gate.endpoint, blob.data);
      if (answer.kind === 'ok') {
        return { kind: 'called', calledAt, outcome: 'ok', analysis: answer.analysis };
      }
      if (answer.kind === 'throttled') {
        deps.throttles?.note(
          input.gate.endpoint,
          deps.clock().getTime() + (answer.retryAfterMs ?? DEFAULT_PAUSE_MS),
        );
        return {
          kind: 'called',
          calledAt,
          outcome: 'throttled',
          message: answer.message,
          ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
        };
      }
      context.warn(`callVision ${input.gate.id}: ${answer.kind}: ${answer.message}`);
      return { kind: 'called', calledAt, outcome: answer.kind, message: answer.message };
    } catch (error) {
      const failure = permanentFailureOf(error);
      if (failure?.code !== 'CORRUPT_IMAGE') throw error;
      return { kind: 'unusable', code: 'CORRUPT_IMAGE', message: failure.message };
    }
  };
}
