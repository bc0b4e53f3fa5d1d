/**
 * Runs one activity attempt and adds its own start and end to the result (`timing`), so the
 * orchestrator can record each fanned-out step with its true duration instead of the fan-in's.
 *
 * Input: the attempt's work, returning a plain JSON object (success or failure value).
 * Output: the same object plus `timing: { startedAt, completedAt }` (ISO 8601). A thrown error is
 *   passed on untouched: that attempt is retried and has no result to carry times.
 * The clock is read here, in the activity, never in the orchestrator: replay reads the times back
 * from the history.
 */
import type { StepTiming } from '../domain/pipeline/steps';

export type Timed<T> = T & { timing: StepTiming };

export async function timed<T extends object>(
  work: () => Promise<T>,
  clock: () => Date = () => new Date(),
): Promise<Timed<T>> {
  const startedAt = clock().toISOString();
  const result = await work();
  return { ...result, timing: { startedAt, completedAt: clock().toISOString() } };
}
