/**
 * Conformance: what the orchestration context gives replayed code. Custom status is visible to
 * clients while the instance runs; newGuid gives the same value on every replay; the clock
 * (currentUtcDateTime) moves only with history, to each step's start time; isReplaying is true
 * exactly while the code re-runs steps already recorded.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { EventType } from '../../devhost/durable/history';
import { describeScenarios, times } from './support/scenario-table';

/** What each run of the orchestrator code saw, per instance: replayed code runs many times. */
const seen = new Map<string, { replaying: boolean[]; clock: number[] }[]>();

df.app.activity('echo', { handler: (input: unknown) => input });

df.app.orchestration('statusSteps', function* (context: OrchestrationContext) {
  context.df.setCustomStatus({ step: 'waiting' });
  const go: unknown = yield context.df.waitForExternalEvent('go');
  context.df.setCustomStatus({ step: 'done', go });
  return 'finished';
});

df.app.orchestration('guids', function* (context: OrchestrationContext) {
  const first = context.df.newGuid(context.df.instanceId);
  const recorded = (yield context.df.callActivity('echo', first)) as string;
  const second = context.df.newGuid(context.df.instanceId);
  return { first, recorded, second };
});

df.app.orchestration('clockAndReplay', function* (context: OrchestrationContext) {
  const run = {
    replaying: [context.df.isReplaying],
    clock: [context.df.currentUtcDateTime.getTime()],
  };
  const runs = seen.get(context.df.instanceId) ?? [];
  runs.push(run);
  seen.set(context.df.instanceId, runs);
  for (const step of [1, 2]) {
    yield context.df.callActivity('echo', step);
    run.replaying.push(context.df.isReplaying);
    run.clock.push(context.df.currentUtcDateTime.getTime());
  }
  return run.clock;
});

describeScenarios('Conformance: orchestration context', [
  {
    name: 'custom status is visible to clients while the instance runs, and kept at the end',
    orchestrator: 'statusSteps',
    drive: async ({ h, client, instanceId }) => {
      await h.waitForState(instanceId, (s) => s.status === 'Running');
      expect((await client.getStatus(instanceId)).customStatus).toEqual({ step: 'waiting' });
      await h.raiseEvent(instanceId, 'go', 42);
    },
    status: 'Completed',
    output: 'finished',
    history: ['ExecutionStarted', 'EventRaised', 'ExecutionCompleted'],
    check: async ({ client, instanceId }) => {
      expect((await client.getStatus(instanceId)).customStatus).toEqual({ step: 'done', go: 42 });
    },
  },
  {
    name: 'newGuid gives the same value before and after a replay, and a new one per call',
    orchestrator: 'guids',
    status: 'Completed',
    history: ['ExecutionStarted', 'TaskScheduled', 'TaskCompleted', 'ExecutionCompleted'],
    check: ({ output }) => {
      const { first, recorded, second } = output as Record<string, string>;
      // `first` was computed again on the replay that produced the output.
      expect(first).toBe(recorded);
      expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(second).not.toBe(first);
    },
  },
  {
    name: 'the clock moves only with history, and isReplaying marks re-run steps',
    orchestrator: 'clockAndReplay',
    status: 'Completed',
    history: [
      'ExecutionStarted',
      ...times(2, 'TaskScheduled', 'TaskCompleted'),
      'ExecutionCompleted',
    ],
    check: ({ instanceId, state, output }) => {
      const stepStarts = state.history
        .filter((e) => e.EventType === EventType.OrchestratorStarted)
        .map((e) => Date.parse(e.Timestamp));
      expect(stepStarts).toHaveLength(3);
      // Each point in the code sees the start time of the step that first ran it.
      expect(output).toEqual(stepStarts);
      const runs = seen.get(instanceId) ?? [];
      expect(runs).toHaveLength(3);
      // Every run saw the same clock at the same point, replayed or not.
      for (const run of runs) expect(run.clock).toEqual(stepStarts.slice(0, run.clock.length));
      expect(runs.map((r) => r.replaying)).toEqual([[false], [true, false], [true, true, false]]);
    },
  },
]);
