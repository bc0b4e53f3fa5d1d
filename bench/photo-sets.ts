/**
 * The photo sets the benchmarks use.
 * - `camera`: real camera JPEGs of 2 to 5 megapixels (2560×1600, 2560×1920, 1920×1200, with
 *   EXIF). By default the nature photos of Debian's `mate-backgrounds` package (GPL-2.0-or-later,
 *   authors in its copyright file; read from where the package installs them, never copied into
 *   this repository): `apt-get install mate-backgrounds`. `BENCH_PHOTO_DIR` points elsewhere.
 * - `synthetic`: generated here, reproducibly: about 3000×2000 gradients plus grain.
 * - `small`: generated, 480×320 with grain, for the soak.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export const DEFAULT_CAMERA_DIR = '/usr/share/backgrounds/mate/nature';

export interface PhotoSet {
  name: string;
  describe: string;
  photos: Buffer[];
}

/** Camera JPEGs of 2–5 MP from a folder, repeated to `count`; undefined when there are none. */
export async function cameraPhotos(count: number): Promise<PhotoSet | undefined> {
  const dir = process.env.BENCH_PHOTO_DIR ?? DEFAULT_CAMERA_DIR;
  if (!existsSync(dir)) return undefined;
  const found: Buffer[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!/\.jpe?g$/i.test(file)) continue;
    const bytes = readFileSync(path.join(dir, file));
    const { width = 0, height = 0 } = await sharp(bytes).metadata();
    if (width * height >= 2_000_000 && width * height <= 5_500_000) found.push(bytes);
  }
  if (found.length === 0) return undefined;
  const photos = Array.from({ length: count }, (_, i) => found[i % found.length]!);
  const mb = found.reduce((sum, b) => sum + b.length, 0) / found.length / 1e6;
  return {
    name: 'camera',
    describe: `${found.length} camera JPEGs of 2–5 MP from ${dir} (mean ${mb.toFixed(2)} MB), ${count} uploads`,
    photos,
  };
}

/** Gradients plus grain, so that JPEG and WebP do real work. */
async function gradientPhoto(i: number, width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let seed = i * 7919 + 1;
  for (let p = 0; p < width * height; p++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const x = p % width;
    const y = Math.floor(p / width);
    const grain = (seed >> 16) % 24;
    raw[p * 3] = (x * 255) / width + grain;
    raw[p * 3 + 1] = (y * 255) / height + grain;
    raw[p * 3 + 2] = ((x + y + i * 40) % 255) + grain;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toBuffer();
}

export async function syntheticPhotos(count: number): Promise<PhotoSet> {
  // A few distinct photos, repeated: generating them is slow, processing them is what counts.
  const distinct = await Promise.all(
    Array.from({ length: Math.min(count, 4) }, (_, i) => gradientPhoto(i, 3000 + i * 100, 2000)),
  );
  return {
    name: 'synthetic',
    describe: `${distinct.length} generated JPEGs of about 3000×2000, ${count} uploads`,
    photos: Array.from({ length: count }, (_, i) => distinct[i % distinct.length]!),
  };
}

export async function smallPhotos(count: number): Promise<Buffer[]> {
  const distinct = await Promise.all(
    Array.from({ length: Math.min(count, 8) }, (_, i) => gradientPhoto(i, 480, 320)),
  );
  return Array.from({ length: count }, (_, i) => distinct[i % distinct.length]!);
}

/**
 * The same JPEG with a comment segment (COM, right after SOI) naming one upload: the same pixels
 * and the same decoding work, but different bytes, so the pipeline's reuse of identical uploads
 * (by content hash) never turns a benchmark upload into a copy.
 */
export function uniqueUpload(jpeg: Buffer, label: string): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('uniqueUpload: not a JPEG');
  const text = Buffer.from(label, 'utf8');
  const marker = Buffer.from([0xff, 0xfe, 0, 0]);
  marker.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), marker, text, jpeg.subarray(2)]);
}

/** Every photo made unique for one round of uploads (see uniqueUpload). */
export function uniqueUploads(photos: Buffer[], round: string): Buffer[] {
  const run = randomUUID();
  return photos.map((photo, i) => uniqueUpload(photo, `${run} ${round} ${i}`));
}
