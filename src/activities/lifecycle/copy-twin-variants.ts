/**
 * Activity `copyTwinVariants`.
 *
 * Trigger: activity, called by processImage with ACTIVITY_RETRY when findTwin found a twin.
 * Input: CopyTwinVariantsInput `{ imageId, twinId, variants }` (the twin's variants, in the
 *   image's spec).
 * Output: `{ ok: true, value: variants }` once every variant blob of the twin has been copied,
 *   server-side, to this image's own name (`{imageId}/{name}.{ext}`); `{ ok: false,
 *   SOURCE_NOT_FOUND }` when one of the twin's blobs is gone (the twin was deleted meanwhile),
 *   and processImage then renders the variants itself.
 * Why copies: the image owns its blobs, so deleting or reprocessing either twin never touches
 *   the other, and nothing has to count references.
 * Idempotency key: the target blob names; a rerun copies the same bytes over them again.
 * Retry policy: storage errors throw and are retried.
 */
import type { InvocationContext } from '@azure/functions';
import {
  type CopyTwinVariantsOutput,
  parseCopyTwinVariantsInput,
} from '../../domain/lifecycle/twin';
import { fail, succeed } from '../../domain/outcome';
import { variantBlobName } from '../../domain/pipeline/variants';
import { Containers } from '../../names';
import type { BlobCopier } from '../../ports/blob-store';

export interface CopyTwinVariantsDeps {
  blobs: BlobCopier;
}

export function createCopyTwinVariants(deps: CopyTwinVariantsDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<CopyTwinVariantsOutput> => {
    const input = parseCopyTwinVariantsInput(rawInput);
    for (const variant of input.variants) {
      const copied = await deps.blobs.copy(
        Containers.variants,
        variantBlobName(input.twinId, variant.name, variant.format),
        variantBlobName(input.imageId, variant.name, variant.format),
      );
      if (!copied) {
        context.warn(`copyTwinVariants: ${input.twinId}'s ${variant.name} is gone; not reusing`);
        return fail('SOURCE_NOT_FOUND', `Variant ${variant.name} of ${input.twinId} is gone`);
      }
    }
    return succeed(input.variants);
  };
}
