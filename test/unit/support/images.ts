/** Test images made on the fly with sharp, so the suite needs no binary fixtures. */
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';

export async function solidJpeg(
  width: number,
  height: number,
  options: { orientation?: number; gps?: boolean; camera?: boolean } = {},
): Promise<Buffer> {
  let pipeline = sharp({
    create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } },
  });
  if (options.gps === true || options.camera === true) {
    pipeline = pipeline.withExif({
      IFD0: { Make: 'Acme', Model: 'Falcon 9' },
      IFD2: { DateTimeOriginal: '2024:05:06 07:08:09', ExposureTime: '1/125', FNumber: '28/10' },
      ...(options.gps === true
        ? { IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } }
        : {}),
    });
  }
  if (options.orientation !== undefined) {
    pipeline = pipeline.withMetadata({ orientation: options.orientation });
  }
  return pipeline.jpeg({ quality: 80 }).toBuffer();
}

/** A left half red, right half blue image, useful to see rotation in the output. */
export async function twoToneJpeg(
  width: number,
  height: number,
  orientation?: number,
): Promise<Buffer> {
  const half = Math.floor(width / 2);
  const left = await sharp({
    create: { width: half, height, channels: 3, background: { r: 255, g: 0, b: 0 } },
  })
    .png()
    .toBuffer();
  let pipeline = sharp({
    create: { width, height, channels: 3, background: { r: 0, g: 0, b: 255 } },
  }).composite([{ input: left, left: 0, top: 0 }]);
  if (orientation !== undefined) pipeline = pipeline.withMetadata({ orientation });
  return pipeline.jpeg().toBuffer();
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring `width`×`height` with a few bytes of pixel data. */
export function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Black text on white, rendered by libvips/pango. */
export async function textImage(text: string): Promise<Buffer> {
  const rendered = await sharp({ text: { text, dpi: 300, font: 'sans' } })
    .png()
    .toBuffer();
  return sharp(rendered)
    .extend({
      top: 40,
      bottom: 40,
      left: 40,
      right: 40,
      background: { r: 0, g: 0, b: 0, alpha: 0 },
    })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
}
