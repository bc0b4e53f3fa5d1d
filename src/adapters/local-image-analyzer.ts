/**
 * The `local` analyzer: everything computed on this machine, no network. Colours, blurhash and
 * pHash come from small copies made by sharp; text comes from OCR on a greyscale copy.
 *
 * The image is decoded once into an oriented working copy (at most OCR_MAX_SIDE per side); every
 * other copy is derived from those raw pixels, which is far cheaper than decoding the original
 * four times.
 */
import { encode as encodeBlurhash } from 'blurhash';
import sharp from 'sharp';
import { AppError } from '../domain/errors';
import { pixelsFromRaw, quantizePalette, toHex } from '../domain/palette';
import { PHASH_INPUT_SIZE, phash } from '../domain/phash';
import type { Analysis } from '../domain/record';
import type { ImageAnalyzer, TextRecognizer } from '../ports/image-analyzer';
import { sharpOptions, toImageError } from './sharp-image-processor';

/** Enough resolution for body text in photos and screenshots, small enough to OCR in ~1 s. */
const OCR_MAX_SIDE = 1600;
const PALETTE_SIDE = 64;
const BLURHASH_SIDE = 32;
const PALETTE_SIZE = 5;

interface Working {
  data: Buffer;
  width: number;
  height: number;
}

function blurhashComponents(width: number, height: number): { x: number; y: number } {
  // More components along the longer side keeps the placeholder's shape recognisable.
  return width >= height ? { x: 4, y: 3 } : { x: 3, y: 4 };
}

export function createLocalImageAnalyzer(deps: { ocr: TextRecognizer }): ImageAnalyzer {
  return {
    provider: 'local',

    async analyze(data: Buffer, { maxInputPixels }): Promise<Analysis> {
      const options = sharpOptions(maxInputPixels);
      let working: Working;
      try {
        const { data: raw, info } = await sharp(data, options)
          .rotate()
          .resize({
            width: OCR_MAX_SIDE,
            height: OCR_MAX_SIDE,
            fit: 'inside',
            withoutEnlargement: true,
          })
          // Transparent areas read as white, as a viewer on a light page shows them.
          .flatten({ background: '#ffffff' })
          .toColourspace('srgb')
          .raw()
          .toBuffer({ resolveWithObject: true });
        working = { data: raw, width: info.width, height: info.height };
      } catch (error) {
        throw toImageError(error, maxInputPixels);
      }
      const copy = () =>
        sharp(working.data, {
          ...options,
          raw: { width: working.width, height: working.height, channels: 3 },
        });

      const [dominant, palette, blur, hash, ocrImage] = await Promise.all([
        copy().stats(),
        copy()
          .resize({ width: PALETTE_SIDE, height: PALETTE_SIDE, fit: 'inside' })
          .raw()
          .toBuffer({ resolveWithObject: true }),
        copy()
          .resize({ width: BLURHASH_SIDE, height: BLURHASH_SIDE, fit: 'inside' })
          .ensureAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true }),
        copy()
          .resize({ width: PHASH_INPUT_SIZE, height: PHASH_INPUT_SIZE, fit: 'fill' })
          .greyscale()
          .raw()
          .toBuffer(),
        copy().greyscale().png({ compressionLevel: 1 }).toBuffer(),
      ]);

      if (hash.length !== PHASH_INPUT_SIZE * PHASH_INPUT_SIZE) {
        throw new AppError('INTERNAL', `Unexpected greyscale copy of ${hash.length} bytes`);
      }
      const colors = [
        ...new Set([
          toHex(dominant.dominant),
          ...quantizePalette(pixelsFromRaw(palette.data, palette.info.channels), PALETTE_SIZE),
        ]),
      ].slice(0, PALETTE_SIZE);
      const components = blurhashComponents(blur.info.width, blur.info.height);
      const blurhash = encodeBlurhash(
        new Uint8ClampedArray(blur.data),
        blur.info.width,
        blur.info.height,
        components.x,
        components.y,
      );
      const text = await deps.ocr.recognize(ocrImage);

      return {
        status: 'Completed',
        provider: 'local',
        text,
        colors,
        blurhash,
        phash: phash(hash),
      };
    },
  };
}
