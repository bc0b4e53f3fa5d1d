/**
 * Activity `inspectImage`.
 *
 * Trigger: activity, called by processImage with ACTIVITY_RETRY.
 * Input: InspectImageInput `{ blobName, maxInputPixels }`.
 * Output: `{ ok: true, value: Inspection }` (format, display width/height after EXIF orientation,
 *   bytes, sha256, EXIF summary without GPS) or a permanent failure value: SOURCE_NOT_FOUND,
 *   PAYLOAD_TOO_LARGE, UNSUPPORTED_FORMAT, IMAGE_TOO_LARGE, CORRUPT_IMAGE.
 * Idempotency key: none needed, it only reads.
 * Retry policy: storage errors throw and are retried; problems with the file are returned.
 *
 * Order matters: the stored size against `maxUploadBytes` before anything is downloaded (a blob
 * written through an upload URL was never counted by the app), magic bytes next (no decoder ever
 * sees a non-image), then the header's dimensions against the pixel cap; no pixel is decoded here
 * at all.
 */
import { createHash } from 'node:crypto';
import type { InvocationContext } from '@azure/functions';
import { summarizeExif } from '../domain/analysis/exif';
import {
  contentTypeOf,
  decoderMatches,
  SNIFF_BYTES,
  sniffFormat,
} from '../domain/pipeline/formats';
import { fail, permanentFailureOf, succeed } from '../domain/outcome';
import { type InspectImageOutput, parseInspectImageInput } from '../domain/pipeline/pipeline';
import { Containers } from '../names';
import type { BlobStore } from '../ports/blob-store';
import type { ImageProcessor } from '../ports/image-processor';

export interface InspectImageDeps {
  blobs: BlobStore;
  images: ImageProcessor;
  maxUploadBytes: number;
}

function tooLarge(maxUploadBytes: number) {
  return fail('PAYLOAD_TOO_LARGE', `The uploaded file is larger than ${maxUploadBytes} bytes`);
}

export function createInspectImage(deps: InspectImageDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<InspectImageOutput> => {
    try {
      const input = parseInspectImageInput(rawInput);
      const gone = fail('SOURCE_NOT_FOUND', `The uploaded blob ${input.blobName} no longer exists`);
      const stored = await deps.blobs.properties(Containers.incoming, input.blobName);
      if (stored === undefined) return gone;
      if (stored.contentLength > deps.maxUploadBytes) return tooLarge(deps.maxUploadBytes);
      const blob = await deps.blobs.get(Containers.incoming, input.blobName);
      if (blob === undefined) return gone;
      // The blob may have been replaced since its properties were read.
      if (blob.data.length > deps.maxUploadBytes) return tooLarge(deps.maxUploadBytes);
      const format = sniffFormat(blob.data.subarray(0, SNIFF_BYTES));
      if (format === undefined) {
        return fail(
          'UNSUPPORTED_FORMAT',
          'The file is not a JPEG, PNG, WebP, GIF, AVIF or TIFF image',
        );
      }
      const header = await deps.images.readHeader(blob.data, input.maxInputPixels);
      if (header.width * header.height > input.maxInputPixels) {
        return fail(
          'IMAGE_TOO_LARGE',
          `The image is ${header.width}×${header.height}, more than the ${input.maxInputPixels}-pixel maximum`,
        );
      }
      if (!decoderMatches(format, header.decoder)) {
        return fail(
          'UNSUPPORTED_FORMAT',
          `The file starts like ${format} but decodes as ${header.decoder}`,
        );
      }
      return succeed({
        format,
        contentType: contentTypeOf(format),
        width: header.orientedWidth,
        height: header.orientedHeight,
        bytes: blob.data.length,
        sha256: createHash('sha256').update(blob.data).digest('hex'),
        exif: summarizeExif(header.exif) ?? null,
      });
    } catch (error) {
      const failure = permanentFailureOf(error);
      if (failure === undefined) throw error;
      context.warn(`inspectImage: ${failure.code}: ${failure.message}`);
      return failure;
    }
  };
}
