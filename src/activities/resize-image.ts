/**
 * Activity `resizeImage`.
 *
 * Trigger: activity, called by processImage with ACTIVITY_RETRY, once per variant, in parallel.
 * Input: ResizeImageInput `{ imageId, blobName, variant: { name, maxWidth, maxHeight, format },
 *   maxInputPixels }`.
 * Output: `{ ok: true, value: { name, width, height, format, contentType, bytes } }` or a
 *   permanent failure value: SOURCE_NOT_FOUND, CORRUPT_IMAGE (e.g. a truncated file, which only
 *   shows when the pixels are decoded), IMAGE_TOO_LARGE.
 *   Either carries `timing` (the attempt's own start and end, see timed.ts).
 * Idempotency key: the blob name `{imageId}/{variant}.{ext}` in images-variants; a rerun
 *   overwrites the same blob with the same bytes.
 * Retry policy: storage errors throw and are retried; decode errors are returned.
 */
import type { InvocationContext } from '@azure/functions';
import { fail, permanentFailureOf, succeed } from '../domain/outcome';
import { parseResizeImageInput, type ResizeImageOutput } from '../domain/pipeline/pipeline';
import { variantBlobName, variantContentType } from '../domain/pipeline/variants';
import { Containers } from '../names';
import { type Timed, timed } from './timed';
import type { BlobStore } from '../ports/blob-store';
import type { ImageProcessor } from '../ports/image-processor';

/** Variants are rewritten only by a reprocess, which is rare; an hour keeps CDNs useful. */
const VARIANT_CACHE_CONTROL = 'public, max-age=3600';

export interface ResizeImageDeps {
  blobs: BlobStore;
  images: ImageProcessor;
}

export function createResizeImage(deps: ResizeImageDeps) {
  const attempt = async (
    rawInput: unknown,
    context: InvocationContext,
  ): Promise<ResizeImageOutput> => {
    try {
      const input = parseResizeImageInput(rawInput);
      const { variant } = input;
      const blob = await deps.blobs.get(Containers.incoming, input.blobName);
      if (blob === undefined) {
        return fail('SOURCE_NOT_FOUND', `The uploaded blob ${input.blobName} no longer exists`);
      }
      const rendered = await deps.images.render(blob.data, variant, input.maxInputPixels);
      const contentType = variantContentType(rendered.format);
      await deps.blobs.put(
        Containers.variants,
        variantBlobName(input.imageId, variant.name, rendered.format),
        rendered.data,
        { contentType, cacheControl: VARIANT_CACHE_CONTROL },
      );
      return succeed({
        name: variant.name,
        width: rendered.width,
        height: rendered.height,
        format: rendered.format,
        contentType,
        bytes: rendered.data.length,
      });
    } catch (error) {
      const failure = permanentFailureOf(error);
      if (failure === undefined) throw error;
      context.warn(`resizeImage: ${failure.code}: ${failure.message}`);
      return failure;
    }
  };
  return (rawInput: unknown, context: InvocationContext): Promise<Timed<ResizeImageOutput>> =>
    timed(() => attempt(rawInput, context));
}
