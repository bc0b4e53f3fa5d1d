/**
 * Conformance: continueAsNew. Each generation starts with a fresh history and the new input;
 * events that arrived but were not consumed move to the next generation, including an event that
 * arrived in the same step as the one that ended a generation, which that generation never saw.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { EventType } from '../../devhost/durable/history';
import { ControllableStore } from './support/controllable-store';
import { Gates } from './support/gate';
import { count, describeScenarios } from './support/scenario-table';

const store = new ControllableStore();
const gates = new Gates();

df.app.activity('echo', { handler: (input: unknown) => input });
df.app.activity('gated', {
  handler: async (gate: string) => {
    await gates.get(gate).pass();
    return gate;
  },
});

df.app.orchestration('countTo3', function* (context: OrchestrationContext) {
  const n = context.df.getInput<number>();
  if (n >= 3) return n;
  yield context.df.callActivity('echo', n);
  context.df.continueAsNew(n + 1);
  return undefined;
});

/** Works a while, then takes one 'item' event per generation until it has two. */
df.app.orchestration('onePerGeneration', function* (context: OrchestrationContext) {
  const seen = context.df.getInput<string[]>();
  yield context.df.callActivity('gated', 'busy-generation');
  const item = (yield context.df.waitForExternalEvent('item')) as string;
  if (seen.length === 1) return [...seen, item];
  context.df.continueAsNew([...seen, item]);
  return undefined;
});

/** Polls for an 'item' with a timer that is due at once; gives up after three generations. */
df.app.orchestration('pollForItem', function* (context: OrchestrationContext) {
  const polls = context.df.getInput<number>();
  if (polls >= 3) return { polls, item: null };
  const item = context.df.waitForExternalEvent('item');
  const tick = context.df.createTimer(context.df.currentUtcDateTime);
  const winner: unknown = yield context.df.Task.any([item, tick]);
  if (winner === item) return { polls, item: item.result };
  context.df.continueAsNew(polls + 1);
  return undefined;
});

/**
 * The first generation waits for 'Go' (which never comes) until a timer; the second takes 'go'.
 * Event names match exactly, so a 'go' raised during the first generation is not its event.
 */
df.app.orchestration('exactNames', function* (context: OrchestrationContext) {
  const generation = context.df.getInput<number>();
  const start = context.df.currentUtcDateTime.getTime();
  const name = generation === 0 ? 'Go' : 'go';
  const event = context.df.waitForExternalEvent(name);
  const timer = context.df.createTimer(new Date(start + (generation === 0 ? 500 : 5000)));
  const winner: unknown = yield context.df.Task.any([event, timer]);
  if (generation === 0) {
    context.df.continueAsNew(1);
    return undefined;
  }
  return winner === event ? `carried ${String(event.result)}` : 'lost';
});

describeScenarios(
  'Conformance: continueAsNew',
  [
    {
      name: 'restarts with the new input and a fresh history each generation',
      orchestrator: 'countTo3',
      input: 0,
      status: 'Completed',
      output: 3,
      history: ['ExecutionStarted', 'ExecutionCompleted'],
      check: ({ state }) => {
        const started = state.history.find((e) => e.EventType === EventType.ExecutionStarted);
        expect(started?.Input).toBe('3');
      },
    },
    {
      name: 'carries events that arrived but were not consumed to the next generation',
      orchestrator: 'onePerGeneration',
      input: [],
      drive: async ({ h, instanceId }) => {
        // Both events reach the first generation's history while it is busy; it takes one.
        await gates.get('busy-generation').entered;
        await h.raiseEvent(instanceId, 'item', 'first');
        await h.raiseEvent(instanceId, 'item', 'second');
        await h.waitForState(instanceId, (s) => count(s.history, 'EventRaised') === 2);
        gates.get('busy-generation').open();
      },
      status: 'Completed',
      output: ['first', 'second'],
      history: [
        'ExecutionStarted',
        'EventRaised',
        'TaskScheduled',
        'TaskCompleted',
        'ExecutionCompleted',
      ],
    },
    {
      name: 'carries an event that arrived in the same step that ended the generation',
      orchestrator: 'pollForItem',
      instanceId: 'poll-same-step',
      input: 0,
      before: (h) => {
        // Hold the first step's commit: the event then lands next to the due timer, and both
        // are there when the next step runs.
        const hold = store.holdNextCommit('poll-same-step');
        void hold.reached.then(async () => {
          await h.raiseEvent('poll-same-step', 'item', 'found');
          hold.release();
        });
      },
      status: 'Completed',
      output: { polls: 1, item: 'found' },
      history: ['ExecutionStarted', 'EventRaised', 'TimerCreated', 'ExecutionCompleted'],
    },
    {
      name: 'carries an event whose name differs only in case from the one waited for',
      orchestrator: 'exactNames',
      input: 0,
      drive: async ({ h, instanceId }) => {
        await h.raiseEvent(instanceId, 'go', 'now');
      },
      status: 'Completed',
      output: 'carried now',
      history: ['ExecutionStarted', 'EventRaised', 'TimerCreated', 'ExecutionCompleted'],
    },
  ],
  { store },
);
