/**
 * The cheap "is there text at all" decision, made before full OCR. Printed text is made of sharp,
 * high-contrast strokes: on a small greyscale copy, a page, a poster or a screenshot has several
 * percent of its pixels on such an edge, while most photos (faces, animals, sky, food) have well
 * under one. The gate only spares OCR's cost; whatever passes it still has to clear the word
 * confidence filter, so a textured photo that passes (grass, gravel) still gets no invented text.
 */

/** The side of the greyscale copy the gate looks at. */
export const TEXT_GATE_SIDE = 512;
/** A step between neighbouring pixels this large (of 255) counts as a stroke edge. */
const EDGE_STEP = 80;
/** Share of edge pixels from which an image may hold text (measured: photos 0–1 %, text 4–5 %). */
const MIN_EDGE_SHARE = 0.015;

/** Share of pixels with a stroke-like step to their right or lower neighbour. */
export function edgeShare(grey: Uint8Array, width: number, height: number): number {
  if (width < 2 || height < 2) return 0;
  let edges = 0;
  for (let y = 0; y < height - 1; y += 1) {
    for (let x = 0; x < width - 1; x += 1) {
      const i = y * width + x;
      const here = grey[i] ?? 0;
      const right = Math.abs(here - (grey[i + 1] ?? 0));
      const below = Math.abs(here - (grey[i + width] ?? 0));
      if (right > EDGE_STEP || below > EDGE_STEP) edges += 1;
    }
  }
  return edges / ((width - 1) * (height - 1));
}

export function mayHoldText(grey: Uint8Array, width: number, height: number): boolean {
  return edgeShare(grey, width, height) >= MIN_EDGE_SHARE;
}
