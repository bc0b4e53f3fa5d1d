/**
 * Dominant colours by median-cut quantisation over a small RGB copy of the image.
 *
 * Median cut splits the colour box with the widest channel range at its median until there are
 * `count` boxes; each box's mean is one palette colour. Sorting by population puts the colour
 * that covers most of the picture first.
 */

export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export function toHex({ r, g, b }: Rgb): string {
  const part = (value: number): string =>
    Math.max(0, Math.min(255, Math.round(value)))
      .toString(16)
      .padStart(2, '0');
  return `#${part(r)}${part(g)}${part(b)}`;
}

type Channel = 'r' | 'g' | 'b';

function widestChannel(pixels: readonly Rgb[]): { channel: Channel; range: number } {
  let best: { channel: Channel; range: number } = { channel: 'r', range: -1 };
  for (const channel of ['r', 'g', 'b'] as const) {
    let min = 255;
    let max = 0;
    for (const pixel of pixels) {
      min = Math.min(min, pixel[channel]);
      max = Math.max(max, pixel[channel]);
    }
    if (max - min > best.range) best = { channel, range: max - min };
  }
  return best;
}

function mean(pixels: readonly Rgb[]): Rgb {
  let r = 0;
  let g = 0;
  let b = 0;
  for (const pixel of pixels) {
    r += pixel.r;
    g += pixel.g;
    b += pixel.b;
  }
  return { r: r / pixels.length, g: g / pixels.length, b: b / pixels.length };
}

/** Reads interleaved pixels (3 or 4 channels; alpha is ignored). */
export function pixelsFromRaw(data: Uint8Array, channels: number): Rgb[] {
  if (channels < 3) throw new RangeError('Palette needs at least 3 channels');
  const pixels: Rgb[] = [];
  for (let i = 0; i + 2 < data.length; i += channels) {
    pixels.push({ r: data[i] ?? 0, g: data[i + 1] ?? 0, b: data[i + 2] ?? 0 });
  }
  return pixels;
}

/** Up to `count` colours as `#rrggbb`, most common first, without duplicates. */
export function quantizePalette(pixels: readonly Rgb[], count = 5): string[] {
  if (pixels.length === 0 || count < 1) return [];
  let boxes: Rgb[][] = [[...pixels]];
  while (boxes.length < count) {
    let target = -1;
    let targetRange = 0;
    boxes.forEach((box, index) => {
      const { range } = widestChannel(box);
      if (box.length > 1 && range > targetRange) {
        target = index;
        targetRange = range;
      }
    });
    if (target < 0) break;
    const box = boxes[target] ?? [];
    const { channel } = widestChannel(box);
    const sorted = [...box].sort((a, b) => a[channel] - b[channel]);
    const middle = Math.floor(sorted.length / 2);
    boxes = [
      ...boxes.slice(0, target),
      sorted.slice(0, middle),
      sorted.slice(middle),
      ...boxes.slice(target + 1),
    ];
  }
  const colours = boxes
    .filter((box) => box.length > 0)
    .sort((a, b) => b.length - a.length)
    .map((box) => toHex(mean(box)));
  return [...new Set(colours)];
}
