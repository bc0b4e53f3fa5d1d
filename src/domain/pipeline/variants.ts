/**
 * Variant specifications and sizing.
 *
 * Variants are named boxes; an image is scaled to fit inside its box keeping the aspect ratio and
 * is never enlarged. Blob names are deterministic so a retried resize overwrites its own output.
 */

export const VARIANT_NAMES = ['thumb', 'medium', 'large'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];

export const VARIANT_FORMATS = ['webp', 'jpeg', 'avif'] as const;
export type VariantFormat = (typeof VARIANT_FORMATS)[number];

export interface VariantSpec {
  readonly name: VariantName;
  readonly maxWidth: number;
  readonly maxHeight: number;
  readonly format: VariantFormat;
}

const BOXES: Record<VariantName, number> = { thumb: 150, medium: 640, large: 1280 };

export function isVariantName(value: unknown): value is VariantName {
  return typeof value === 'string' && (VARIANT_NAMES as readonly string[]).includes(value);
}

export function isVariantFormat(value: unknown): value is VariantFormat {
  return typeof value === 'string' && (VARIANT_FORMATS as readonly string[]).includes(value);
}

/** The default variants, all in one output format. */
export function variantSpecs(format: VariantFormat): VariantSpec[] {
  return VARIANT_NAMES.map((name) => ({
    name,
    maxWidth: BOXES[name],
    maxHeight: BOXES[name],
    format,
  }));
}

export function variantContentType(format: VariantFormat): string {
  return `image/${format}`;
}

export function variantExtension(format: VariantFormat): string {
  return format === 'jpeg' ? 'jpg' : format;
}

/** `{id}/{name}.{ext}` in the variants container. */
export function variantBlobName(imageId: string, name: VariantName, format: VariantFormat): string {
  return `${imageId}/${name}.${variantExtension(format)}`;
}

/** The public URL path that serves a variant's bytes. */
export function variantUrl(imageId: string, name: VariantName): string {
  return `/api/images/${encodeURIComponent(imageId)}/variants/${name}`;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/**
 * The size of `source` scaled to fit inside `box` (`fit: inside`, without enlargement), rounded the
 * way libvips rounds, never below one pixel.
 */
export function fitInside(source: Size, box: Size): Size {
  if (source.width <= 0 || source.height <= 0) {
    throw new RangeError('Source dimensions must be positive');
  }
  if (source.width <= box.width && source.height <= box.height) {
    return { width: source.width, height: source.height };
  }
  const scale = Math.min(box.width / source.width, box.height / source.height);
  return {
    width: Math.max(1, Math.round(source.width * scale)),
    height: Math.max(1, Math.round(source.height * scale)),
  };
}
