/**
 * Image formats the pipeline accepts, decided from magic bytes only.
 *
 * Headers and file names are chosen by the client and prove nothing; the first bytes of the file
 * are what a decoder will actually see. Anything not on the allow-list (text, PDF, HTML, SVG,
 * HEIC, ...) is rejected before it reaches an image decoder.
 */

export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

interface FormatInfo {
  readonly contentType: string;
  readonly extension: string;
}

const FORMAT_INFO: Record<ImageFormat, FormatInfo> = {
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
  png: { contentType: 'image/png', extension: 'png' },
  webp: { contentType: 'image/webp', extension: 'webp' },
  gif: { contentType: 'image/gif', extension: 'gif' },
  avif: { contentType: 'image/avif', extension: 'avif' },
  tiff: { contentType: 'image/tiff', extension: 'tif' },
};

/** Bytes needed to recognise every format on the list (AVIF brands sit inside the ftyp box). */
export const SNIFF_BYTES = 64;

export function contentTypeOf(format: ImageFormat): string {
  return FORMAT_INFO[format].contentType;
}

export function extensionOf(format: ImageFormat): string {
  return FORMAT_INFO[format].extension;
}

/**
 * The allowed format a declared media type names (`image/png; charset=x` reads as `png`), or
 * undefined. Only the six content types above count: a declaration is a promise to check later,
 * not a fact, so it is matched strictly.
 */
export function formatOfContentType(mediaType: string): ImageFormat | undefined {
  const essence = (mediaType.split(';')[0] ?? '').trim().toLowerCase();
  return IMAGE_FORMATS.find((format) => FORMAT_INFO[format].contentType === essence);
}

export function isImageFormat(value: unknown): value is ImageFormat {
  return typeof value === 'string' && (IMAGE_FORMATS as readonly string[]).includes(value);
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((value, index) => bytes[offset + index] === value);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  if (bytes.length < end) return '';
  return String.fromCharCode(...bytes.subarray(start, end));
}

const AVIF_BRANDS = new Set(['avif', 'avis']);

/** ISO-BMFF: `size ftyp major minor compatible...`; AVIF says so in the major or a compatible brand. */
function isAvif(bytes: Uint8Array): boolean {
  if (ascii(bytes, 4, 8) !== 'ftyp') return false;
  if (AVIF_BRANDS.has(ascii(bytes, 8, 12))) return true;
  const boxSize =
    ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const end = Math.min(boxSize >>> 0, bytes.length);
  for (let offset = 16; offset + 4 <= end; offset += 4) {
    if (AVIF_BRANDS.has(ascii(bytes, offset, offset + 4))) return true;
  }
  return false;
}

/** The format the bytes declare, or undefined when they are not an allowed image. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return 'tiff';
  }
  if (isAvif(bytes)) return 'avif';
  return undefined;
}

/**
 * Whether the decoder sharp picked agrees with the sniffed format. libvips reports AVIF as
 * `heif`; a disagreement means the file is a polyglot or mislabelled and is not trusted.
 */
export function decoderMatches(format: ImageFormat, decoder: string): boolean {
  return format === 'avif' ? decoder === 'heif' || decoder === 'avif' : decoder === format;
}
