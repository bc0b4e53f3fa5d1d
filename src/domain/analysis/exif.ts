/**
 * A small EXIF summary kept on the record.
 *
 * Location is personal data: GPS tags are never copied into the summary, and variants are written
 * without any metadata at all. Only a fixed allow-list of camera facts survives.
 */
import exifReader from 'exif-reader';

export interface ExifSummary {
  make?: string;
  model?: string;
  lensModel?: string;
  software?: string;
  takenAt?: string;
  orientation?: number;
  exposureTime?: number;
  fNumber?: number;
  iso?: number;
  focalLength?: number;
  flash?: boolean;
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Camera firmware pads fields with NULs and spaces.
  const cleaned = value.replace(/\p{Cc}/gu, '').trim();
  return cleaned === '' ? undefined : cleaned.slice(0, 100);
}

function num(value: unknown): number | undefined {
  const candidate = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof candidate === 'number' && Number.isFinite(candidate) ? candidate : undefined;
}

function date(value: unknown): string | undefined {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : undefined;
}

/** Parses a raw EXIF block; returns undefined when there is none or it cannot be read. */
export function summarizeExif(raw: Buffer | undefined): ExifSummary | undefined {
  if (raw === undefined || raw.length === 0) return undefined;
  let tags: ReturnType<typeof exifReader>;
  try {
    tags = exifReader(raw);
  } catch {
    // A broken EXIF block does not make the picture unusable; it just has no summary.
    return undefined;
  }
  const image = tags.Image ?? {};
  const photo = tags.Photo ?? {};
  const flash = num(photo.Flash);
  const summary: ExifSummary = {
    make: text(image.Make),
    model: text(image.Model),
    lensModel: text(photo.LensModel),
    software: text(image.Software),
    takenAt: date(photo.DateTimeOriginal) ?? date(image.DateTime),
    orientation: num(image.Orientation),
    exposureTime: num(photo.ExposureTime),
    fNumber: num(photo.FNumber),
    iso: num(photo.ISOSpeedRatings) ?? num(photo.PhotographicSensitivity),
    focalLength: num(photo.FocalLength),
    flash: flash === undefined ? undefined : (flash & 1) === 1,
  };
  const present = Object.entries(summary).filter(([, value]) => value !== undefined);
  return present.length === 0 ? undefined : Object.fromEntries(present);
}
