/**
 * Reading finished durable tasks in orchestrators: how many attempts a retrying task made, its
 * outcome as a value (a task that threw on every attempt becomes a failure), and waiting for a
 * whole fan-out even when some of it fails.
 *
 * Replayed code: no I/O, no clock, no randomness, no configuration.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import { type ErrorCode, shortMessage } from '../domain/errors';
import { asOutcome, fail, failureInfo, type Outcome } from '../domain/outcome';
import { ACTIVITY_RETRY } from '../domain/pipeline/pipeline';
import type { Step } from '../domain/record';
import { completeStep, failStep, timingOf } from '../domain/pipeline/steps';

export type Flow<T> = Generator<Task, T, unknown>;

/**
 * Attempts made by a retrying task. The SDK counts them on the task (one past the last after a
 * final failure) without typing it; read defensively, the count is replayed like everything else.
 */
export function attemptsOf(task: Task): number {
  const counted = (task as { attemptNumber?: unknown }).attemptNumber;
  if (typeof counted !== 'number' || counted < 1) return 1;
  return Math.min(counted, ACTIVITY_RETRY.maxNumberOfAttempts);
}

export function isSettled(task: Task): boolean {
  return task.isCompleted || task.isFaulted;
}

/** A finished task's outcome; a task that threw on every attempt becomes a failure value. */
export function outcomeOf<T>(task: Task, exhausted: ErrorCode, what: string): Outcome<T> {
  if (task.isFaulted) {
    return fail(exhausted, `${what} kept failing: ${shortMessage(task.result, 'unknown error')}`);
  }
  return asOutcome<T>(task.result);
}

/** Waits for a task without letting its failure end the run: its state records it. */
export function* settle(task: Task): Flow<void> {
  try {
    yield task;
  } catch {
    // Read from the task.
  }
}

/**
 * Waits until every task has finished, successfully or not. Task.all fails as soon as one child
 * fails while the others keep running; those are already scheduled, so yielding each one adds no
 * new work to the history, it only waits for it.
 */
export function* settleAll(context: OrchestrationContext, tasks: Task[]): Flow<void> {
  try {
    yield context.df.Task.all(tasks);
    return;
  } catch {
    // Outcomes are read from each task below.
  }
  for (const task of tasks) {
    if (!isSettled(task)) yield* settle(task);
  }
}

/**
 * The steps with `name` completed or failed, as its task's outcome says: at the times the
 * activity reported for itself when it did, else at `at` (the fan-in).
 */
export function stepAfter(
  steps: readonly Step[],
  name: string,
  at: string,
  task: Task,
  outcome: Outcome<unknown>,
): Step[] {
  const timing = task.isCompleted ? timingOf(task.result) : undefined;
  return outcome.ok
    ? completeStep(steps, name, at, attemptsOf(task), timing)
    : failStep(steps, name, at, attemptsOf(task), failureInfo(outcome), timing);
}
