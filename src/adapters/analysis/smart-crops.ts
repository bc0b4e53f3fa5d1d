/**
 * Smart crops from what the detectors found: for each aspect ratio, the largest crop of that shape
 * that fits the image and is centred on the subjects (faces first, then people and objects, as
 * Azure AI Vision centres on the salient region). Without any subject the crop is centred on the
 * image. Boxes and crops are in source pixels. Pure.
 */
import type { BoundingBox, SmartCrop } from '../../domain/record';

function union(boxes: readonly BoundingBox[]): BoundingBox | undefined {
  if (boxes.length === 0) return undefined;
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

export function smartCrops(
  image: { width: number; height: number },
  subjects: readonly (readonly BoundingBox[])[],
  aspectRatios: readonly number[],
): SmartCrop[] {
  const focus = subjects.map(union).find((box) => box !== undefined) ?? {
    x: 0,
    y: 0,
    width: image.width,
    height: image.height,
  };
  const cx = focus.x + focus.width / 2;
  const cy = focus.y + focus.height / 2;
  return aspectRatios.map((aspectRatio) => {
    const width = Math.min(image.width, Math.round(image.height * aspectRatio));
    const height = Math.min(image.height, Math.round(width / aspectRatio));
    const x = Math.round(clamp(cx - width / 2, 0, image.width - width));
    const y = Math.round(clamp(cy - height / 2, 0, image.height - height));
    return { aspectRatio, x, y, width, height };
  });
}
