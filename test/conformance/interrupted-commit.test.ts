/**
 * Conformance: a host that dies while it stores a step. A step is stored in several transactions:
 * its work items and outgoing messages first, its state row last. A host killed between them has
 * stored rows of a step that, by its state row, never ran; the next host runs that step again
 * from its messages. What the first attempt left behind must not act on its own: its work items
 * would run twice, and its messages would reach other instances before the step that sends them
 * is stored. An entity's answer that arrives that early lands in the history ahead of the call it
 * answers, where the SDK never matches it, and the orchestration waits forever.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { DurableHarness } from '../../devhost/testing/durable-harness';
import { ControllableStore } from './support/controllable-store';
import { Gates } from './support/gate';

const gates = new Gates();
/** Times each activity input was handed to the activity. */
const runs = new Map<string, number>();

df.app.activity('countedWork', {
  handler: async (input: string) => {
    runs.set(input, (runs.get(input) ?? 0) + 1);
    await gates.get(input).pass();
    return input;
  },
});

df.app.entity('tally', (context) => {
  const stored: unknown = context.df.getState(() => 0);
  const value = typeof stored === 'number' ? stored : 0;
  if (context.df.operationName === 'add') {
    context.df.setState(value + 1);
    context.df.return(value + 1);
  }
});

/** One step that schedules two activities and calls an entity, then the results. */
df.app.orchestration('workAndTally', function* (context: OrchestrationContext) {
  const id = context.df.instanceId;
  const results: unknown = yield context.df.Task.all([
    context.df.callActivity('countedWork', `${id}-a`),
    context.df.callActivity('countedWork', `${id}-b`),
    context.df.callEntity(new df.EntityId('tally', id), 'add'),
  ]);
  return results;
});

/** A few turns of the event loop: enough for work a new host starts on its own to begin. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A first host stores the start of `id`, runs its first step and dies inside that step's commit. */
async function hostDiesInFirstStep(id: string): Promise<ControllableStore> {
  const store = new ControllableStore();
  const before = await new DurableHarness(undefined, { store }).start();
  const cut = store.cutNextCommit(id);
  await before.startOrchestration('workAndTally', undefined, id);
  await cut.reached;
  before.stop();
  return store;
}

describe('Conformance: a host that dies while it stores a step', () => {
  it('acts on what the step wrote only once the step is stored again: each activity runs once and the entity answers the stored call', async () => {
    // Prepare: the first host stores the start, runs the first step and dies inside its commit.
    const id = 'cut-first-step';
    const store = await hostDiesInFirstStep(id);

    // Act: a new host starts; its run of the same step is held just before it is stored.
    const hold = store.holdNextCommit(id);
    const after = await new DurableHarness(undefined, { store }).start();
    try {
      await hold.reached;
      await settle();

      // Assess: nothing the unfinished attempt wrote has run or been sent.
      expect(runs.get(`${id}-a`) ?? 0).toBe(0);
      expect(runs.get(`${id}-b`) ?? 0).toBe(0);
      expect(await after.hub.getEntity(`@tally@${id}`)).toBeUndefined();

      // Act: the step is stored; the work goes on.
      hold.release();
      gates.get(`${id}-a`).open();
      gates.get(`${id}-b`).open();
      const done = await after.waitForCompletion(id);

      // Assess
      expect(done.status).toBe('Completed');
      expect(after.output(done)).toEqual([`${id}-a`, `${id}-b`, 1]);
      expect(runs.get(`${id}-a`)).toBe(1);
      expect(runs.get(`${id}-b`)).toBe(1);
      expect((await after.hub.getEntity(`@tally@${id}`))?.state).toBe('1');
    } finally {
      after.stop();
    }
  });

  it('completes when the new host runs the step again at once: each activity still runs once', async () => {
    // Prepare
    const id = 'cut-then-run-freely';
    const store = await hostDiesInFirstStep(id);
    gates.get(`${id}-a`).open();
    gates.get(`${id}-b`).open();

    // Act
    const after = await new DurableHarness(undefined, { store }).start();
    try {
      const done = await after.waitForCompletion(id);

      // Assess
      expect(after.output(done)).toEqual([`${id}-a`, `${id}-b`, 1]);
      expect(runs.get(`${id}-a`)).toBe(1);
      expect(runs.get(`${id}-b`)).toBe(1);
      expect((await after.hub.getEntity(`@tally@${id}`))?.state).toBe('1');
    } finally {
      after.stop();
    }
  });
});
