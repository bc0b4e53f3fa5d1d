/**
 * Conformance: durable entities. Signals and calls from orchestrations, signals from clients,
 * operations one at a time in arrival order per sender, batches (operations that arrived while
 * the entity was busy run in one invocation, still in order), `delete`, errors reaching the caller
 * with their message, state read through the client, and per-sender order surviving a transient
 * storage error while an operation is being sent.
 */
import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext } from 'durable-functions';
import { EventType } from '../../devhost/durable/history';
import { DurableHarness } from '../../devhost/testing/durable-harness';
import { ControllableStore } from './support/controllable-store';
import { durableClient } from './support/durable-client';
import { Gates } from './support/gate';
import { count, describeScenarios, runScenario, times } from './support/scenario-table';

const gates = new Gates();
/** The invocation each counter operation ran in: one invocation per batch. */
const invocations: { key: string; operation: string; invocationId: string }[] = [];

df.app.activity('echo', { handler: (input: unknown) => input });

async function counterEntity(context: EntityContext<number>): Promise<void> {
  invocations.push({
    key: context.df.entityKey,
    operation: context.df.operationName ?? '',
    invocationId: context.invocationId,
  });
  const value = context.df.getState(() => 0) ?? 0;
  switch (context.df.operationName) {
    case 'add':
      context.df.setState(value + (context.df.getInput<number>() ?? 0));
      break;
    case 'get':
      context.df.return(value);
      break;
    case 'hold':
      await gates.get(context.df.getInput<string>() ?? '').pass();
      break;
    case 'delete':
      context.df.destructOnExit();
      break;
    case 'fail':
      throw new Error('counter refuses');
    default:
      throw new Error(`unknown operation ${context.df.operationName}`);
  }
}

// The SDK awaits what an entity handler returns (Entity.js), though the handler type says void:
// an async operation keeps its batch in flight, which the batching scenario relies on.
df.app.entity('counter', counterEntity as (context: EntityContext<number>) => void);

df.app.entity('journal', (context: EntityContext<string[]>) => {
  const entries = context.df.getState(() => []) ?? [];
  if (context.df.operationName === 'append')
    context.df.setState([...entries, context.df.getInput<string>() ?? '']);
  if (context.df.operationName === 'get') context.df.return(entries);
});

const counter = (key: string) => new df.EntityId('counter', key);
const journal = (key: string) => new df.EntityId('journal', key);

df.app.orchestration('signalThenCall', function* (context: OrchestrationContext) {
  const id = counter(context.df.getInput<string>());
  context.df.signalEntity(id, 'add', 5);
  context.df.signalEntity(id, 'add', 7);
  return (yield context.df.callEntity(id, 'get')) as number;
});

/** Reads a counter once the test says so. */
df.app.orchestration('readWhenTold', function* (context: OrchestrationContext) {
  yield context.df.waitForExternalEvent('go');
  return (yield context.df.callEntity(counter(context.df.getInput<string>()), 'get')) as number;
});

/** Appends `${sender}:0..n-1` to a journal, spread over several steps of its own. */
df.app.orchestration('appendInOrder', function* (context: OrchestrationContext) {
  const { key, sender, n } = context.df.getInput<{ key: string; sender: string; n: number }>();
  for (let i = 0; i < n; i++) {
    context.df.signalEntity(journal(key), 'append', `${sender}:${i}`);
    if (i % 2 === 1) yield context.df.callActivity('echo', i);
  }
  return sender;
});

df.app.orchestration('concurrentSenders', function* (context: OrchestrationContext) {
  const key = context.df.getInput<string>();
  yield context.df.Task.all(
    ['a', 'b', 'c'].map((sender) =>
      context.df.callSubOrchestrator('appendInOrder', { key, sender, n: 6 }),
    ),
  );
  return (yield context.df.callEntity(journal(key), 'get')) as string[];
});

df.app.orchestration('deleteAndReuse', function* (context: OrchestrationContext) {
  const id = counter(context.df.getInput<string>());
  yield context.df.callEntity(id, 'add', 5);
  yield context.df.callEntity(id, 'delete');
  context.df.setCustomStatus('deleted');
  yield context.df.waitForExternalEvent('inspected');
  yield context.df.callEntity(id, 'add', 2);
  return (yield context.df.callEntity(id, 'get')) as number;
});

df.app.orchestration('entityError', function* (context: OrchestrationContext) {
  try {
    yield context.df.callEntity(counter('refuses'), 'fail');
    return 'no error';
  } catch (err) {
    return (err as Error).message;
  }
});

df.app.orchestration('unknownEntity', function* (context: OrchestrationContext) {
  try {
    yield context.df.callEntity(new df.EntityId('nobody', 'k'), 'get');
    return 'no error';
  } catch (err) {
    return (err as Error).message;
  }
});

df.app.orchestration('orderAcrossSteps', function* (context: OrchestrationContext) {
  const key = context.df.getInput<string>();
  for (const entry of ['a', 'b', 'c']) {
    context.df.signalEntity(journal(key), 'append', entry);
    yield context.df.callActivity('echo', entry);
  }
  return (yield context.df.callEntity(journal(key), 'get')) as string[];
});

/** Each sender's entries, in the order the journal recorded them. */
function bySender(entries: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of entries) (out[e.split(':')[0]!] ??= []).push(e);
  return out;
}

const BATCH = 20;

describeScenarios('Conformance: entities', [
  {
    name: 'signals and a call from one orchestration are applied in order',
    orchestrator: 'signalThenCall',
    input: 'signal-call',
    status: 'Completed',
    output: 12,
    history: ['ExecutionStarted', ...times(3, 'EventSent'), 'EventRaised', 'ExecutionCompleted'],
  },
  {
    name: 'client signals update the state, which the client can read',
    orchestrator: 'readWhenTold',
    input: 'from-client',
    drive: async ({ h, client, instanceId }) => {
      await client.signalEntity(counter('from-client'), 'add', 3);
      await client.signalEntity(counter('from-client'), 'add', 4);
      const deadline = Date.now() + 5000;
      let read = await client.readEntityState<number>(counter('from-client'));
      while (read.entityState !== 7 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
        read = await client.readEntityState<number>(counter('from-client'));
      }
      expect(read).toMatchObject({ entityExists: true, entityState: 7 });
      await h.raiseEvent(instanceId, 'go');
    },
    status: 'Completed',
    output: 7,
    history: ['ExecutionStarted', 'EventRaised', 'EventSent', 'EventRaised', 'ExecutionCompleted'],
  },
  {
    name: 'keeps each sender’s order when several orchestrations signal one entity',
    orchestrator: 'concurrentSenders',
    input: 'senders',
    status: 'Completed',
    output: expect.any(Array) as unknown,
    historyIncludes: [
      'ExecutionStarted',
      ...times(3, 'SubOrchestrationInstanceCreated'),
      ...times(3, 'SubOrchestrationInstanceCompleted'),
      'EventSent',
      'EventRaised',
      'ExecutionCompleted',
    ],
    check: ({ output }) => {
      const order = (n: number, s: string) => Array.from({ length: n }, (_, i) => `${s}:${i}`);
      expect(bySender(output as string[])).toEqual({
        a: order(6, 'a'),
        b: order(6, 'b'),
        c: order(6, 'c'),
      });
    },
  },
  {
    name: 'runs operations that arrived while it was busy as one batch, in order',
    orchestrator: 'readWhenTold',
    input: 'batch',
    drive: async ({ h, client, instanceId }) => {
      await client.signalEntity(counter('batch'), 'hold', 'batch-hold');
      await gates.get('batch-hold').entered;
      for (let i = 1; i <= BATCH; i++) await client.signalEntity(counter('batch'), 'add', i);
      gates.get('batch-hold').open();
      await h.raiseEvent(instanceId, 'go');
    },
    status: 'Completed',
    output: (BATCH * (BATCH + 1)) / 2,
    check: () => {
      const adds = invocations.filter((i) => i.key === 'batch' && i.operation === 'add');
      expect(adds).toHaveLength(BATCH);
      const hold = invocations.find((i) => i.key === 'batch' && i.operation === 'hold');
      expect(new Set(adds.map((a) => a.invocationId))).toEqual(new Set([adds[0]!.invocationId]));
      expect(adds[0]!.invocationId).not.toBe(hold?.invocationId);
    },
  },
  {
    name: 'delete removes the state; the client sees none; a later operation starts fresh',
    orchestrator: 'deleteAndReuse',
    input: 'deleted',
    drive: async ({ h, client, instanceId }) => {
      await h.waitForState(instanceId, (s) => s.customStatus === JSON.stringify('deleted'));
      expect(await client.readEntityState(counter('deleted'))).toMatchObject({
        entityExists: false,
      });
      expect((await h.api('GET', 'entities/counter/deleted')).status).toBe(404);
      await h.raiseEvent(instanceId, 'inspected');
    },
    status: 'Completed',
    output: 2,
    history: [
      'ExecutionStarted',
      ...times(2, 'EventSent', 'EventRaised'),
      'EventRaised',
      ...times(2, 'EventSent', 'EventRaised'),
      'ExecutionCompleted',
    ],
  },
  {
    name: "gives the caller an entity operation's error message",
    orchestrator: 'entityError',
    status: 'Completed',
    output: 'counter refuses',
    check: () => expect(JSON.stringify(new Error('outside entities'))).toBe('{}'),
  },
  {
    name: 'a call to an entity that is not registered fails with a clear message',
    orchestrator: 'unknownEntity',
    status: 'Completed',
    output: expect.stringMatching(/entity 'nobody' is not registered/) as unknown,
  },
]);

describe('Conformance: entities under a transient storage error', () => {
  const store = new ControllableStore();
  const errors: string[] = [];
  let h: DurableHarness;
  beforeAll(async () => {
    const log = (level: string, message: string) => level === 'error' && errors.push(message);
    h = await new DurableHarness(undefined, { store, log }).start();
    await h.listen();
  });
  afterAll(() => h.stop());

  it("keeps a sender's order when sending one of its operations has to be retried", async () => {
    store.failNextPut('@journal@retried');
    const result = await runScenario(h, {
      name: 'order across a failed send',
      orchestrator: 'orderAcrossSteps',
      input: 'retried',
      status: 'Completed',
      output: ['a', 'b', 'c'],
      timeoutMs: 20_000,
    });
    expect(count(result.state.history, 'EventSent')).toBe(4);
    expect(result.state.history.some((e) => e.EventType === EventType.EventRaised)).toBe(true);
    expect(await durableClient(h).readEntityState(journal('retried'))).toMatchObject({
      entityState: ['a', 'b', 'c'],
    });
    expect(errors).toEqual([expect.stringMatching(/to '@journal@retried' failed; retrying/)]);
  });
});
