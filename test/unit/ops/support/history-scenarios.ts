/**
 * Orchestrations that exercise every kind of timeline entry, run with the real durable-functions
 * SDK on devhost's engine (in-process task hub). Each scenario returns what the Durable HTTP API
 * answers for the instance with `showHistory=true&showHistoryOutput=true`, plus the stored
 * history it was derived from, so the timeline can be checked in both history dialects.
 */
import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext } from 'durable-functions';
import { EventType } from '../../../../devhost/durable/history';
import { handleDurableApi } from '../../../../devhost/durable/http-api';
import { DurableHarness } from '../../../../devhost/testing/durable-harness';

export interface RecordedHistory {
  scenario: string;
  runtimeStatus: string;
  /** `historyEvents` of the status response, as devhost's Durable HTTP API answers it. */
  historyEvents: Record<string, unknown>[];
  /** The stored events it was derived from (what the Durable extension would read). */
  storedHistory: Record<string, unknown>[];
}

const FAST_RETRY = new df.RetryOptions(10, 5);
const calls = new Map<string, number>();
let releaseSlow: () => void = () => undefined;
const slowReleased = new Promise<void>((resolve) => {
  releaseSlow = resolve;
});

function countCall(key: string): number {
  const n = (calls.get(key) ?? 0) + 1;
  calls.set(key, n);
  return n;
}

df.app.activity('tlEcho', { handler: (input: unknown) => input });
df.app.activity('tlFlaky', {
  handler: (key: string) => {
    const n = countCall(`flaky:${key}`);
    if (n < 3) throw new Error(`transient failure ${n}`);
    return `ok on attempt ${n}`;
  },
});
df.app.activity('tlBroken', {
  handler: () => {
    throw new Error('always broken');
  },
});
df.app.activity('tlRender', {
  handler: (variant: string) => {
    if (variant === 'medium' && countCall(`render:${variant}`) === 1) {
      throw new Error('render medium: out of memory');
    }
    return { variant, bytes: variant.length * 100 };
  },
});
df.app.activity('tlSlowSecond', {
  handler: async (key: string) => {
    if (countCall(`slow:${key}`) === 1) throw new Error('first attempt fails');
    await slowReleased;
    return 'second attempt done';
  },
});
df.app.entity('tlCounter', (context: EntityContext<number>) => {
  const value = context.df.getState(() => 0) ?? 0;
  switch (context.df.operationName) {
    case 'add':
      context.df.setState(value + (context.df.getInput<number>() ?? 0));
      break;
    case 'get':
      context.df.return(value);
      break;
    case 'fail':
      throw new Error('counter refuses');
  }
});

df.app.orchestration('tlRetries', function* (context: OrchestrationContext) {
  yield context.df.callActivity('tlEcho', 'first');
  const ok: unknown = yield context.df.callActivityWithRetry(
    'tlFlaky',
    FAST_RETRY,
    context.df.instanceId,
  );
  let failure = '';
  try {
    yield context.df.callActivityWithRetry('tlBroken', new df.RetryOptions(10, 2), null);
  } catch (error) {
    failure = (error as Error).message;
  }
  return { ok, failure };
});
df.app.orchestration('tlFanOut', function* (context: OrchestrationContext) {
  const tasks = ['thumb', 'medium', 'large'].map((variant) =>
    context.df.callActivityWithRetry('tlRender', FAST_RETRY, variant),
  );
  return (yield context.df.Task.all(tasks)) as unknown;
});
df.app.orchestration('tlEntities', function* (context: OrchestrationContext) {
  const counter = new df.EntityId('tlCounter', context.df.instanceId);
  context.df.signalEntity(counter, 'add', 5);
  const value: unknown = yield context.df.callEntity(counter, 'get');
  let refusal = '';
  try {
    yield context.df.callEntity(counter, 'fail');
  } catch (error) {
    refusal = (error as Error).message;
  }
  return { value, refusal };
});
df.app.orchestration('tlTimersAndEvents', function* (context: OrchestrationContext) {
  const start = context.df.currentUtcDateTime.getTime();
  yield context.df.createTimer(new Date(start + 20));
  const timeout = context.df.createTimer(new Date(start + 3_600_000));
  const approval = context.df.waitForExternalEvent('approve');
  const winner: unknown = yield context.df.Task.any([approval, timeout]);
  if (winner === approval) timeout.cancel();
  return winner === approval ? approval.result : 'timed out';
});
df.app.orchestration('tlChild', function* (context: OrchestrationContext) {
  const input = context.df.getInput<string>();
  if (input === 'fail') yield context.df.callActivity('tlBroken', null);
  return (yield context.df.callActivity('tlEcho', input)) as unknown;
});
df.app.orchestration('tlSubOrchestrations', function* (context: OrchestrationContext) {
  const child: unknown = yield context.df.callSubOrchestrator('tlChild', 'hello');
  let failure = '';
  try {
    yield context.df.callSubOrchestrator('tlChild', 'fail');
  } catch (error) {
    failure = (error as Error).message;
  }
  return { child, failure };
});
df.app.orchestration('tlFails', function* (context: OrchestrationContext) {
  yield context.df.callActivity('tlEcho', 'before');
  yield context.df.callActivity('tlBroken', null);
  return 'unreachable';
});
df.app.orchestration('tlWaitingRetry', function* (context: OrchestrationContext) {
  yield context.df.callActivityWithRetry('tlBroken', new df.RetryOptions(3_600_000, 3), null);
  return 'unreachable';
});
df.app.orchestration('tlRetryInFlight', function* (context: OrchestrationContext) {
  return (yield context.df.callActivityWithRetry(
    'tlSlowSecond',
    FAST_RETRY,
    context.df.instanceId,
  )) as unknown;
});
df.app.orchestration('tlTerminated', function* (context: OrchestrationContext) {
  yield context.df.callActivity('tlEcho', 'before');
  const start = context.df.currentUtcDateTime.getTime();
  yield context.df.Task.any([
    context.df.waitForExternalEvent('never'),
    context.df.createTimer(new Date(start + 3_600_000)),
  ]);
  return 'unreachable';
});

/** Stack traces name local paths and change with every edit: keep their place, not their text. */
function redact(event: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...event };
  if (typeof copy.Details === 'string') copy.Details = '(stack trace)';
  const details = copy.FailureDetails;
  if (typeof details === 'object' && details !== null && 'StackTrace' in details) {
    copy.FailureDetails = { ...details, StackTrace: '(stack trace)' };
  }
  return copy;
}

async function record(
  h: DurableHarness,
  scenario: string,
  instanceId: string,
): Promise<RecordedHistory> {
  const response = await handleDurableApi(
    {
      method: 'GET',
      path: `instances/${instanceId}`,
      query: new URLSearchParams('showHistory=true&showHistoryOutput=true'),
      headers: {},
      body: Buffer.alloc(0),
    },
    { hub: h.hub, hubName: 'harness', managementUrls: () => ({}) },
  );
  const body = response.body as { runtimeStatus: string; historyEvents: Record<string, unknown>[] };
  const state = await h.status(instanceId);
  return {
    scenario,
    runtimeStatus: body.runtimeStatus,
    historyEvents: body.historyEvents.map(redact),
    storedHistory: (state?.history ?? []).map((event) => redact({ ...event })),
  };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function finished(h: DurableHarness, scenario: string, name: string, input?: unknown) {
  const id = await h.startOrchestration(name, input, `${scenario}-1`);
  await h.waitForCompletion(id, 30_000);
  return record(h, scenario, id);
}

/** Runs every scenario on a fresh in-memory task hub and returns their histories. */
export async function recordHistories(): Promise<RecordedHistory[]> {
  const h = await new DurableHarness().start();
  try {
    const out: RecordedHistory[] = [];
    out.push(await finished(h, 'retries', 'tlRetries'));
    out.push(await finished(h, 'fanOut', 'tlFanOut'));
    out.push(await finished(h, 'entities', 'tlEntities'));

    const timersId = await h.startOrchestration(
      'tlTimersAndEvents',
      undefined,
      'timersAndEvents-1',
    );
    await h.raiseEvent(timersId, 'approve', { by: 'ops' });
    await h.waitForCompletion(timersId, 30_000);
    out.push(await record(h, 'timersAndEvents', timersId));

    out.push(await finished(h, 'subOrchestrations', 'tlSubOrchestrations'));
    out.push(await finished(h, 'failed', 'tlFails'));

    const waitingId = await h.startOrchestration('tlWaitingRetry', undefined, 'waitingRetry-1');
    await until(
      async () =>
        ((await h.status(waitingId))?.history ?? []).some(
          (e) => e.EventType === EventType.TimerCreated,
        ),
      'the retry timer',
    );
    out.push(await record(h, 'waitingRetry', waitingId));

    const inFlightId = await h.startOrchestration('tlRetryInFlight', undefined, 'retryInFlight-1');
    await until(
      async () =>
        ((await h.status(inFlightId))?.history ?? []).filter(
          (e) => e.EventType === EventType.TaskScheduled,
        ).length === 2,
      'the second attempt',
    );
    out.push(await record(h, 'retryInFlight', inFlightId));
    releaseSlow();
    await h.waitForCompletion(inFlightId, 30_000);

    const terminatedId = await h.startOrchestration('tlTerminated', undefined, 'terminated-1');
    await until(
      async () =>
        ((await h.status(terminatedId))?.history ?? []).some(
          (e) => e.EventType === EventType.TimerCreated,
        ),
      'the timer',
    );
    await h.hub.send(terminatedId, { kind: 'Terminate', reason: 'operator stop' });
    await h.waitForCompletion(terminatedId, 30_000);
    out.push(await record(h, 'terminated', terminatedId));
    return out;
  } finally {
    h.stop();
  }
}
