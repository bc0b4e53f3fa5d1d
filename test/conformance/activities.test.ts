/**
 * Conformance: activities and their composition. Sequences, Task.all fan-out and fail-fast,
 * Task.any (the first to finish wins; the loser still completes in history without changing the
 * output), and activity failures reaching the orchestrator.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { EventType } from '../../devhost/durable/history';
import { Gates } from './support/gate';
import { count, describeScenarios, times, type ScenarioRun } from './support/scenario-table';

const gates = new Gates();

df.app.activity('echo', { handler: (input: unknown) => input });
df.app.activity('double', { handler: (n: number) => n * 2 });
df.app.activity('broken', {
  handler: () => {
    throw new Error('always broken');
  },
});
df.app.activity('gated', {
  handler: async (input: { gate: string; value: unknown }) => {
    await gates.get(input.gate).pass();
    return input.value;
  },
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

df.app.orchestration('allFailsFast', function* (context: OrchestrationContext) {
  try {
    yield context.df.Task.all([
      context.df.callActivity('echo', 1),
      context.df.callActivity('broken', null),
      context.df.callActivity('echo', 3),
    ]);
    return 'no error';
  } catch (err) {
    return (err as Error).message;
  }
});

df.app.orchestration('anyFirstWins', function* (context: OrchestrationContext) {
  const gate = context.df.getInput<string>();
  const slow = context.df.callActivity('gated', { gate, value: 'slow' });
  const fast = context.df.callActivity('echo', 'fast');
  const winner = (yield context.df.Task.any([slow, fast])) as typeof fast;
  // Keep running until the test has seen the loser complete.
  yield context.df.waitForExternalEvent('done');
  return winner.result;
});

df.app.orchestration('unhandledFailure', function* (context: OrchestrationContext) {
  yield context.df.callActivity('broken', null);
  return 'unreachable';
});

df.app.orchestration('missingActivity', function* (context: OrchestrationContext) {
  yield context.df.callActivity('noSuchActivity', null);
  return 'unreachable';
});

const FAN_OUT = 50;

describeScenarios('Conformance: activities, Task.all and Task.any', [
  {
    name: 'runs activities in sequence, one scheduled/completed pair each',
    orchestrator: 'sequence',
    status: 'Completed',
    output: ['one', { two: 2 }],
    history: [
      'ExecutionStarted',
      ...times(2, 'TaskScheduled', 'TaskCompleted'),
      'ExecutionCompleted',
    ],
  },
  {
    name: 'Task.all schedules every activity in one step and returns results in call order',
    orchestrator: 'fanOut',
    input: FAN_OUT,
    status: 'Completed',
    output: 2 * (((FAN_OUT - 1) * FAN_OUT) / 2),
    history: [
      'ExecutionStarted',
      ...times(FAN_OUT, 'TaskScheduled'),
      ...times(FAN_OUT, 'TaskCompleted'),
      'ExecutionCompleted',
    ],
  },
  {
    name: 'Task.all fails with the first failure',
    orchestrator: 'allFailsFast',
    status: 'Completed',
    output: expect.stringContaining('always broken') as unknown,
    historyIncludes: [
      'ExecutionStarted',
      ...times(3, 'TaskScheduled'),
      'TaskFailed',
      'ExecutionCompleted',
    ],
  },
  {
    name: 'Task.any returns the first to finish; the loser still completes in history',
    orchestrator: 'anyFirstWins',
    input: 'any-loser',
    drive: async ({ h, instanceId }: ScenarioRun) => {
      await h.waitForState(instanceId, (s) => count(s.history, 'TaskCompleted') === 1);
      gates.get('any-loser').open();
      await h.waitForState(instanceId, (s) => count(s.history, 'TaskCompleted') === 2);
      await h.raiseEvent(instanceId, 'done');
    },
    status: 'Completed',
    output: 'fast',
    history: [
      'ExecutionStarted',
      ...times(2, 'TaskScheduled'),
      ...times(2, 'TaskCompleted'),
      'EventRaised',
      'ExecutionCompleted',
    ],
    check: ({ state }) => {
      const completed = state.history.filter((e) => e.EventType === EventType.TaskCompleted);
      // Task 1 (fast) finished first, task 0 (slow) after it.
      expect(completed.map((e) => e.TaskScheduledId)).toEqual([1, 0]);
    },
  },
  {
    name: 'an unhandled activity failure fails the orchestration with its message',
    orchestrator: 'unhandledFailure',
    status: 'Failed',
    failure: /always broken/,
    history: ['ExecutionStarted', 'TaskScheduled', 'TaskFailed', 'ExecutionFailed'],
  },
  {
    name: 'calling an activity that does not exist fails the call with a clear message',
    orchestrator: 'missingActivity',
    status: 'Failed',
    failure: /noSuchActivity.*doesn't exist/,
    history: ['ExecutionStarted', 'TaskScheduled', 'TaskFailed', 'ExecutionFailed'],
  },
]);
