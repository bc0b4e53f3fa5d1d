/**
 * Conformance: managing instances through the SDK's DurableClient and the Durable HTTP API.
 * Terminate; suspend (a suspended instance does not progress: activity results and events
 * raised meanwhile are delivered after resume), including a suspend sent right after the start;
 * purge of one instance and by filter; restart under the same or a new instance id.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { EventType } from '../../devhost/durable/history';
import { Gates } from './support/gate';
import {
  describeScenarios,
  historyShape,
  runScenario,
  type ScenarioRun,
} from './support/scenario-table';
import { DurableHarness } from '../../devhost/testing/durable-harness';
import { durableClient } from './support/durable-client';
import { MemoryStore } from '../../devhost/durable/memory-store';

const gates = new Gates();

df.app.activity('echo', { handler: (input: unknown) => input });
df.app.activity('gated', {
  handler: async (gate: string) => {
    await gates.get(gate).pass();
    return gate;
  },
});

df.app.orchestration('waitForever', function* (context: OrchestrationContext) {
  return (yield context.df.waitForExternalEvent('never')) as unknown;
});

df.app.orchestration('workThenWait', function* (context: OrchestrationContext) {
  const work: unknown = yield context.df.callActivity('gated', context.df.getInput<string>());
  const go: unknown = yield context.df.waitForExternalEvent('go');
  return [work, go];
});

df.app.orchestration('echoInput', function* (context: OrchestrationContext) {
  return (yield context.df.callActivity('echo', context.df.getInput<unknown>())) as unknown;
});

/** Settles the hub, then returns the instance's stored state. */
async function settled({ h, instanceId }: ScenarioRun) {
  await h.whenIdle();
  return h.status(instanceId);
}

describeScenarios('Conformance: terminate, suspend and resume', [
  {
    name: 'terminate ends a waiting instance with the reason as its output',
    orchestrator: 'waitForever',
    drive: async ({ h, client, instanceId }) => {
      await h.waitForState(instanceId, (s) => s.status === 'Running');
      await client.terminate(instanceId, 'no longer needed');
    },
    status: 'Terminated',
    output: 'no longer needed',
    history: ['ExecutionStarted', 'ExecutionTerminated'],
    check: async (run) => {
      // Events for a finished instance are accepted and ignored.
      await run.client.raiseEvent(run.instanceId, 'never', 'late');
      expect((await settled(run))?.status).toBe('Terminated');
    },
  },
  {
    name: 'a suspended instance does not progress; results and events wait for resume',
    orchestrator: 'workThenWait',
    input: 'suspended-work',
    drive: async (run) => {
      const { h, client, instanceId } = run;
      await gates.get('suspended-work').entered;
      await client.suspend(instanceId, 'maintenance');
      await h.waitForState(instanceId, (s) => s.status === 'Suspended');
      gates.get('suspended-work').open();
      await client.raiseEvent(instanceId, 'go', 'ahead');
      const held = await settled(run);
      expect(held?.status).toBe('Suspended');
      expect((await client.getStatus(instanceId)).runtimeStatus).toBe('Suspended');
      expect(held?.history.map((e) => e.EventType)).not.toContain(EventType.TaskCompleted);
      await client.resume(instanceId, 'done');
    },
    status: 'Completed',
    output: ['suspended-work', 'ahead'],
    history: [
      'ExecutionStarted',
      'TaskScheduled',
      'ExecutionSuspended',
      'ExecutionResumed',
      'TaskCompleted',
      'EventRaised',
      'ExecutionCompleted',
    ],
  },
  {
    name: 'a suspend sent right after the start holds the instance from its first step on',
    orchestrator: 'workThenWait',
    input: 'suspended-at-start',
    drive: async (run) => {
      const { h, client, instanceId } = run;
      await client.suspend(instanceId, 'hold on');
      await h.waitForState(instanceId, (s) => s.status === 'Suspended');
      gates.get('suspended-at-start').open();
      await client.raiseEvent(instanceId, 'go', 'now');
      expect((await settled(run))?.status).toBe('Suspended');
      await client.resume(instanceId, 'go on');
    },
    status: 'Completed',
    output: ['suspended-at-start', 'now'],
    historyIncludes: [
      'ExecutionStarted',
      'ExecutionSuspended',
      'ExecutionResumed',
      'TaskCompleted',
      'EventRaised',
      'ExecutionCompleted',
    ],
  },
]);

describe('Conformance: purge and restart', () => {
  let h: DurableHarness;
  beforeAll(async () => {
    h = await new DurableHarness().start();
    await h.listen();
  });
  afterAll(() => h.stop());

  const finished = (instanceId: string, input: unknown) =>
    runScenario(h, {
      name: instanceId,
      orchestrator: 'echoInput',
      instanceId,
      input,
      status: 'Completed',
      output: input,
    });

  it('purges one finished instance: its status and history are gone', async () => {
    const client = durableClient(h);
    await finished('purge-one', 'bye');
    expect(await client.purgeInstanceHistory('purge-one')).toEqual({ instancesDeleted: 1 });
    await expect(client.getStatus('purge-one')).rejects.toThrow(/404/);
    expect(await h.status('purge-one')).toBeUndefined();
    expect(await client.purgeInstanceHistory('purge-one')).toEqual({ instancesDeleted: 0 });
  });

  it('refuses to purge a running instance', async () => {
    await h.startOrchestration('waitForever', undefined, 'purge-running');
    await h.waitForState('purge-running', (s) => s.status === 'Running');
    expect((await h.api('DELETE', 'instances/purge-running')).status).toBe(412);
    expect((await h.status('purge-running'))?.status).toBe('Running');
  });

  it('purges by filter: finished instances created in the window, nothing else', async () => {
    const client = durableClient(h);
    const from = new Date();
    await new Promise((r) => setTimeout(r, 5));
    for (const id of ['filter-a', 'filter-b', 'filter-c']) await finished(id, id);
    await h.startOrchestration('waitForever', undefined, 'filter-running');
    await h.waitForState('filter-running', (s) => s.status === 'Running');
    const result = await client.purgeInstanceHistoryBy({
      createdTimeFrom: from,
      createdTimeTo: new Date(Date.now() + 1000),
      runtimeStatus: [df.OrchestrationRuntimeStatus.Completed],
    });
    expect(result).toEqual({ instancesDeleted: 3 });
    for (const id of ['filter-a', 'filter-b', 'filter-c'])
      expect(await h.status(id)).toBeUndefined();
    expect((await h.status('filter-running'))?.status).toBe('Running');
    // Created before the window: untouched.
    expect(await h.status('purge-running')).toBeDefined();
  });

  it('restarts a finished instance under the same id, with its input, as a new execution', async () => {
    const first = await finished('restart-same', { n: 1 });
    const res = await h.api('POST', 'instances/restart-same/restart');
    expect(res.status).toBe(202);
    const again = await h.waitForState(
      'restart-same',
      (s) => s.status === 'Completed' && s.executionId !== first.state.executionId,
    );
    expect(h.output(again)).toEqual({ n: 1 });
    expect(again.history.filter((e) => e.EventType === EventType.ExecutionStarted)).toHaveLength(1);
  });

  it('restarts under a new instance id when asked', async () => {
    await finished('restart-new', 'again');
    const res = await h.api('POST', 'instances/restart-new/restart?restartWithNewInstanceId=true');
    expect(res.status).toBe(202);
    const newId = (res.body as { id: string }).id;
    expect(newId).not.toBe('restart-new');
    expect(h.output(await h.waitForCompletion(newId))).toBe('again');
  });

  it('refuses to restart a running instance under the same id', async () => {
    expect((await h.api('POST', 'instances/purge-running/restart')).status).toBe(409);
  });
});

describe('Conformance: control messages stored before the first step', () => {
  it('applies a suspend that was stored together with the start (e.g. across a restart)', async () => {
    const store = new MemoryStore();
    // A host that stores messages and then dies before running anything.
    const before = new DurableHarness(undefined, { store });
    before.stop();
    await before.startOrchestration('workThenWait', 'stored-suspend', 'stored-suspend');
    await before.hub.send('stored-suspend', { kind: 'Suspend', reason: 'before the first step' });
    await before.raiseEvent('stored-suspend', 'go', 'later');

    const after = await new DurableHarness(undefined, { store }).start();
    try {
      await after.waitForState('stored-suspend', (s) => s.status === 'Suspended');
      gates.get('stored-suspend').open();
      await after.whenIdle();
      const held = await after.status('stored-suspend');
      expect(held?.status).toBe('Suspended');
      await after.hub.send('stored-suspend', { kind: 'Resume', reason: 'go on' });
      const done = await after.waitForCompletion('stored-suspend');
      expect(after.output(done)).toEqual(['stored-suspend', 'later']);
      // The first step ran, then the suspend; the event stored after the suspend and the
      // activity's result both waited for the resume.
      expect(historyShape(done.history)).toEqual([
        'ExecutionStarted',
        'TaskScheduled',
        'ExecutionSuspended',
        'ExecutionResumed',
        'EventRaised',
        'TaskCompleted',
        'ExecutionCompleted',
      ]);
    } finally {
      after.stop();
    }
  });
});
