/**
 * The `local` analyzer: everything computed on this machine, no network. Colours, blurhash and
 * pHash come from small copies made by sharp; faces, COCO objects (and the tags and smart crops
 * drawn from them) and moderation scores from models shipped in npm packages (model-runtime.ts);
 * text from OCR, only when a cheap gate says the image may hold text, and only the words OCR is
 * sure of.
 *
 * The image is decoded once into an oriented working copy (at most WORKING_SIDE per side); every
 * other copy is derived from those raw pixels, which is far cheaper than decoding the original
 * again. Boxes are mapped back to the upright source's pixels.
 */
import { encode as encodeBlurhash } from 'blurhash';
import sharp from 'sharp';
import { analyzerVersionOf } from '../../domain/analysis/analyzer-versions';
import { AppError } from '../../domain/errors';
import { pixelsFromRaw, quantizePalette, toHex } from '../../domain/analysis/palette';
import { PHASH_INPUT_SIZE, phash } from '../../domain/analysis/phash';
import type {
  Analysis,
  BoundingBox,
  DetectedObject,
  DetectedRegion,
  Moderation,
} from '../../domain/record';
import type { ImageAnalyzer, TextRecognizer } from '../../ports/image-analyzer';
import { sharpOptions, toImageError } from '../sharp-image-processor';
import { confidentText } from './confident-text';
import { MODERATION_INPUT_SIDE, type ModelRuntime, type RawDetection } from './model-runtime';
import { smartCrops } from './smart-crops';
import { tagsFrom } from './tags-from-objects';
import { mayHoldText, TEXT_GATE_SIDE } from './text-gate';

/** OCR at 1280 px reads the same words as at 2560 px for a fraction of the time. */
const WORKING_SIDE = 1280;
/** Detector input: the face and object models resize to 256–512 px inside anyway. */
const DETECT_SIDE = 800;
const PALETTE_SIDE = 64;
const BLURHASH_SIDE = 32;
const PALETTE_SIZE = 5;
/** Below this the detectors have nothing to read. */
const MIN_MODEL_SIDE = 16;

export interface LocalAnalyzerSettings {
  /** Words below this tesseract confidence (0..100) are dropped. */
  readonly ocrMinConfidence: number;
  /** `moderation.flagged` when adult or racy reaches this (0..1). */
  readonly moderationThreshold: number;
  /** The aspect ratios of the smart crops to suggest (the thumbnail's is 1). */
  readonly smartCropAspectRatios: readonly number[];
}

export interface LocalAnalyzerDeps {
  ocr: TextRecognizer;
  /** The process's shared models, loaded on first use. */
  models: () => Promise<ModelRuntime>;
  settings: LocalAnalyzerSettings;
}

interface Working {
  data: Buffer;
  width: number;
  height: number;
}

function blurhashComponents(width: number, height: number): { x: number; y: number } {
  // More components along the longer side keeps the placeholder's shape recognisable.
  return width >= height ? { x: 4, y: 3 } : { x: 3, y: 4 };
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

function toSource(
  box: RawDetection['box'],
  scale: number,
  source: { width: number; height: number },
): BoundingBox {
  const [x, y, w, h] = box;
  const left = Math.min(source.width, Math.max(0, Math.round(x * scale)));
  const top = Math.min(source.height, Math.max(0, Math.round(y * scale)));
  return {
    x: left,
    y: top,
    width: Math.max(0, Math.min(source.width - left, Math.round(w * scale))),
    height: Math.max(0, Math.min(source.height - top, Math.round(h * scale))),
  };
}

export function moderationOf(scores: Record<string, number>, threshold: number): Moderation {
  const adult = round3((scores.porn ?? 0) + (scores.hentai ?? 0));
  const racy = round3(scores.sexy ?? 0);
  const rounded = Object.fromEntries(Object.entries(scores).map(([name, p]) => [name, round3(p)]));
  return {
    adult,
    racy,
    flagged: adult >= threshold || racy >= threshold,
    threshold,
    scores: rounded,
  };
}

export function createLocalImageAnalyzer(deps: LocalAnalyzerDeps): ImageAnalyzer {
  const { settings } = deps;
  return {
    provider: 'local',

    async analyze(data: Buffer, { maxInputPixels }): Promise<Analysis> {
      const options = sharpOptions(maxInputPixels);
      let working: Working;
      let source: { width: number; height: number };
      try {
        const meta = await sharp(data, options).metadata();
        const turned = (meta.orientation ?? 1) >= 5;
        source = {
          width: (turned ? meta.height : meta.width) ?? 0,
          height: (turned ? meta.width : meta.height) ?? 0,
        };
        const { data: raw, info } = await sharp(data, options)
          .rotate()
          .resize({
            width: WORKING_SIDE,
            height: WORKING_SIDE,
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
      if (source.width === 0 || source.height === 0)
        source = { width: working.width, height: working.height };
      const copy = () =>
        sharp(working.data, {
          ...options,
          raw: { width: working.width, height: working.height, channels: 3 },
        });
      const fit = (side: number) => ({
        width: side,
        height: side,
        fit: 'inside' as const,
        withoutEnlargement: true,
      });

      const [dominant, palette, blur, hash, gate, detectCopy, moderationCopy] = await Promise.all([
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
        copy().resize(fit(TEXT_GATE_SIDE)).greyscale().raw().toBuffer({ resolveWithObject: true }),
        copy().resize(fit(DETECT_SIDE)).raw().toBuffer({ resolveWithObject: true }),
        copy()
          .resize({ width: MODERATION_INPUT_SIDE, height: MODERATION_INPUT_SIDE, fit: 'fill' })
          .raw()
          .toBuffer(),
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

      const hasText = mayHoldText(new Uint8Array(gate.data), gate.info.width, gate.info.height);
      const text = hasText
        ? confidentText(
            await deps.ocr.recognize(
              await copy().greyscale().png({ compressionLevel: 1 }).toBuffer(),
            ),
            settings.ocrMinConfidence,
          )
        : '';

      if (detectCopy.info.width < MIN_MODEL_SIDE || detectCopy.info.height < MIN_MODEL_SIDE) {
        throw new AppError(
          'ANALYSIS_FAILED',
          `The image is ${source.width}×${source.height} pixels, too small for the analysis models`,
        );
      }
      const models = await deps.models();
      let found: Awaited<ReturnType<ModelRuntime['detect']>>;
      let scores: Record<string, number>;
      try {
        found = await models.detect(
          new Uint8Array(detectCopy.data),
          detectCopy.info.width,
          detectCopy.info.height,
        );
        scores = await models.moderate(new Uint8Array(moderationCopy));
      } catch (error) {
        // The models loaded (a load failure throws above and is retried); this image is the problem.
        throw new AppError(
          'ANALYSIS_FAILED',
          `The analysis models could not read the image: ${String(error)}`,
          {
            cause: error,
          },
        );
      }
      const scale = source.width / detectCopy.info.width;
      const faces: DetectedRegion[] = found.faces.map((face) => ({
        confidence: round3(face.score),
        box: toSource(face.box, scale, source),
      }));
      const objects: DetectedObject[] = found.objects.map((object) => ({
        name: object.label,
        confidence: round3(object.score),
        box: toSource(object.box, scale, source),
      }));
      const people = objects
        .filter((object) => object.name === 'person')
        .map(({ confidence, box }) => ({ confidence, box }));

      return {
        status: 'Completed',
        provider: 'local',
        providerVersion: analyzerVersionOf('local'),
        models: [...models.models, 'tesseract.js-eng'],
        tags: tagsFrom(objects, faces),
        objects,
        people,
        faces,
        moderation: moderationOf(scores, settings.moderationThreshold),
        smartCrops: smartCrops(
          source,
          [faces.map((face) => face.box), objects.map((object) => object.box)],
          settings.smartCropAspectRatios,
        ),
        text,
        colors,
        blurhash,
        phash: phash(hash),
      };
    },
  };
}
