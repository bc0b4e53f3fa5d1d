/**
 * Conformance: external events. An event raised before the orchestrator waits for it is kept
 * until it does; several events of one name are consumed in the order they were raised; a wait
 * raced with a timer gives up when the timer wins.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { EventType } from '../../devhost/durable/history';
import { Gates } from './support/gate';
import { count, describeScenarios, times } from './support/scenario-table';

const gates = new Gates();

df.app.activity('gated', {
  handler: async (gate: string) => {
    await gates.get(gate).pass();
    return gate;
  },
});

df.app.orchestration('busyThenWait', function* (context: OrchestrationContext) {
  yield context.df.callActivity('gated', context.df.getInput<string>());
  const approval: unknown = yield context.df.waitForExternalEvent('approve');
  return approval;
});

df.app.orchestration('collectThree', function* (context: OrchestrationContext) {
  const items: unknown[] = [];
  for (let i = 0; i < 3; i++) items.push(yield context.df.waitForExternalEvent('item'));
  return items;
});

df.app.orchestration('waitOrTimeout', function* (context: OrchestrationContext) {
  const start = context.df.currentUtcDateTime.getTime();
  const event = context.df.waitForExternalEvent('never');
  const timeout = context.df.createTimer(new Date(start + 50));
  const winner: unknown = yield context.df.Task.any([event, timeout]);
  return winner === timeout ? 'timed out' : 'event';
});

describeScenarios('Conformance: external events', [
  {
    name: 'keeps an event raised before the orchestrator waits for it',
    orchestrator: 'busyThenWait',
    input: 'early-event',
    drive: async ({ h, instanceId }) => {
      await gates.get('early-event').entered;
      await h.raiseEvent(instanceId, 'approve', { by: 'ops' });
      await h.waitForState(instanceId, (s) => count(s.history, 'EventRaised') === 1);
      gates.get('early-event').open();
    },
    status: 'Completed',
    output: { by: 'ops' },
    history: [
      'ExecutionStarted',
      'TaskScheduled',
      'EventRaised',
      'TaskCompleted',
      'ExecutionCompleted',
    ],
  },
  {
    name: 'consumes several events of the same name in the order they were raised',
    orchestrator: 'collectThree',
    drive: async ({ h, instanceId }) => {
      for (const item of ['first', 'second', 'third']) await h.raiseEvent(instanceId, 'item', item);
    },
    status: 'Completed',
    output: ['first', 'second', 'third'],
    history: ['ExecutionStarted', ...times(3, 'EventRaised'), 'ExecutionCompleted'],
    check: ({ state }) => {
      const raised = state.history.filter((e) => e.EventType === EventType.EventRaised);
      expect(raised.map((e) => JSON.parse(e.Input ?? 'null') as unknown)).toEqual([
        'first',
        'second',
        'third',
      ]);
    },
  },
  {
    name: 'a wait raced with a timer gives up when the timer fires first',
    orchestrator: 'waitOrTimeout',
    status: 'Completed',
    output: 'timed out',
    history: ['ExecutionStarted', 'TimerCreated', 'TimerFired', 'ExecutionCompleted'],
  },
]);
