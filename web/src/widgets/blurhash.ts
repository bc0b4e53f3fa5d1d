/**
 * A blurhash placeholder behind an image while it loads: decoded to a 32×32 canvas, shown as the
 * card's background and dropped once the image has loaded.
 */
import { decode, isBlurhashValid } from 'blurhash';

export function placeholder(hash: unknown): string | undefined {
  if (typeof hash !== 'string' || !isBlurhashValid(hash).result) return undefined;
  const pixels = decode(hash, 32, 32);
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 32;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return undefined;
  const data = ctx.createImageData(32, 32);
  data.data.set(pixels);
  ctx.putImageData(data, 0, 0);
  return canvas.toDataURL();
}
