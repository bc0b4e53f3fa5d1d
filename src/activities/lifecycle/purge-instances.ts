/**
 * Activity `purgeInstances`.
 *
 * Trigger: activity, called by cascadeDelete with ACTIVITY_RETRY, last, for the image's finished
 *   instances.
 * Input: `{ instanceIds: string[] }`.
 * Output: `{ purged: number }`: how many instances' state and history this call deleted.
 * Idempotency key: the instance ids; an instance already purged counts zero.
 * Retry policy: task hub errors throw and are retried.
 */
import type { InvocationContext } from '@azure/functions';
import { objectField } from '../../domain/pipeline/validate';
import type { InstancePages } from '../../ports/instance-pages';
import { instanceIdsOf } from './terminate-instances';

export interface PurgeInstancesDeps {
  pagesFor: (context: InvocationContext) => InstancePages;
}

export function createPurgeInstances(deps: PurgeInstancesDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<{ purged: number }> => {
    const ids = instanceIdsOf(objectField(rawInput, 'purgeInstances input'));
    const pages = deps.pagesFor(context);
    let purged = 0;
    for (const id of ids) if (await pages.purge(id)) purged++;
    return { purged };
  };
}
