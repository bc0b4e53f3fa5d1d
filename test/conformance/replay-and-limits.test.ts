/**
 * Conformance: replay safety and the engine's documented limits. A replay whose calls differ
 * from the recorded history fails the instance with a message that says so; entity locks
 * (context.df.lock) and callHttp fail the instance with a clear "not supported" message.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { describeScenarios } from './support/scenario-table';

/** Flipped by the first run, so the replay of these orchestrators takes another path. */
const firstRunDone = new Set<string>();

df.app.activity('echo', { handler: (input: unknown) => input });

df.app.orchestration('changesItsMind', function* (context: OrchestrationContext) {
  const replayed = firstRunDone.has(context.df.instanceId);
  firstRunDone.add(context.df.instanceId);
  yield context.df.callActivity(replayed ? 'otherActivity' : 'echo', 1);
  return 'unreachable';
});

df.app.orchestration('dropsAStep', function* (context: OrchestrationContext) {
  const replayed = firstRunDone.has(context.df.instanceId);
  firstRunDone.add(context.df.instanceId);
  if (!replayed) yield context.df.callActivity('echo', 1);
  return 'skipped the recorded step';
});

df.app.orchestration('usesLock', function* (context: OrchestrationContext) {
  const lock = (yield context.df.lock(new df.EntityId('counter', 'locked'))) as { release(): void };
  lock.release();
  return 'locked';
});

df.app.orchestration('usesCallHttp', function* (context: OrchestrationContext) {
  return (yield context.df.callHttp({ method: 'GET', url: 'http://127.0.0.1:1/' })) as unknown;
});

describeScenarios('Conformance: replay safety and limits', [
  {
    name: 'fails an instance whose replay calls a different activity than recorded',
    orchestrator: 'changesItsMind',
    status: 'Failed',
    failure:
      /Non-deterministic workflow detected: step 0 was 'CallActivity:echo'.*'CallActivity:otherActivity'/,
    history: ['ExecutionStarted', 'TaskScheduled', 'TaskCompleted', 'ExecutionFailed'],
  },
  {
    name: 'fails an instance whose replay leaves out a recorded step',
    orchestrator: 'dropsAStep',
    status: 'Failed',
    failure: /Non-deterministic workflow detected: step 0 was 'CallActivity:echo'.*'\(nothing\)'/,
    history: ['ExecutionStarted', 'TaskScheduled', 'TaskCompleted', 'ExecutionFailed'],
  },
  {
    name: 'entity locks fail the instance with a clear "not supported" message',
    orchestrator: 'usesLock',
    status: 'Failed',
    failure: /context\.df\.lock.*not supported/i,
    history: ['ExecutionStarted', 'ExecutionFailed'],
  },
  {
    name: 'callHttp fails the instance with a clear "not supported" message',
    orchestrator: 'usesCallHttp',
    status: 'Failed',
    failure: /callHttp is not supported/,
    history: ['ExecutionStarted', 'ExecutionFailed'],
  },
]);
