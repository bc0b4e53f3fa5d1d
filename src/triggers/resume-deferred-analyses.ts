/**
 * Timer trigger `resumeDeferredAnalyses`: schedule from `RESUME_DEFERRED_SCHEDULE` (an NCRONTAB
 * expression; default every minute, at second 0), with a durable client input.
 *
 * Input: none (the timer's own payload is unused).
 * Output: none. Only when the analyzer is `azure`: reads every Vision gate's stored state (a
 *   storage read, not an entity operation, so it takes no capacity from the gates), adds up the
 *   free tokens of the gates whose circuit is Closed, and starts one reprocessImage with steps
 *   `['analyze']` for each of that many images whose analysis is Deferred, oldest first. The
 *   analyses then go through the same gate as uploads do. A half-open gate whose trial turn is
 *   free counts as one token: only a call can close its circuit again, and on a quiet app
 *   nothing else would make it. A half-open gate with a trial under way counts none.
 * Idempotency key: the instance id `reanalyze-{imageId}-v{processingVersion}`. Two sweeps that
 *   see the same record pick the same id, and a running or completed instance is left alone,
 *   so the same work never starts twice; a saved reanalysis bumps the version, so an analysis
 *   deferred again gets a new id on a later sweep. A failed or terminated instance is started
 *   again under its id.
 * Retry policy: none; the next tick tries again. An error is logged and rethrown.
 */
import type { InvocationContext, Timer } from '@azure/functions';
import type { AnalyzerKind } from '../domain/record';
import { reanalysisInstanceId, type ReprocessImageInput } from '../domain/reprocess/reprocess';
import { gateView, type VisionPlan } from '../domain/gate/endpoints';
import { isHalfOpen, trialSeq } from '../domain/gate/vision-gate';
import { Orchestrators } from '../names';
import type { GateStateReader } from '../ports/gate-state-reader';
import type { RecordFinder } from '../ports/record-store';
import type { ReprocessClient } from './ops/reprocess-client';

/** States in which an instance may be started again under the same id. */
const RESTARTABLE = new Set(['Failed', 'Terminated', 'Canceled']);
/** Candidates looked at per sweep beyond the free tokens (some may be under way already). */
const EXTRA_CANDIDATES = 100;
const PAGE_SIZE = 100;

export interface ResumeDeferredAnalysesDeps {
  analyzer: AnalyzerKind;
  /** Undefined when no Vision endpoint is configured. */
  vision: VisionPlan | undefined;
  records: RecordFinder;
  gatesFor: (context: InvocationContext) => GateStateReader;
  clientFor: (context: InvocationContext) => ReprocessClient;
  clock: () => Date;
  pipeline: Pick<ReprocessImageInput, 'variants' | 'maxInputPixels'>;
}

interface SweepResult {
  freeTokens: number;
  started: string[];
}

export function createResumeDeferredAnalyses(deps: ResumeDeferredAnalysesDeps) {
  const sweep = async (context: InvocationContext): Promise<SweepResult> => {
    const { vision } = deps;
    if (deps.analyzer !== 'azure' || vision === undefined) return { freeTokens: 0, started: [] };
    const gates = deps.gatesFor(context);
    const now = deps.clock().getTime();
    const states = await Promise.all(vision.gates.map((ref) => gates.read(ref.id)));
    const freeTokens = vision.gates.reduce((sum, ref, index) => {
      const state = states[index];
      const view = gateView(ref, state, vision.settings, now);
      if (view.circuit === 'Closed') return sum + view.tokens;
      // The next caller would be the trial, at once: no earlier trial turn is still held.
      const trialFree =
        state !== undefined && isHalfOpen(state, now) && trialSeq(state, now) >= state.nextSeq;
      return sum + (trialFree ? 1 : 0);
    }, 0);
    if (freeTokens === 0) return { freeTokens, started: [] };

    const client = deps.clientFor(context);
    const started: string[] = [];
    let looked = 0;
    let continuationToken: string | undefined;
    do {
      const page = await deps.records.find(
        { analysisStatus: 'Deferred' },
        { limit: PAGE_SIZE, ...(continuationToken === undefined ? {} : { continuationToken }) },
      );
      for (const ref of page.items) {
        if (started.length >= freeTokens || looked >= freeTokens + EXTRA_CANDIDATES) break;
        looked++;
        const instanceId = reanalysisInstanceId(ref.id, ref.processingVersion);
        const existing = await client.getInstance(instanceId);
        if (existing !== undefined && !RESTARTABLE.has(existing.runtimeStatus)) continue;
        const input: ReprocessImageInput = {
          imageId: ref.id,
          steps: ['analyze'],
          batchId: null,
          variants: deps.pipeline.variants,
          analyzer: 'azure',
          maxInputPixels: deps.pipeline.maxInputPixels,
          vision,
        };
        try {
          await client.startNew(Orchestrators.reprocessImage, instanceId, input);
        } catch (error) {
          // Another sweep may have started it a moment ago; then there is nothing to do.
          const current = await client.getInstance(instanceId);
          if (current !== undefined && !RESTARTABLE.has(current.runtimeStatus)) continue;
          throw error;
        }
        started.push(instanceId);
      }
      continuationToken = page.continuationToken ?? undefined;
    } while (
      continuationToken !== undefined &&
      started.length < freeTokens &&
      looked < freeTokens + EXTRA_CANDIDATES
    );
    return { freeTokens, started };
  };

  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    try {
      const { freeTokens, started } = await sweep(context);
      if (started.length > 0) {
        context.log(
          `resumeDeferredAnalyses: ${freeTokens} free token(s); started ${started.join(', ')}`,
        );
      }
    } catch (error) {
      context.error('resumeDeferredAnalyses: the sweep failed; the next tick tries again', error);
      throw error;
    }
  };
}
