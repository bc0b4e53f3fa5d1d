/**
 * Conformance: sub-orchestrations, with an explicit and with a generated instance id, failures
 * reaching the parent with their message, and callSubOrchestratorWithRetry over a child that fails
 * twice before it succeeds (each attempt is a new execution of the same child instance).
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { EventType } from '../../devhost/durable/history';
import { describeScenarios, times } from './support/scenario-table';

/** Child runs per key, counted outside the (replayed) orchestrator code by an activity. */
const runs = new Map<string, number>();

df.app.activity('echo', { handler: (input: unknown) => input });
df.app.activity('countRun', {
  handler: (key: string) => {
    const n = (runs.get(key) ?? 0) + 1;
    runs.set(key, n);
    return n;
  },
});
df.app.activity('broken', {
  handler: () => {
    throw new Error('always broken');
  },
});

df.app.orchestration('child', function* (context: OrchestrationContext) {
  const greeting: unknown = yield context.df.callActivity(
    'echo',
    `hello ${context.df.getInput<string>()}`,
  );
  return { greeting, parent: context.df.parentInstanceId ?? null };
});

df.app.orchestration('failingChild', function* (context: OrchestrationContext) {
  yield context.df.callActivity('broken', null);
  return 'unreachable';
});

df.app.orchestration('flakyChild', function* (context: OrchestrationContext) {
  const n = (yield context.df.callActivity('countRun', context.df.getInput<string>())) as number;
  if (n < 3) throw new Error(`child run ${n} failed`);
  return `ok on run ${n}`;
});

df.app.orchestration('parentExplicitId', function* (context: OrchestrationContext) {
  return (yield context.df.callSubOrchestrator(
    'child',
    'explicit',
    `${context.df.instanceId}-child`,
  )) as unknown;
});

df.app.orchestration('parentGeneratedId', function* (context: OrchestrationContext) {
  return (yield context.df.callSubOrchestrator('child', 'generated')) as unknown;
});

df.app.orchestration('parentCatchesChild', function* (context: OrchestrationContext) {
  try {
    yield context.df.callSubOrchestrator('failingChild');
    return 'no error';
  } catch (err) {
    return (err as Error).message;
  }
});

df.app.orchestration('parentRetriesChild', function* (context: OrchestrationContext) {
  const { key, explicitId } = context.df.getInput<{ key: string; explicitId: boolean }>();
  return (yield context.df.callSubOrchestratorWithRetry(
    'flakyChild',
    new df.RetryOptions(20, 5),
    key,
    explicitId ? `${context.df.instanceId}-flaky` : undefined,
  )) as unknown;
});

const retriedChild = [
  ...times(
    2,
    'SubOrchestrationInstanceCreated',
    'SubOrchestrationInstanceFailed',
    'TimerCreated',
    'TimerFired',
  ),
  'SubOrchestrationInstanceCreated',
  'SubOrchestrationInstanceCompleted',
];

function childIds(history: { EventType: EventType; InstanceId?: string }[]): string[] {
  return history
    .filter((e) => e.EventType === EventType.SubOrchestrationInstanceCreated)
    .map((e) => e.InstanceId ?? '');
}

describeScenarios('Conformance: sub-orchestrations', [
  {
    name: 'runs a child under an explicit instance id and returns its output',
    orchestrator: 'parentExplicitId',
    instanceId: 'sub-explicit',
    status: 'Completed',
    output: { greeting: 'hello explicit', parent: 'sub-explicit' },
    history: [
      'ExecutionStarted',
      'SubOrchestrationInstanceCreated',
      'SubOrchestrationInstanceCompleted',
      'ExecutionCompleted',
    ],
    check: async ({ h, state }) => {
      expect(childIds(state.history)).toEqual(['sub-explicit-child']);
      expect((await h.status('sub-explicit-child'))?.status).toBe('Completed');
    },
  },
  {
    name: 'runs a child under an instance id derived from the parent when none is given',
    orchestrator: 'parentGeneratedId',
    instanceId: 'sub-generated',
    status: 'Completed',
    output: { greeting: 'hello generated', parent: 'sub-generated' },
    history: [
      'ExecutionStarted',
      'SubOrchestrationInstanceCreated',
      'SubOrchestrationInstanceCompleted',
      'ExecutionCompleted',
    ],
    check: async ({ h, state }) => {
      const [id] = childIds(state.history);
      expect(id).toMatch(/^sub-generated:[0-9a-fA-F]{16}$/);
      expect((await h.status(id!))?.status).toBe('Completed');
    },
  },
  {
    name: "hands a failed child's error message to the parent",
    orchestrator: 'parentCatchesChild',
    status: 'Completed',
    output: expect.stringContaining('always broken') as unknown,
    history: [
      'ExecutionStarted',
      'SubOrchestrationInstanceCreated',
      'SubOrchestrationInstanceFailed',
      'ExecutionCompleted',
    ],
  },
  {
    name: 'retries a child that fails twice (explicit id: each attempt restarts that instance)',
    orchestrator: 'parentRetriesChild',
    instanceId: 'sub-retry-explicit',
    input: { key: 'retry-explicit', explicitId: true },
    status: 'Completed',
    output: 'ok on run 3',
    history: ['ExecutionStarted', ...retriedChild, 'ExecutionCompleted'],
    check: async ({ h, state }) => {
      expect(new Set(childIds(state.history))).toEqual(new Set(['sub-retry-explicit-flaky']));
      expect((await h.status('sub-retry-explicit-flaky'))?.status).toBe('Completed');
    },
  },
  {
    name: 'retries a child that fails twice (generated id, kept across attempts)',
    orchestrator: 'parentRetriesChild',
    instanceId: 'sub-retry-generated',
    input: { key: 'retry-generated', explicitId: false },
    status: 'Completed',
    output: 'ok on run 3',
    history: ['ExecutionStarted', ...retriedChild, 'ExecutionCompleted'],
    check: ({ state }) => {
      const ids = childIds(state.history);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).toMatch(/^sub-retry-generated:/);
    },
  },
]);
