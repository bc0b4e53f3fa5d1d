/**
 * Activity `findTwin`.
 *
 * Trigger: activity, called by processImage with ACTIVITY_RETRY once inspection has hashed the
 *   upload.
 * Input: FindTwinInput `{ imageId, sha256, processingSpec }`.
 * Output: `{ twin: { id, variants, analysis } | null }`: the oldest other image with the same
 *   bytes, Completed under the same processing spec and never reprocessed since (see
 *   twinQuerySpec in the Cosmos adapter), or null.
 * Idempotency key: none needed, it only reads.
 * Retry policy: database errors throw and are retried; processImage treats a lookup that kept
 *   failing as "no twin" and renders the image itself.
 */
import type { InvocationContext } from '@azure/functions';
import { type FindTwinOutput, parseFindTwinInput, twinOf } from '../../domain/lifecycle/twin';
import type { LifecycleFinder } from '../../ports/record-store';

export interface FindTwinDeps {
  records: Pick<LifecycleFinder, 'findTwin'>;
}

export function createFindTwin(deps: FindTwinDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<FindTwinOutput> => {
    const input = parseFindTwinInput(rawInput);
    const found = await deps.records.findTwin({
      sha256: input.sha256,
      processingSpec: input.processingSpec,
      excludeId: input.imageId,
    });
    const twin = found === undefined ? undefined : twinOf(found);
    if (twin !== undefined) context.log(`findTwin: ${input.imageId} has the bytes of ${twin.id}`);
    return { twin: twin ?? null };
  };
}
