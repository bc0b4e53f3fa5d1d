/**
 * Per-step progress, shared by the orchestration's custom status and the saved record. Pure and
 * immutable: the orchestrator replays, so every update derives from inputs and the replay-safe
 * clock only.
 */
import { type ErrorInfo, isErrorCode } from '../errors';
import type { Step, StepStatus } from '../record';
import { isObject } from './validate';

export const STEP_INSPECT = 'inspect';
export const STEP_ANALYZE = 'analyze';
export const STEP_SAVE = 'save';

export function resizeStepName(variant: string): string {
  return `resize:${variant}`;
}

export function pendingSteps(names: readonly string[]): Step[] {
  return names.map((name) => ({
    name,
    status: 'Pending',
    attempts: 0,
    startedAt: null,
    completedAt: null,
  }));
}

function update(steps: readonly Step[], name: string, change: (step: Step) => Step): Step[] {
  return steps.map((step) => (step.name === name ? change(step) : step));
}

export function startSteps(steps: readonly Step[], names: readonly string[], at: string): Step[] {
  return steps.map((step) =>
    names.includes(step.name)
      ? { ...step, status: 'Running', attempts: Math.max(step.attempts, 1), startedAt: at }
      : step,
  );
}

/**
 * When an activity itself ran, as it reports beside its result. A fan-in only learns that all of
 * its tasks are done, so without these every fanned-out step would end at the slowest one.
 */
export interface StepTiming {
  startedAt: string;
  completedAt: string;
}

/** The timing an activity result carries, or undefined (older histories, sub-orchestrations). */
export function timingOf(result: unknown): StepTiming | undefined {
  if (!isObject(result) || !isObject(result.timing)) return undefined;
  const { startedAt, completedAt } = result.timing;
  if (typeof startedAt !== 'string' || typeof completedAt !== 'string') return undefined;
  if (!(Date.parse(startedAt) <= Date.parse(completedAt))) return undefined;
  return { startedAt, completedAt };
}

/**
 * The span a step is shown with. `at` is the orchestrator's time for the end; with the activity's
 * own timing the end is when the work really finished. One attempt starts when that attempt
 * started; with retries the step began at its first schedule, so the waits stay in its duration.
 */
function spanOf(step: Step, at: string, attempts: number, timing?: StepTiming): StepTiming {
  if (timing === undefined) return { startedAt: step.startedAt ?? at, completedAt: at };
  const startedAt = attempts <= 1 || step.startedAt === null ? timing.startedAt : step.startedAt;
  return { startedAt, completedAt: timing.completedAt };
}

export function completeStep(
  steps: readonly Step[],
  name: string,
  at: string,
  attempts: number,
  timing?: StepTiming,
): Step[] {
  return update(steps, name, (step) => ({
    name: step.name,
    status: 'Completed',
    attempts,
    ...spanOf(step, at, attempts, timing),
  }));
}

export function failStep(
  steps: readonly Step[],
  name: string,
  at: string,
  attempts: number,
  error: ErrorInfo,
  timing?: StepTiming,
): Step[] {
  return update(steps, name, (step) => ({
    name: step.name,
    status: 'Failed',
    attempts,
    ...spanOf(step, at, attempts, timing),
    error: { code: error.code, message: error.message },
  }));
}

export function skipStep(steps: readonly Step[], name: string): Step[] {
  return update(steps, name, (step) => ({ ...step, status: 'Skipped' }));
}

/** Steps that will not run because an earlier one ended the run. */
export function skipPending(steps: readonly Step[], except: readonly string[] = []): Step[] {
  return steps.map((step) =>
    step.status === 'Pending' && !except.includes(step.name)
      ? { ...step, status: 'Skipped' }
      : step,
  );
}

const STEP_STATUSES: readonly StepStatus[] = [
  'Pending',
  'Running',
  'Completed',
  'Failed',
  'Skipped',
];

function toStep(value: unknown): Step | undefined {
  if (!isObject(value) || typeof value.name !== 'string') return undefined;
  const status = STEP_STATUSES.find((candidate) => candidate === value.status);
  if (status === undefined) return undefined;
  const time = (field: unknown): string | null => (typeof field === 'string' ? field : null);
  const step: Step = {
    name: value.name,
    status,
    attempts: typeof value.attempts === 'number' ? value.attempts : 0,
    startedAt: time(value.startedAt),
    completedAt: time(value.completedAt),
  };
  if (isObject(value.error) && isErrorCode(value.error.code)) {
    const message = typeof value.error.message === 'string' ? value.error.message : '';
    step.error = { code: value.error.code, message };
  }
  return step;
}

/** The steps inside an orchestration's custom status, or undefined when it has none. */
export function stepsFromCustomStatus(customStatus: unknown): Step[] | undefined {
  if (!isObject(customStatus) || !Array.isArray(customStatus.steps)) return undefined;
  const steps = customStatus.steps.map(toStep);
  return steps.every((step): step is Step => step !== undefined) ? steps : undefined;
}
