/**
 * Activity `findImageInstances`.
 *
 * Trigger: activity, called by cascadeDelete with ACTIVITY_RETRY.
 * Input: `{ imageId }`.
 * Output: every orchestration instance of the image (upload runs, reanalyses, batch
 *   reprocessings and their analysis sub-orchestrations) as `{ instanceId, runtimeStatus }`.
 * Idempotency key: none needed, it only reads.
 * Retry policy: task hub errors throw and are retried.
 */
import type { InvocationContext } from '@azure/functions';
import { belongsToImage, instancePrefixesOf } from '../../domain/lifecycle/image-instances';
import { objectField, stringField } from '../../domain/pipeline/validate';
import type { InstancePages, InstanceRef } from '../../ports/instance-pages';

export interface FindImageInstancesDeps {
  pagesFor: (context: InvocationContext) => InstancePages;
}

export function createFindImageInstances(deps: FindImageInstancesDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<InstanceRef[]> => {
    const imageId = stringField(objectField(rawInput, 'findImageInstances input'), 'imageId');
    const pages = deps.pagesFor(context);
    const found = new Map<string, InstanceRef>();
    for (const prefix of instancePrefixesOf(imageId)) {
      let continuationToken: string | undefined;
      do {
        const page = await pages.page({
          instanceIdPrefix: prefix,
          top: 500,
          ...(continuationToken === undefined ? {} : { continuationToken }),
        });
        for (const ref of page.items) {
          if (belongsToImage(ref.instanceId, imageId)) found.set(ref.instanceId, ref);
        }
        continuationToken = page.continuationToken;
      } while (continuationToken !== undefined);
    }
    return [...found.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  };
}
