/**
 * Perceptual hash (pHash): a 64-bit fingerprint that survives resizing, re-encoding and small
 * brightness changes, so near-duplicate uploads can be found by Hamming distance.
 *
 * Recipe: 32×32 greyscale → 2-D DCT-II → keep the 8×8 lowest frequencies → one bit per
 * coefficient, set when it is above the median of those 64 coefficients without the DC term (the
 * DC term is the mean brightness and would dominate the median).
 */

export const PHASH_INPUT_SIZE = 32;
const HASH_SIZE = 8;

/** Orthonormal 1-D DCT-II. */
export function dct1d(input: readonly number[]): number[] {
  const n = input.length;
  const output = new Array<number>(n).fill(0);
  for (let k = 0; k < n; k += 1) {
    let sum = 0;
    for (let i = 0; i < n; i += 1) {
      sum += (input[i] ?? 0) * Math.cos((Math.PI / n) * (i + 0.5) * k);
    }
    output[k] = sum * (k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n));
  }
  return output;
}

/** Separable 2-D DCT-II of a square matrix given row-major. */
export function dct2d(values: readonly number[], size: number): number[] {
  if (values.length !== size * size) throw new RangeError(`Expected ${size * size} values`);
  const rows: number[][] = [];
  for (let y = 0; y < size; y += 1) rows.push(dct1d(values.slice(y * size, (y + 1) * size)));
  const result = new Array<number>(size * size).fill(0);
  for (let x = 0; x < size; x += 1) {
    const column = dct1d(rows.map((row) => row[x] ?? 0));
    for (let y = 0; y < size; y += 1) result[y * size + x] = column[y] ?? 0;
  }
  return result;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The 16-hex-digit pHash of a 32×32 greyscale image (row-major, one byte per pixel). */
export function phash(grey: Uint8Array | readonly number[]): string {
  const size = PHASH_INPUT_SIZE;
  if (grey.length !== size * size) throw new RangeError(`pHash needs ${size}×${size} pixels`);
  // Rounded so floating-point noise (1e-14 where the exact value is 0) cannot flip bits: a flat
  // image must always hash the same, on every machine.
  const coefficients = dct2d(Array.from(grey), size).map((value) => Math.round(value * 1e6) / 1e6);
  const low: number[] = [];
  for (let y = 0; y < HASH_SIZE; y += 1) {
    for (let x = 0; x < HASH_SIZE; x += 1) low.push(coefficients[y * size + x] ?? 0);
  }
  const threshold = median(low.slice(1));
  let bits = 0n;
  for (const value of low) bits = (bits << 1n) | (value > threshold ? 1n : 0n);
  return bits.toString(16).padStart(16, '0');
}

/** Number of differing bits between two pHashes; 0–10 usually means the same picture. */
export function hammingDistance(a: string, b: string): number {
  let diff = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (diff > 0n) {
    count += Number(diff & 1n);
    diff >>= 1n;
  }
  return count;
}
