/**
 * Words for an image from plain facts about its pixels: the caption and tags the emulator
 * answers. A stand-in for the service's models that is cheap, needs no network and gives the same
 * words for the same bytes, while still telling a wide blue image from a tall dark one.
 */
import type { DetectedTag } from './contract';

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export interface PixelFacts {
  width: number;
  height: number;
  /** The most frequent colour (sharp's histogram). */
  dominant: Rgb;
  /** Share of pixels close to the dominant colour, 0..1. */
  dominantShare: number;
  /** Mean HSL lightness and saturation, 0..1. */
  meanLightness: number;
  meanSaturation: number;
  /** Shannon entropy of the greyscale histogram in bits (0..8), sharp's measure of detail. */
  entropy: number;
  hasAlpha: boolean;
}

const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;
const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

export function toHsl({ r, g, b }: Rgb): { h: number; s: number; l: number } {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255];
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0, l };
  const s = d / (1 - Math.abs(2 * l - 1));
  let h: number;
  if (max === rn) h = ((gn - bn) / d) % 6;
  else if (max === gn) h = (bn - rn) / d + 2;
  else h = (rn - gn) / d + 4;
  return { h: (h * 60 + 360) % 360, s, l };
}

/** A basic colour name a person would use for the colour. */
export function colourName(colour: Rgb): string {
  const { h, s, l } = toHsl(colour);
  if (l < 0.12) return 'black';
  if (l > 0.9) return 'white';
  if (s < 0.15) return 'grey';
  if ((h < 45 || h >= 345) && l < 0.32) return 'brown';
  if (h < 15 || h >= 345) return 'red';
  if (h < 45) return 'orange';
  if (h < 70) return 'yellow';
  if (h < 165) return 'green';
  if (h < 195) return 'teal';
  if (h < 255) return 'blue';
  if (h < 290) return 'purple';
  return 'pink';
}

export function shapeOf(width: number, height: number): 'panorama' | 'wide' | 'square' | 'tall' {
  const ratio = width / height;
  if (ratio >= 2) return 'panorama';
  if (ratio >= 1.2) return 'wide';
  if (ratio > 1 / 1.2) return 'square';
  return 'tall';
}

export function caption(facts: PixelFacts): { text: string; confidence: number } {
  const colour = colourName(facts.dominant);
  const shape = shapeOf(facts.width, facts.height);
  const article = shape === 'panorama' ? 'a panoramic' : `a ${shape}`;
  const text =
    facts.dominantShare >= 0.5
      ? `${article} mostly ${colour} image`
      : facts.dominantShare >= 0.2
        ? `${article} partly ${colour} image`
        : `${article} multicoloured image with ${colour} tones`;
  // A uniform image is easy to describe; a busy one is where such a caption is least sure.
  const confidence = round4(0.35 + 0.6 * clamp01(facts.dominantShare) * (1 - facts.entropy / 16));
  return { text, confidence };
}

export function tags(facts: PixelFacts): DetectedTag[] {
  const found: DetectedTag[] = [];
  const add = (name: string, confidence: number): void => {
    found.push({ name, confidence: round4(clamp01(confidence)) });
  };
  add(colourName(facts.dominant), 0.5 + 0.5 * facts.dominantShare);
  const shape = shapeOf(facts.width, facts.height);
  add(shape === 'tall' ? 'portrait' : shape === 'wide' ? 'landscape' : shape, 0.99);
  if (facts.meanLightness < 0.3) add('dark', 0.6 + (0.3 - facts.meanLightness));
  if (facts.meanLightness > 0.7) add('bright', 0.6 + (facts.meanLightness - 0.7));
  if (facts.meanSaturation < 0.08) add('monochrome', 0.9 - facts.meanSaturation);
  else if (facts.meanSaturation > 0.35) add('colorful', 0.5 + facts.meanSaturation / 2);
  if (facts.entropy < 1.5) add('plain', 0.95 - facts.entropy / 10);
  else if (facts.entropy > 6) add('detailed', 0.5 + (facts.entropy - 6) / 4);
  if (facts.hasAlpha) add('transparent', 0.8);
  return found.sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
}

/** For formats whose pixels the emulator cannot read (BMP, ICO): only the shape is known. */
export function captionFromShape(
  width: number,
  height: number,
): { text: string; confidence: number } {
  const shape = shapeOf(width, height);
  return { text: shape === 'panorama' ? 'a panoramic image' : `a ${shape} image`, confidence: 0.2 };
}

export function tagsFromShape(width: number, height: number): DetectedTag[] {
  const shape = shapeOf(width, height);
  return [
    {
      name: shape === 'tall' ? 'portrait' : shape === 'wide' ? 'landscape' : shape,
      confidence: 0.99,
    },
  ];
}
