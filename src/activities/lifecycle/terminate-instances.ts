/**
 * Activity `terminateInstances`.
 *
 * Trigger: activity, called by cascadeDelete with ACTIVITY_RETRY for the image's running instances.
 * Input: `{ instanceIds: string[], reason }`.
 * Output: `{ requested: number }`; the instances turn Terminated asynchronously.
 * Idempotency key: the instance ids; terminating a finished or unknown instance is a no-op.
 * Retry policy: task hub errors throw and are retried.
 */
import type { InvocationContext } from '@azure/functions';
import { objectField, stringField } from '../../domain/pipeline/validate';
import type { InstancePages } from '../../ports/instance-pages';

export interface TerminateInstancesDeps {
  pagesFor: (context: InvocationContext) => InstancePages;
}

export function instanceIdsOf(input: Record<string, unknown>): string[] {
  const ids = input.instanceIds;
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
    throw new TypeError('instanceIds must be an array of strings');
  }
  return ids;
}

export function createTerminateInstances(deps: TerminateInstancesDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<{ requested: number }> => {
    const input = objectField(rawInput, 'terminateInstances input');
    const reason = stringField(input, 'reason');
    const pages = deps.pagesFor(context);
    const ids = instanceIdsOf(input);
    for (const id of ids) await pages.terminate(id, reason);
    return { requested: ids.length };
  };
}
