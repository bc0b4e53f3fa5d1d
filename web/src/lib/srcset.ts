/**
 * Responsive image attributes for an image's variants: a `srcset` with width descriptors (the
 * browser picks by layout width and pixel density) and the largest variant that fits a width as
 * the plain `src`. Pure: no DOM.
 */
export interface VariantLike {
  name: string;
  width: number;
  height: number;
  url: string;
}

/** `url 150w, url 640w, ...`, narrowest first, each width once; `base` prefixes relative URLs. */
export function srcsetOf(variants: readonly VariantLike[], base = ''): string {
  const seen = new Set<number>();
  return [...variants]
    .filter((v) => v.width > 0 && v.url !== '')
    .sort((a, b) => a.width - b.width)
    .filter((v) => (seen.has(v.width) ? false : (seen.add(v.width), true)))
    .map((v) => `${absolute(v.url, base)} ${v.width}w`)
    .join(', ');
}

/** The smallest variant at least `width` wide, else the widest there is. */
export function fallbackVariant<T extends VariantLike>(
  variants: readonly T[],
  width: number,
): T | undefined {
  const sorted = [...variants].sort((a, b) => a.width - b.width);
  return sorted.find((v) => v.width >= width) ?? sorted[sorted.length - 1];
}

export function absolute(url: string, base: string): string {
  if (/^https?:\/\//.test(url) || base === '') return url;
  return `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}

/** Alt text from what the analysis says, else the tags, else the file name. */
export function altText(record: {
  analysis?: { caption?: unknown; tags?: unknown } | null;
  source?: { filename?: unknown } | null;
}): string {
  const caption = record.analysis?.caption;
  if (typeof caption === 'string' && caption.trim() !== '') return caption.trim();
  const tags = record.analysis?.tags;
  if (Array.isArray(tags)) {
    const names = tags
      .map((t: unknown) =>
        typeof t === 'object' && t !== null ? (t as { name?: unknown }).name : t,
      )
      .filter((n): n is string => typeof n === 'string')
      .slice(0, 5);
    if (names.length > 0) return `Image tagged ${names.join(', ')}`;
  }
  const filename = record.source?.filename;
  return typeof filename === 'string' && filename !== '' ? filename : 'Uploaded image';
}
