/**
 * Conformance: callActivityWithRetry. The engine, not the SDK, schedules the timer after each
 * failed attempt (the last one included) and the re-attempt when it fires; these scenarios check
 * the delays recorded in history (first interval, backoff coefficient, max interval), the attempt
 * limit, and the retry timeout, which stops retrying before the attempt limit.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { EventType, type HistoryEvent } from '../../devhost/durable/history';
import { count, describeScenarios, times } from './support/scenario-table';

/** Attempts per key, so each scenario's activity counts its own calls. */
const attempts = new Map<string, number>();

interface FlakyInput {
  key: string;
  /** The attempt that succeeds; 0 never does. */
  succeedOn: number;
}

df.app.activity('flaky', {
  handler: (input: FlakyInput) => {
    const n = (attempts.get(input.key) ?? 0) + 1;
    attempts.set(input.key, n);
    if (n !== input.succeedOn) throw new Error(`attempt ${n} of ${input.key} failed`);
    return `ok on attempt ${n}`;
  },
});

interface RetryInput extends FlakyInput {
  first: number;
  maxAttempts: number;
  backoff?: number;
  maxInterval?: number;
  timeout?: number;
}

df.app.orchestration('withRetry', function* (context: OrchestrationContext) {
  const input = context.df.getInput<RetryInput>();
  const options = new df.RetryOptions(input.first, input.maxAttempts);
  if (input.backoff !== undefined) options.backoffCoefficient = input.backoff;
  if (input.maxInterval !== undefined) options.maxRetryIntervalInMilliseconds = input.maxInterval;
  if (input.timeout !== undefined) options.retryTimeoutInMilliseconds = input.timeout;
  try {
    return (yield context.df.callActivityWithRetry('flaky', options, {
      key: input.key,
      succeedOn: input.succeedOn,
    })) as unknown;
  } catch (err) {
    return `gave up: ${(err as Error).message}`;
  }
});

/** Milliseconds between each retry timer's creation and its fire time. */
function timerDelays(history: HistoryEvent[]): number[] {
  return history
    .filter((e) => e.EventType === EventType.TimerCreated)
    .map((e) => Date.parse(e.FireAt ?? '') - Date.parse(e.Timestamp));
}

const attempt = ['TaskScheduled', 'TaskFailed', 'TimerCreated', 'TimerFired'];

describeScenarios('Conformance: activity retries', [
  {
    name: 'retries after the first interval until an attempt succeeds',
    orchestrator: 'withRetry',
    input: { key: 'succeeds', succeedOn: 3, first: 20, maxAttempts: 5 },
    status: 'Completed',
    output: 'ok on attempt 3',
    history: [
      'ExecutionStarted',
      ...times(2, ...attempt),
      'TaskScheduled',
      'TaskCompleted',
      'ExecutionCompleted',
    ],
    check: ({ state }) => expect(timerDelays(state.history)).toEqual([20, 20]),
  },
  {
    name: 'grows the delay by the backoff coefficient, capped at the max interval',
    orchestrator: 'withRetry',
    input: {
      key: 'backoff',
      succeedOn: 0,
      first: 20,
      backoff: 2,
      maxInterval: 50,
      maxAttempts: 5,
    },
    status: 'Completed',
    output: 'gave up: Error: attempt 5 of backoff failed',
    history: ['ExecutionStarted', ...times(5, ...attempt), 'ExecutionCompleted'],
    // 20, 40, then 80 and 160 capped at 50; the timer after the last attempt fires at once.
    check: ({ state }) => expect(timerDelays(state.history)).toEqual([20, 40, 50, 50, 0]),
  },
  {
    name: 'stops after the max number of attempts, with a timer after the final failure',
    orchestrator: 'withRetry',
    input: { key: 'max-attempts', succeedOn: 0, first: 10, maxAttempts: 2 },
    status: 'Completed',
    output: 'gave up: Error: attempt 2 of max-attempts failed',
    history: ['ExecutionStarted', ...times(2, ...attempt), 'ExecutionCompleted'],
    check: ({ state }) => {
      expect(timerDelays(state.history)).toEqual([10, 0]);
      expect(attempts.get('max-attempts')).toBe(2);
    },
  },
  {
    name: 'stops retrying at the retry timeout, before the max number of attempts',
    orchestrator: 'withRetry',
    input: { key: 'timeout', succeedOn: 0, first: 40, maxAttempts: 12, timeout: 400 },
    status: 'Completed',
    output: expect.stringMatching(/^gave up: Error: attempt \d+ of timeout failed/) as unknown,
    historyIncludes: ['ExecutionStarted', ...attempt, ...attempt, 'ExecutionCompleted'],
    check: ({ state }) => {
      const ran = attempts.get('timeout') ?? 0;
      expect(count(state.history, 'TaskScheduled')).toBe(ran);
      expect(ran).toBeGreaterThanOrEqual(2);
      // Twelve attempts would take eleven 40 ms waits: more than the 400 ms allowed.
      expect(ran).toBeLessThan(12);
      // Once out of time, the attempts left fail at once: no timer waits any more.
      const delays = timerDelays(state.history);
      const expired = delays.indexOf(0);
      expect(expired).toBe(ran - 1);
      expect(delays.slice(0, expired).every((d) => d === 40)).toBe(true);
      expect(delays.slice(expired).every((d) => d === 0)).toBe(true);
      expect(delays).toHaveLength(12);
    },
  },
]);
