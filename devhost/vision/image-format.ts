/**
 * Which image format a body holds, decided from its first bytes as the service does (never from
 * Content-Type), plus the header dimensions of BMP and ICO files, which sharp cannot decode but
 * the service accepts.
 */
import type { AcceptedFormat } from './contract';

export type SniffedFormat = AcceptedFormat | 'avif' | 'heif' | 'unknown';

function startsWith(data: Buffer, bytes: readonly number[], offset = 0): boolean {
  return bytes.every((byte, i) => data[offset + i] === byte);
}

export function sniffFormat(data: Buffer): SniffedFormat {
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (
    data
      .subarray(0, 6)
      .toString('latin1')
      .match(/^GIF8[79]a$/)
  )
    return 'gif';
  if (
    data.subarray(0, 4).toString('latin1') === 'RIFF' &&
    data.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'webp';
  if (startsWith(data, [0x49, 0x49, 0x2a, 0x00]) || startsWith(data, [0x4d, 0x4d, 0x00, 0x2a]))
    return 'tiff';
  if (startsWith(data, [0x42, 0x4d]) && data.length >= 26) return 'bmp';
  if (startsWith(data, [0x00, 0x00, 0x01, 0x00]) && data.length >= 22) return 'ico';
  if (data.subarray(4, 8).toString('latin1') === 'ftyp') {
    const brand = data.subarray(8, 12).toString('latin1');
    return brand === 'avif' || brand === 'avis' ? 'avif' : 'heif';
  }
  return 'unknown';
}

/** Dimensions from a BMP or ICO header (ICO: its first image; 0 means 256). */
export function headerDimensions(
  format: 'bmp' | 'ico',
  data: Buffer,
): { width: number; height: number } {
  if (format === 'bmp') {
    return { width: Math.abs(data.readInt32LE(18)), height: Math.abs(data.readInt32LE(22)) };
  }
  return { width: data[6] || 256, height: data[7] || 256 };
}
