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
import { clearance } from '../domain/vision-gate';
import { type CallVisionOutput, parseCallVisionInput } from '../domain/vision-gate-messages';
import { Containers } from '../names';
import type { BlobStore } from '../ports/blob-store';
import type { GateStateReader } from '../ports/gate-state-reader';
import type { VisionService } from '../ports/vision-service';

export interface CallVisionDeps {
  blobs: BlobStore;
  vision: VisionService;
  gatesFor: (context: InvocationContext) => GateStateReader;
  clock: () => Date;
}

export function createCallVision(deps: CallVisionDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<CallVisionOutput> => {
    const input = parseCallVisionInput(rawInput);
    const state = await deps.gatesFor(context).read(input.gate.id);
    if (state !== undefined) {
      const clear = clearance(state, input.seq, deps.clock().getTime());
      if (clear.kind === 'wait') return { kind: 'wait', until: clear.until, reason: clear.reason };
    }
    const blob = await deps.blobs.get(Containers.incoming, input.blobName);
    if (blob === undefined) {
      return {
        kind: 'unusable',
        code: 'SOURCE_NOT_FOUND',
        message: `The uploaded blob ${input.blobName} no longer exists`,
      };
    }
    try {
      const answer = await deps.vision.analyze(input.gate.endpoint, blob.data);
      if (answer.kind === 'ok') return { kind: 'called', outcome: 'ok', analysis: answer.analysis };
      if (answer.kind === 'throttled') {
        return {
          kind: 'called',
          outcome: 'throttled',
          message: answer.message,
          ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
        };
      }
      context.warn(`callVision ${input.gate.id}: ${answer.kind}: ${answer.message}`);
      return { kind: 'called', outcome: answer.kind, message: answer.message };
    } catch (error) {
      const failure = permanentFailureOf(error);
      if (failure?.code !== 'CORRUPT_IMAGE') throw error;
      return { kind: 'unusable', code: 'CORRUPT_IMAGE', message: failure.message };
    }
  };
}
