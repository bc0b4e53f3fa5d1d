/**
 * Orchestrator `analyzeThroughGate`: one image's analysis by Azure AI Vision, paced by the
 * endpoint's visionGate entity. Runs as a sub-orchestration of processImage (and of
 * reprocessing), so the parent can fan it out next to the resizes.
 *
 * Input: AnalyzeThroughGateInput `{ imageId, blobName, vision: VisionPlan }`.
 * Output: `Outcome<Analysis>`: the analysis, ANALYSIS_FAILED (the service refused the image),
 *   ANALYSIS_DEFERRED (no slot within the wait bound, or every attempt spent), or the source's
 *   own problem (SOURCE_NOT_FOUND, CORRUPT_IMAGE).
 * Per service call exactly two entity operations: `acquire` (callEntity) and `report`
 *   (signalEntity). Between them the slot's holder waits on a durable timer and the callVision
 *   activity reads the gate's state (not an operation) in case the gate has moved the slot.
 * Idempotency key: the instance id `{parent}-analysis`; reports carry `{instanceId}#{seq}`.
 *
 * Replayed code: no I/O, no clock but currentUtcDateTime, no randomness, no configuration.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { dateAt, isoAt } from '../domain/instants';
import { fail, type Outcome, succeed } from '../domain/outcome';
import type { Analysis } from '../domain/record';
import { type GateSnapshot, pickGate, type VisionGateRef } from '../domain/gate/endpoints';
import { type AcquireResult, CALL_LEAD_MS } from '../domain/gate/vision-gate';
import {
  type CallVisionInput,
  type CallVisionOutput,
  parseAnalyzeThroughGateInput,
} from '../domain/gate/messages';
import { Activities, Entities, GateOperations } from '../names';
import { retryOptions } from './retry-options';

type Flow<T> = Generator<Task, T, unknown>;

export const analyzeThroughGate: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Flow<Outcome<Analysis>> {
  const input = parseAnalyzeThroughGateInput(context.df.getInput());
  const { vision } = input;
  const now = (): number => context.df.currentUtcDateTime.getTime();
  const deadline = now() + vision.maxWaitMs;
  const retry = retryOptions();
  const deferred = (why: string): Outcome<Analysis> =>
    fail('ANALYSIS_DEFERRED', `Analysis deferred: ${why}; it will be retried automatically`);

  function* chooseGate(): Flow<VisionGateRef> {
    const first = vision.gates[0] as VisionGateRef;
    if (vision.gates.length === 1) return first;
    const snapshots = (yield context.df.callActivityWithRetry(
      Activities.readVisionGates,
      retry,
      vision.gates.map((gate) => gate.id),
    )) as GateSnapshot[];
    return pickGate(vision.gates, snapshots, now(), input.imageId);
  }

  let lastProblem = 'the service did not answer';
  let attempts = 0;
  while (attempts < vision.maxAttempts) {
    const gate = yield* chooseGate();
    const entity = new df.EntityId(Entities.visionGate, gate.id);
    const grant = (yield context.df.callEntity(entity, GateOperations.acquire, {
      now: now(),
      settings: vision.settings,
      maxWaitMs: Math.max(0, deadline - now()),
    })) as AcquireResult;
    if (grant.kind === 'busy') {
      return deferred(`${gate.id} has no free slot until ${isoAt(grant.slotAt)}`);
    }

    let slotAt = grant.slotAt;
    let used: Exclude<CallVisionOutput, { kind: 'wait' }> | undefined;
    while (used === undefined) {
      // Wake a little early: callVision waits out the last moments itself, precisely.
      if (slotAt - CALL_LEAD_MS > now()) {
        yield context.df.createTimer(dateAt(slotAt - CALL_LEAD_MS));
      }
      const answer = (yield context.df.callActivityWithRetry(Activities.callVision, retry, {
        gate,
        seq: grant.seq,
        blobName: input.blobName,
      } satisfies CallVisionInput)) as CallVisionOutput;
      if (answer.kind !== 'wait') {
        used = answer;
        break;
      }
      if (answer.until > deadline) {
        return deferred(`${gate.id} is ${answer.reason === 'paused' ? 'paused' : 'unavailable'}`);
      }
      // This endpoint's circuit opened under our slot: another region may serve us now. The
      // slot is left unused; a trial it was due to make passes to the next slot in time.
      if ((answer.reason === 'open' || answer.reason === 'trial') && vision.gates.length > 1) {
        const other = yield* chooseGate();
        if (other.id !== gate.id) break;
      }
      slotAt = answer.until;
    }
    if (used === undefined) continue;
    if (used.kind === 'unusable') return fail(used.code, used.message);

    attempts++;
    context.df.signalEntity(entity, GateOperations.report, {
      now: now(),
      requestId: `${context.df.instanceId}#${grant.seq}`,
      seq: grant.seq,
      outcome: used.outcome,
      calledAt: used.calledAt,
      ...(used.outcome === 'throttled' && used.retryAfterMs !== undefined
        ? { retryAfterMs: used.retryAfterMs }
        : {}),
    });
    switch (used.outcome) {
      case 'ok':
        return succeed(used.analysis);
      case 'rejected':
        return fail('ANALYSIS_FAILED', `Azure AI Vision refused the image: ${used.message}`);
      case 'throttled':
      case 'unavailable':
        lastProblem = used.message;
    }
  }
  return deferred(`${vision.maxAttempts} calls failed, the last with: ${lastProblem}`);
};
