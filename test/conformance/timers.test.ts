/**
 * Conformance: durable timers. A short timer fires at its time; a far-future timer (30 days)
 * raced with Task.any does not hold the orchestration once the other side wins; a cancelled timer
 * lets the orchestration complete without waiting for it, and nothing fires later.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { EventType, type HistoryEvent } from '../../devhost/durable/history';
import { encodeKey } from '../../devhost/durable/table-store';
import type { DurableHarness } from '../../devhost/testing/durable-harness';
import { describeScenarios, type ScenarioResult } from './support/scenario-table';

const DAY_MS = 24 * 60 * 60 * 1000;

df.app.activity('echo', { handler: (input: unknown) => input });

df.app.orchestration('shortTimer', function* (context: OrchestrationContext) {
  const start = context.df.currentUtcDateTime.getTime();
  yield context.df.createTimer(new Date(start + 150));
  return context.df.currentUtcDateTime.getTime() - start;
});

df.app.orchestration('farTimerVsEvent', function* (context: OrchestrationContext) {
  const start = context.df.currentUtcDateTime.getTime();
  const deadline = context.df.createTimer(new Date(start + 30 * DAY_MS));
  const approval = context.df.waitForExternalEvent('approve');
  const winner: unknown = yield context.df.Task.any([approval, deadline]);
  if (winner !== approval) return 'expired';
  deadline.cancel();
  return approval.result;
});

df.app.orchestration('farTimerVsShortTimer', function* (context: OrchestrationContext) {
  const start = context.df.currentUtcDateTime.getTime();
  const far = context.df.createTimer(new Date(start + 30 * DAY_MS));
  const near = context.df.createTimer(new Date(start + 50));
  const winner: unknown = yield context.df.Task.any([far, near]);
  far.cancel();
  return winner === near ? 'near' : 'far';
});

df.app.orchestration('cancelledTimer', function* (context: OrchestrationContext) {
  const start = context.df.currentUtcDateTime.getTime();
  const timeout = context.df.createTimer(new Date(start + 1000));
  const work = context.df.callActivity('echo', 'done');
  const winner: unknown = yield context.df.Task.any([work, timeout]);
  if (winner === work) timeout.cancel();
  return winner === work ? work.result : 'timed out';
});

function fireDelays(history: HistoryEvent[]): number[] {
  return history
    .filter((e) => e.EventType === EventType.TimerCreated)
    .map((e) => Date.parse(e.FireAt ?? '') - Date.parse(e.Timestamp));
}

/** Nothing left in the instance's partition that could still fire or be delivered. */
async function pendingMessages(h: DurableHarness, instanceId: string): Promise<string[]> {
  const rows = await h.store.loadPartition(encodeKey(instanceId));
  return rows.filter((r) => r.rowKey.startsWith('M-')).map((r) => r.rowKey);
}

/** Waits past a timer's due time, then checks the finished instance did not change. */
async function staysFinished({ h, instanceId, state }: ScenarioResult, ms: number): Promise<void> {
  const before = JSON.stringify(state.history);
  await new Promise((r) => setTimeout(r, ms));
  await h.whenIdle();
  const after = await h.status(instanceId);
  expect(after?.status).toBe('Completed');
  expect(JSON.stringify(after?.history)).toBe(before);
}

describeScenarios('Conformance: durable timers', [
  {
    name: 'fires a timer at its time; the orchestrator clock moves with history',
    orchestrator: 'shortTimer',
    status: 'Completed',
    output: expect.any(Number) as unknown,
    history: ['ExecutionStarted', 'TimerCreated', 'TimerFired', 'ExecutionCompleted'],
    check: ({ state, output }) => {
      expect(fireDelays(state.history)).toEqual([150]);
      expect(output).toBeGreaterThanOrEqual(150);
    },
  },
  {
    name: 'a 30-day timer raced with an external event: the event wins, no wake-up is left behind',
    orchestrator: 'farTimerVsEvent',
    drive: async ({ h, instanceId }) => {
      await h.waitForState(instanceId, (s) => s.status === 'Running');
      await h.raiseEvent(instanceId, 'approve', { by: 'ops' });
    },
    status: 'Completed',
    output: { by: 'ops' },
    history: ['ExecutionStarted', 'TimerCreated', 'EventRaised', 'ExecutionCompleted'],
    check: async ({ h, instanceId, state }) => {
      expect(fireDelays(state.history)).toEqual([30 * DAY_MS]);
      expect(await pendingMessages(h, instanceId)).toEqual([]);
    },
  },
  {
    name: 'a 30-day timer raced with a short timer: the short one wins',
    orchestrator: 'farTimerVsShortTimer',
    status: 'Completed',
    output: 'near',
    history: [
      'ExecutionStarted',
      'TimerCreated',
      'TimerCreated',
      'TimerFired',
      'ExecutionCompleted',
    ],
    check: async ({ h, instanceId, state }) => {
      expect(fireDelays(state.history)).toEqual([30 * DAY_MS, 50]);
      const fired = state.history.find((e) => e.EventType === EventType.TimerFired);
      expect(fired?.TimerId).toBe(1);
      expect(await pendingMessages(h, instanceId)).toEqual([]);
    },
  },
  {
    name: 'a cancelled timer: the orchestration completes without it and nothing fires later',
    orchestrator: 'cancelledTimer',
    status: 'Completed',
    output: 'done',
    history: [
      'ExecutionStarted',
      'TaskScheduled',
      'TimerCreated',
      'TaskCompleted',
      'ExecutionCompleted',
    ],
    check: async (result) => {
      expect(await pendingMessages(result.h, result.instanceId)).toEqual([]);
      await staysFinished(result, 1100);
    },
  },
]);
