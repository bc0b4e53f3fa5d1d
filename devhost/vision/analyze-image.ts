/**
 * The emulator's analysis: checks a body against the service's input rules, then computes an
 * ImageAnalysisResult from the pixels with sharp. Everything is derived from the bytes alone, so
 * the same image always gets the same answer. Text reading (OCR) is not emulated: `readResult`
 * is always empty, which keeps every call cheap.
 */
import sharp from 'sharp';
import {
  LIMITS,
  MODEL_VERSION,
  type BoundingBox,
  type ImageAnalysisResult,
  type VisualFeature,
} from './contract';
import {
  caption,
  captionFromShape,
  tags,
  tagsFromShape,
  type PixelFacts,
  type Rgb,
} from './describe-image';
import { headerDimensions, sniffFormat, type SniffedFormat } from './image-format';
import { invalidRequest, type ServiceError } from './service-errors';

export interface AnalyzeRequest {
  features: ReadonlySet<VisualFeature>;
  /** Requested smart-crop ratios; empty: the emulator picks one, as the service does. */
  aspectRatios: readonly number[];
}

export interface ImageFacts {
  format: SniffedFormat;
  bytes: number;
  width: number;
  height: number;
  hasAlpha: boolean;
  /** False for BMP and ICO: accepted by the service, but sharp cannot read their pixels. */
  decodable: boolean;
}

/** Pixels are studied on a copy this size: plenty for colours and crops, cheap on two cores. */
const WORKING_SIDE = 512;
/** Pixels this close (RGB distance) to the dominant colour count as "that colour". */
const SAME_COLOUR_DISTANCE = 60;

const SHARP_INPUT = {
  failOn: 'error',
  limitInputPixels: LIMITS.maxSide * LIMITS.maxSide,
} as const;

const badFormat = (): ServiceError =>
  invalidRequest(
    'InvalidImageFormat',
    'Image format is not valid.',
    'Input data is not a valid image.',
  );

/**
 * The service's input rules for a body under the byte limit (the caller checks that while
 * reading): format and dimensions. Returns the facts or the 400 answer.
 */
export async function inspectBody(body: Buffer): Promise<ImageFacts | ServiceError> {
  if (body.length === 0) {
    return invalidRequest('InvalidImageSize', 'Image size is too small.', 'The body is empty.');
  }
  const format = sniffFormat(body);
  let facts: ImageFacts;
  if (format === 'bmp' || format === 'ico') {
    facts = {
      format,
      bytes: body.length,
      ...headerDimensions(format, body),
      hasAlpha: false,
      decodable: false,
    };
  } else if (format === 'unknown' || format === 'avif' || format === 'heif') {
    return badFormat();
  } else {
    try {
      const metadata = await sharp(body, SHARP_INPUT).metadata();
      facts = {
        format,
        bytes: body.length,
        width: metadata.width,
        height: metadata.height,
        hasAlpha: metadata.hasAlpha,
        decodable: true,
      };
    } catch {
      return badFormat();
    }
  }
  const { width, height } = facts;
  if (Math.min(width, height) < LIMITS.minSide || Math.max(width, height) > LIMITS.maxSide) {
    return invalidRequest(
      'InvalidImageSize',
      'Image dimensions are not supported.',
      `The image is ${width}x${height} pixels; each side must be from ${LIMITS.minSide} to ${LIMITS.maxSide} pixels.`,
    );
  }
  return facts;
}

interface Working {
  data: Buffer;
  width: number;
  height: number;
}

const raw = (working: Working) =>
  sharp(working.data, { raw: { width: working.width, height: working.height, channels: 3 } });

async function pixelFacts(working: Working, image: ImageFacts): Promise<PixelFacts> {
  const stats = await raw(working).stats();
  const dominant: Rgb = stats.dominant;
  let near = 0;
  let lightness = 0;
  let saturation = 0;
  const { data } = working;
  for (let i = 0; i + 2 < data.length; i += 3) {
    const r = data[i] ?? 0;
    const g = data[i + 1] ?? 0;
    const b = data[i + 2] ?? 0;
    const distance = Math.hypot(r - dominant.r, g - dominant.g, b - dominant.b);
    if (distance <= SAME_COLOUR_DISTANCE) near += 1;
    const max = Math.max(r, g, b) / 255;
    const min = Math.min(r, g, b) / 255;
    const l = (max + min) / 2;
    lightness += l;
    saturation += max === min ? 0 : (max - min) / (1 - Math.abs(2 * l - 1));
  }
  const pixels = working.width * working.height;
  const grey = await raw(working).greyscale().stats();
  return {
    width: image.width,
    height: image.height,
    dominant,
    dominantShare: near / pixels,
    meanLightness: lightness / pixels,
    meanSaturation: saturation / pixels,
    entropy: grey.entropy,
    hasAlpha: image.hasAlpha,
  };
}

/** The largest box of `ratio` that fits the image, placed where sharp's attention points. */
async function smartCrop(
  working: Working | undefined,
  image: ImageFacts,
  ratio: number,
): Promise<BoundingBox> {
  const { width, height } = image;
  const w = Math.min(width, Math.round(height * ratio));
  const h = Math.min(height, Math.round(width / ratio));
  let x = Math.round((width - w) / 2);
  let y = Math.round((height - h) / 2);
  if (working !== undefined) {
    const scale = working.width / width;
    const cropWidth = Math.max(1, Math.min(working.width, Math.round(w * scale)));
    const cropHeight = Math.max(1, Math.min(working.height, Math.round(h * scale)));
    const { info } = await raw(working)
      .resize(cropWidth, cropHeight, { fit: 'cover', position: sharp.strategy.attention })
      .toBuffer({ resolveWithObject: true });
    x = Math.round(Math.abs(info.cropOffsetLeft ?? 0) / scale);
    y = Math.round(Math.abs(info.cropOffsetTop ?? 0) / scale);
  }
  return { x: Math.min(x, width - w), y: Math.min(y, height - h), w, h };
}

function defaultRatio(image: ImageFacts): number {
  const ratio = image.width / image.height;
  const clamped = Math.min(
    LIMITS.maxDefaultAspectRatio,
    Math.max(LIMITS.minDefaultAspectRatio, ratio),
  );
  return Math.round(clamped * 100) / 100;
}

export async function analyzeImage(
  body: Buffer,
  image: ImageFacts,
  request: AnalyzeRequest,
): Promise<ImageAnalysisResult | ServiceError> {
  let working: Working | undefined;
  if (image.decodable) {
    try {
      const { data, info } = await sharp(body, SHARP_INPUT)
        .resize(WORKING_SIDE, WORKING_SIDE, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      working = { data, width: info.width, height: info.height };
    } catch {
      // The header was readable but the pixel data is not (a truncated file, say).
      return badFormat();
    }
  }
  const facts = working === undefined ? undefined : await pixelFacts(working, image);
  const whole: BoundingBox = { x: 0, y: 0, w: image.width, h: image.height };
  const wants = (feature: VisualFeature): boolean => request.features.has(feature);

  const result: ImageAnalysisResult = {
    modelVersion: MODEL_VERSION,
    metadata: { width: image.width, height: image.height },
  };
  const described = facts ? caption(facts) : captionFromShape(image.width, image.height);
  if (wants('caption')) result.captionResult = described;
  if (wants('denseCaptions')) {
    result.denseCaptionsResult = { values: [{ ...described, boundingBox: whole }] };
  }
  if (wants('objects')) result.objectsResult = { values: [] };
  if (wants('people')) result.peopleResult = { values: [] };
  if (wants('read')) result.readResult = { blocks: [] };
  if (wants('tags')) {
    result.tagsResult = { values: facts ? tags(facts) : tagsFromShape(image.width, image.height) };
  }
  if (wants('smartCrops')) {
    const ratios = request.aspectRatios.length > 0 ? request.aspectRatios : [defaultRatio(image)];
    const values = [];
    for (const aspectRatio of ratios) {
      values.push({ aspectRatio, boundingBox: await smartCrop(working, image, aspectRatio) });
    }
    result.smartCropsResult = { values };
  }
  return result;
}

export function isServiceError(value: unknown): value is ServiceError {
  return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}
