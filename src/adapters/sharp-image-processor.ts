/**
 * ImageProcessor over sharp (libvips).
 *
 * Every sharp instance gets `limitInputPixels` so libvips itself refuses oversized input even if a
 * caller forgot the header check, and `failOn: 'error'` so truncated or broken pixel data aborts
 * instead of producing a half-grey variant. Warnings (common in camera JPEGs) are tolerated.
 */
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { AppError } from '../domain/errors';
import type { VariantFormat, VariantSpec } from '../domain/pipeline/variants';
import type { ImageHeader, ImageProcessor, RenderedImage } from '../ports/image-processor';

export function sharpOptions(maxInputPixels: number): SharpOptions {
  return { limitInputPixels: maxInputPixels, failOn: 'error' };
}

/** sharp throws plain Errors; the pixel-limit one is recognisable by its message. */
export function toImageError(error: unknown, maxInputPixels: number): AppError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new AppError(
      'IMAGE_TOO_LARGE',
      `The image has more than ${maxInputPixels} pixels, the configured maximum`,
      { cause: error },
    );
  }
  return new AppError('CORRUPT_IMAGE', `The image data cannot be decoded: ${message}`, {
    cause: error,
  });
}

function encode(pipeline: Sharp, format: VariantFormat): Sharp {
  switch (format) {
    case 'webp':
      return pipeline.webp({ quality: 80, effort: 4 });
    case 'jpeg':
      // JPEG has no alpha: composite onto white rather than letting transparent areas go black.
      return pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 82, mozjpeg: true });
    case 'avif':
      return pipeline.avif({ quality: 50, effort: 4 });
  }
}

export function createSharpImageProcessor(): ImageProcessor {
  // libvips' operation cache pays off when the same operations run on the same input again; here
  // every image is new, so it only grows the worker's memory (to 50 MB by default).
  sharp.cache(false);
  return {
    async readHeader(data: Buffer, maxInputPixels: number): Promise<ImageHeader> {
      try {
        const metadata = await sharp(data, sharpOptions(maxInputPixels)).metadata();
        if (!metadata.width || !metadata.height) {
          throw new Error('The header declares no dimensions');
        }
        // Double-check even though sharp enforces the limit: the contract must not depend on it.
        if (metadata.width * metadata.height > maxInputPixels) {
          throw new Error('Input image exceeds pixel limit');
        }
        return {
          decoder: metadata.format,
          width: metadata.width,
          height: metadata.height,
          orientedWidth: metadata.autoOrient.width,
          orientedHeight: metadata.autoOrient.height,
          ...(metadata.exif === undefined ? {} : { exif: metadata.exif }),
        };
      } catch (error) {
        throw toImageError(error, maxInputPixels);
      }
    },

    async render(data: Buffer, spec: VariantSpec, maxInputPixels: number): Promise<RenderedImage> {
      try {
        // rotate() applies the EXIF orientation; no withMetadata(), so EXIF/GPS/XMP are dropped.
        const pipeline = sharp(data, sharpOptions(maxInputPixels)).rotate().resize({
          width: spec.maxWidth,
          height: spec.maxHeight,
          fit: 'inside',
          withoutEnlargement: true,
        });
        const { data: output, info } = await encode(pipeline, spec.format).toBuffer({
          resolveWithObject: true,
        });
        return { data: output, width: info.width, height: info.height, format: spec.format };
      } catch (error) {
        throw toImageError(error, maxInputPixels);
      }
    },
  };
}
