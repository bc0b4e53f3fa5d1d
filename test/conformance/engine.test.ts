/**
 * Conformance of devhost's durable engine: real durable-functions orchestrators, activities and
 * entities, run through the task hub in-process. Each scenario asserts the outcome a user sees
 * and the shape of the recorded history.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, EntityContext } from 'durable-functions';
import { DurableHarness } from '../../devhost/testing/durable-harness';
import { EventType } from '../../devhost/durable/history';

let flakyCalls = 0;
let divergent = false;

df.app.activity('echo', { handler: (input: unknown) => input });
df.app.activity('double', { handler: (n: number) => n * 2 });
df.app.activity('flaky', {
  handler: () => {
    flakyCalls++;
    if (flakyCalls < 3) throw new Error(`transient ${flakyCalls}`);
    return `ok on attempt ${flakyCalls}`;
  },
});
df.app.activity('broken', {
  handler: () => {
    throw new Error('always broken');
  },
});
df.app.entity('counter', (context: EntityContext<number>) => {
  const value = context.df.getState(() => 0) ?? 0;
  switch (context.df.operationName) {
    case 'add':
      context.df.setState(value + (context.df.getInput<number>() ?? 0));
      break;
    case 'get':
      context.df.return(value);
      break;
    case 'delete':
      context.df.destructOnExit();
      break;
    case 'fail':
      throw new Error('counter refuses');
  }
});

df.app.orchestration('sequence', function* (context: OrchestrationContext) {
  const a: unknown = yield context.df.callActivity('echo', 'one');
  const b: unknown = yield context.df.callActivity('echo', { two: 2 });
  return [a, b];
});
df.app.orchestration('fanOut', function* (context: OrchestrationContext) {
  const n = context.df.getInput<number>();
  const tasks = Array.from({ length: n }, (_, i) => context.df.callActivity('double', i));
  const results = (yield context.df.Task.all(tasks)) as number[];
  return results.reduce((s, x) => s + x, 0);
});
df.app.orchestration('withRetry', function* (context: OrchestrationContext) {
  const ok: unknown = yield context.df.callActivityWithRetry(
    'flaky',
    new df.RetryOptions(10, 5),
    null,
  );
  let failure = '';
  try {
    yield context.df.callActivityWithRetry('broken', new df.RetryOptions(10, 2), null);
  } catch (err) {
    failure = (err as Error).message;
  }
  return { ok, failure };
});
df.app.orchestration('timerAndEvent', function* (context: OrchestrationContext) {
  const start = context.df.currentUtcDateTime.getTime();
  yield context.df.createTimer(new Date(start + 200));
  const timeout = context.df.createTimer(new Date(start + 60_000));
  const event = context.df.waitForExternalEvent('approve');
  const winner: unknown = yield context.df.Task.any([event, timeout]);
  if (winner === event) timeout.cancel();
  return {
    approved: winner === event ? event.result : null,
    waitedMs: context.df.currentUtcDateTime.getTime() - start,
  };
});
df.app.orchestration('parent', function* (context: OrchestrationContext) {
  const child: unknown = yield context.df.callSubOrchestrator(
    'sequence',
    undefined,
    'child-of-parent',
  );
  return child;
});
df.app.orchestration('entityUser', function* (context: OrchestrationContext) {
  const id = new df.EntityId('counter', context.df.getInput<string>());
  context.df.signalEntity(id, 'add', 5);
  context.df.signalEntity(id, 'add', 7);
  return (yield context.df.callEntity(id, 'get')) as number;
});
df.app.orchestration('eternal', function* (context: OrchestrationContext) {
  const n = context.df.getInput<number>();
  if (n >= 3) return n;
  yield context.df.callActivity('echo', n);
  context.df.continueAsNew(n + 1);
  return undefined;
});
df.app.orchestration('entityError', function* (context: OrchestrationContext) {
  try {
    yield context.df.callEntity(new df.EntityId('counter', 'err'), 'fail');
    return 'no error';
  } catch (err) {
    return (err as Error).message;
  }
});
df.app.orchestration('failingChild', function* (context: OrchestrationContext) {
  yield context.df.callActivity('broken', null);
  return 'unreachable';
});
df.app.orchestration('catchesChild', function* (context: OrchestrationContext) {
  try {
    yield context.df.callSubOrchestrator('failingChild');
    return 'no error';
  } catch (err) {
    return (err as Error).message;
  }
});
df.app.orchestration('changesItsMind', function* (context: OrchestrationContext) {
  yield context.df.callActivity(divergent ? 'double' : 'echo', 1);
  divergent = true;
  yield context.df.callActivity('echo', 2);
  return 'unreachable';
});

describe('Engine: durable semantics through the real SDK', () => {
  let h: DurableHarness;
  beforeAll(async () => {
    h = await new DurableHarness().start();
  });
  afterAll(() => h.stop());

  it('runs activities in sequence and records scheduled/completed pairs', async () => {
    const state = await h.waitForCompletion(await h.startOrchestration('sequence'));
    expect(state.status).toBe('Completed');
    expect(h.output(state)).toEqual(['one', { two: 2 }]);
    const types = state.history.map((e) => e.EventType);
    expect(types.filter((t) => t === EventType.TaskScheduled)).toHaveLength(2);
    expect(types.filter((t) => t === EventType.TaskCompleted)).toHaveLength(2);
    expect(types[1]).toBe(EventType.ExecutionStarted);
  });

  it('fans out and in over many activities', async () => {
    const state = await h.waitForCompletion(await h.startOrchestration('fanOut', 200), 30_000);
    expect(h.output(state)).toBe(2 * ((199 * 200) / 2));
  });

  it('retries with timers between attempts and a timer after the last failure', async () => {
    const state = await h.waitForCompletion(await h.startOrchestration('withRetry'));
    const out = h.output<{ ok: string; failure: string }>(state);
    expect(out.ok).toBe('ok on attempt 3');
    expect(out.failure).toContain('always broken');
    const brokenScheduled = state.history.filter(
      (e) => e.EventType === EventType.TaskScheduled && e.Name === 'broken',
    );
    expect(brokenScheduled).toHaveLength(2);
    // flaky: 2 failures -> 2 timers; broken: 2 failures -> 2 timers (the last one included)
    expect(state.history.filter((e) => e.EventType === EventType.TimerCreated)).toHaveLength(4);
  });

  it('fires durable timers and delivers external events raised before the wait', async () => {
    const id = await h.startOrchestration('timerAndEvent');
    await h.raiseEvent(id, 'approve', { by: 'ops' });
    const state = await h.waitForCompletion(id);
    const out = h.output<{ approved: unknown; waitedMs: number }>(state);
    expect(out.approved).toEqual({ by: 'ops' });
    expect(out.waitedMs).toBeGreaterThanOrEqual(200);
  });

  it('runs sub-orchestrations with an explicit instance id', async () => {
    const state = await h.waitForCompletion(await h.startOrchestration('parent'));
    expect(h.output(state)).toEqual(['one', { two: 2 }]);
    const child = await h.status('child-of-parent');
    expect(child?.status).toBe('Completed');
  });

  it('processes entity signals in order before a call from the same orchestration', async () => {
    const state = await h.waitForCompletion(await h.startOrchestration('entityUser', 'k1'));
    expect(h.output(state)).toBe(12);
    const entity = await h.hub.getEntity('@counter@k1');
    expect(JSON.parse(entity?.state ?? 'null')).toBe(12);
  });

  it('continues as new with a fresh history each time', async () => {
    const state = await h.waitForCompletion(await h.startOrchestration('eternal', 0));
    expect(h.output(state)).toBe(3);
    expect(state.history.filter((e) => e.EventType === EventType.TaskScheduled)).toHaveLength(0);
  });

  it("gives the caller an entity operation's error message", async () => {
    const state = await h.waitForCompletion(await h.startOrchestration('entityError'));
    expect(h.output(state)).toBe('counter refuses');
    expect(JSON.stringify(new Error('outside entities'))).toBe('{}');
  });

  it("hands a failed sub-orchestration's error message to the parent", async () => {
    const state = await h.waitForCompletion(await h.startOrchestration('catchesChild'));
    expect(h.output(state)).toContain('always broken');
  });

  it('fails an instance whose replay diverges from its history', async () => {
    const state = await h.waitForCompletion(await h.startOrchestration('changesItsMind'));
    expect(state.status).toBe('Failed');
    expect(state.failure?.message).toMatch(/Non-deterministic/);
  });
});
