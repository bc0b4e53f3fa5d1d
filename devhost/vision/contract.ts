/**
 * The parts of the Azure AI Vision Image Analysis 4.0 REST contract the emulator speaks: the
 * route, the API versions, the visual features, the service's input limits and the JSON shapes of
 * a result. Kept in one place so the emulator's answers can be checked against the service's
 * documentation line by line.
 */

/** `POST {endpoint}/computervision/imageanalysis:analyze?api-version=...&features=...` */
export const ANALYZE_PATH = '/computervision/imageanalysis:analyze';

/** The GA versions of Image Analysis 4.0 that carry the analyze operation. */
export const API_VERSIONS: readonly string[] = ['2023-10-01', '2024-02-01'];

/** What `modelVersion` reports; the GA model of Image Analysis 4.0. */
export const MODEL_VERSION = '2023-10-01';

/** Query parameter values as the service spells them (it matches them case-insensitively). */
export const VISUAL_FEATURES = [
  'caption',
  'denseCaptions',
  'objects',
  'people',
  'read',
  'smartCrops',
  'tags',
] as const;
export type VisualFeature = (typeof VISUAL_FEATURES)[number];

/** Input limits of the service: under 20 MB, each side from 50 to 16,000 pixels. */
export const LIMITS = {
  maxBytes: 20 * 1024 * 1024,
  minSide: 50,
  maxSide: 16_000,
  /** Requested smart-crop aspect ratios must lie in this range (inclusive). */
  minAspectRatio: 0.75,
  maxAspectRatio: 1.8,
  /** Without requested ratios the service picks one in this range. */
  minDefaultAspectRatio: 0.5,
  maxDefaultAspectRatio: 2.0,
} as const;

/** Formats the service accepts. MPO files are JPEG files and are sniffed as `jpeg`. */
export const ACCEPTED_FORMATS = ['jpeg', 'png', 'gif', 'bmp', 'webp', 'ico', 'tiff'] as const;
export type AcceptedFormat = (typeof ACCEPTED_FORMATS)[number];

export interface BoundingBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface DetectedTag {
  name: string;
  confidence: number;
}

export interface TextLine {
  text: string;
  boundingPolygon: Point[];
  words: { text: string; boundingPolygon: Point[]; confidence: number }[];
}

/** `ImageAnalysisResult`: only the sections of the requested features are present. */
export interface ImageAnalysisResult {
  captionResult?: { text: string; confidence: number };
  denseCaptionsResult?: {
    values: { text: string; confidence: number; boundingBox: BoundingBox }[];
  };
  objectsResult?: { values: { boundingBox: BoundingBox; tags: DetectedTag[] }[] };
  peopleResult?: { values: { boundingBox: BoundingBox; confidence: number }[] };
  readResult?: { blocks: { lines: TextLine[] }[] };
  smartCropsResult?: { values: { aspectRatio: number; boundingBox: BoundingBox }[] };
  tagsResult?: { values: DetectedTag[] };
  modelVersion: string;
  metadata: { width: number; height: number };
}
