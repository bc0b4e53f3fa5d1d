/**
 * Client-supplied file names are kept for display only. They never become blob names or paths,
 * but they are echoed in JSON and stored as blob metadata, so they are reduced to a bounded,
 * printable base name.
 */

const MAX_LENGTH = 200;

export function sanitizeFilename(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const base = raw.split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .replace(/[\p{Cc}\p{Cf}"]/gu, '')
    .trim()
    .slice(0, MAX_LENGTH);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? null : cleaned;
}

/** Blob metadata travels as HTTP headers, which are ASCII; percent-encoding keeps any name. */
export function encodeMetadataValue(value: string): string {
  return encodeURIComponent(value);
}

export function decodeMetadataValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
