/**
 * Makes an image acceptable to Azure AI Vision before it is sent: the service takes JPEG, PNG,
 * GIF, BMP, WebP, ICO, TIFF and MPO files under 20 MB with each side from 50 to 16,000 pixels.
 * Large images are scaled down (never up) to a long edge that keeps captions and crops just as
 * good while the upload stays small; images the service would misread (EXIF-rotated ones) or
 * refuse (AVIF, say) are re-encoded as upright JPEG. The scale is returned so that coordinates in
 * the answer can be mapped back to the original image's pixels.
 */
import sharp, { type Metadata } from 'sharp';
import { sharpOptions, toImageError } from './sharp-image-processor';

/** The service's limits. "20 MB" is read as 20,000,000 bytes, the stricter of its two readings. */
export const VISION_LIMITS = { maxBytes: 20_000_000, minSide: 50, maxSide: 16_000 } as const;

/** Formats sharp can name that the service accepts as they are. */
const SENT_AS_IS: ReadonlySet<string> = new Set(['jpeg', 'png', 'gif', 'webp', 'tiff']);

/** JPEG qualities tried in turn until the file fits under the byte limit. */
const JPEG_QUALITIES = [85, 70, 50] as const;

export interface PreparedImage {
  readonly kind: 'prepared';
  readonly body: Buffer;
  /** Size of the image as the service sees it. */
  readonly width: number;
  readonly height: number;
  /** Size of the original, upright (EXIF orientation applied). */
  readonly originalWidth: number;
  readonly originalHeight: number;
}

/** The image cannot meet the service's limits; sending it would only earn a 400. */
export interface UnsendableImage {
  readonly kind: 'unsendable';
  readonly message: string;
}

export interface PrepareOptions {
  /** Longest side sent to the service. */
  readonly maxLongEdge: number;
  /** Decode cap (width × height). */
  readonly maxInputPixels: number;
}

/** Throws AppError CORRUPT_IMAGE (or IMAGE_TOO_LARGE) when the image cannot be decoded. */
export async function prepareForVision(
  image: Buffer,
  options: PrepareOptions,
): Promise<PreparedImage | UnsendableImage> {
  let metadata: Metadata;
  try {
    metadata = await sharp(image, sharpOptions(options.maxInputPixels)).metadata();
  } catch (error) {
    throw toImageError(error, options.maxInputPixels);
  }
  const width = metadata.autoOrient.width;
  const height = metadata.autoOrient.height;
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  if (short < VISION_LIMITS.minSide) {
    return {
      kind: 'unsendable',
      message: `The image is ${width}x${height} pixels; Azure AI Vision needs at least ${VISION_LIMITS.minSide} pixels on each side`,
    };
  }
  // Scale the long edge down to the bound, but never the short edge below the service's minimum.
  const scale = Math.min(1, Math.max(options.maxLongEdge / long, VISION_LIMITS.minSide / short));
  if (long * scale > VISION_LIMITS.maxSide) {
    return {
      kind: 'unsendable',
      message: `The image is ${width}x${height} pixels; Azure AI Vision cannot take a side over ${VISION_LIMITS.maxSide} pixels at this aspect ratio`,
    };
  }
  const upright = (metadata.orientation ?? 1) <= 1;
  if (
    scale === 1 &&
    upright &&
    SENT_AS_IS.has(metadata.format) &&
    image.length < VISION_LIMITS.maxBytes
  ) {
    return {
      kind: 'prepared',
      body: image,
      width,
      height,
      originalWidth: width,
      originalHeight: height,
    };
  }
  const target = {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
  try {
    for (const quality of JPEG_QUALITIES) {
      const { data, info } = await sharp(image, sharpOptions(options.maxInputPixels))
        .rotate()
        .resize({ ...target, fit: 'fill' })
        // JPEG has no alpha: transparent areas read as white, as on a light page.
        .flatten({ background: '#ffffff' })
        .jpeg({ quality })
        .toBuffer({ resolveWithObject: true });
      if (data.length < VISION_LIMITS.maxBytes) {
        return {
          kind: 'prepared',
          body: data,
          width: info.width,
          height: info.height,
          originalWidth: width,
          originalHeight: height,
        };
      }
    }
  } catch (error) {
    throw toImageError(error, options.maxInputPixels);
  }
  return {
    kind: 'unsendable',
    message: `The image does not fit under ${VISION_LIMITS.maxBytes} bytes even as a JPEG of ${target.width}x${target.height} pixels`,
  };
}
