/** Shared helpers of the Vision emulator and adapter tests: a controllable clock, images, calls. */
import sharp from 'sharp';
import type { ImageAnalysisResult } from '../../../devhost/vision/contract';
import type { ServiceError } from '../../../devhost/vision/service-errors';
import {
  startVisionEmulator,
  type RunningVisionEmulator,
  type VisionEmulatorOptions,
} from '../../../devhost/vision/server';

/** A clock the test moves by hand: quota windows and outages then need no waiting. */
export function manualClock(start = Date.UTC(2025, 0, 1, 12, 0, 0)): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

export async function emulator(
  options: VisionEmulatorOptions = {},
): Promise<RunningVisionEmulator> {
  return startVisionEmulator({ port: 0, ...options });
}

export const FULL_QUERY =
  'api-version=2024-02-01&features=caption,tags,read,smartCrops&smartcrops-aspect-ratios=1,0.75&language=en&gender-neutral-caption=true';

export interface CallOptions {
  key?: string | null;
  bearer?: string;
  query?: string;
  contentType?: string;
  path?: string;
}

/** A result or an error body: whichever the status says. */
export type AnswerBody = Partial<ImageAnalysisResult> & Partial<ServiceError['body']>;

/** One raw call to an emulated endpoint, as any HTTP client would make it. */
export async function analyze(
  endpointUrl: string,
  body: Buffer | string,
  options: CallOptions = {},
): Promise<{ status: number; headers: Headers; json: AnswerBody }> {
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/octet-stream',
  };
  if (options.key !== null) headers['ocp-apim-subscription-key'] = options.key ?? '';
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  const path = options.path ?? '/computervision/imageanalysis:analyze';
  const response = await fetch(`${endpointUrl}${path}?${options.query ?? FULL_QUERY}`, {
    method: 'POST',
    headers,
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text === '' ? {} : JSON.parse(text)) as AnswerBody,
  };
}

/** A flat image of one colour. */
export function solid(
  width: number,
  height: number,
  background: { r: number; g: number; b: number },
  format: 'png' | 'jpeg' | 'avif' | 'webp' = 'png',
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background } })
    .toFormat(format)
    .toBuffer();
}

/** A dark image with one bright red square: the part a smart crop should keep. */
export async function darkWithRedSquare(
  width: number,
  height: number,
  square: { left: number; top: number; size: number },
  format: 'png' | 'jpeg' = 'png',
): Promise<Buffer> {
  const red = await solid(square.size, square.size, { r: 240, g: 20, b: 20 });
  return sharp({ create: { width, height, channels: 3, background: { r: 15, g: 15, b: 20 } } })
    .composite([{ input: red, left: square.left, top: square.top }])
    .toFormat(format)
    .toBuffer();
}

/** A minimal uncompressed 24-bit BMP: a format the service accepts and sharp cannot read. */
export function bmp(width: number, height: number): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const pixels = rowBytes * height;
  const file = Buffer.alloc(54 + pixels, 0x80);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(54 + pixels, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(pixels, 34);
  return file;
}
