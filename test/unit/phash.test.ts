import { dct1d, dct2d, hammingDistance, phash } from '../../src/domain/analysis/phash';

const SIZE = 32;

function image(pixel: (x: number, y: number) => number): number[] {
  const values: number[] = [];
  for (let y = 0; y < SIZE; y += 1) {
    for (let x = 0; x < SIZE; x += 1)
      values.push(Math.max(0, Math.min(255, Math.round(pixel(x, y)))));
  }
  return values;
}

describe('Function: dct1d', () => {
  it('puts a constant signal entirely into the DC coefficient', () => {
    // Prepare
    const signal = [5, 5, 5, 5, 5, 5, 5, 5];

    // Act
    const coefficients = dct1d(signal);

    // Assess: orthonormal scaling, DC = sum / sqrt(n)
    expect(coefficients[0]).toBeCloseTo(40 / Math.sqrt(8), 10);
    for (const value of coefficients.slice(1)) expect(value).toBeCloseTo(0, 10);
  });

  it('maps a cosine basis vector onto its own coefficient', () => {
    // Prepare
    const n = 16;
    const k = 3;
    const basis = Array.from({ length: n }, (_, i) => Math.cos((Math.PI / n) * (i + 0.5) * k));

    // Act
    const coefficients = dct1d(basis);

    // Assess
    coefficients.forEach((value, index) => {
      if (index === k) expect(value).toBeCloseTo(Math.sqrt(n / 2), 10);
      else expect(value).toBeCloseTo(0, 10);
    });
  });

  it('preserves energy (orthonormal transform)', () => {
    // Prepare
    const signal = [3, 1, 4, 1, 5, 9, 2, 6];

    // Act
    const coefficients = dct1d(signal);

    // Assess
    const energy = (values: number[]): number => values.reduce((sum, v) => sum + v * v, 0);
    expect(energy(coefficients)).toBeCloseTo(energy(signal), 8);
  });
});

describe('Function: dct2d', () => {
  it('rejects a matrix of the wrong size', () => {
    // Prepare / Act / Assess
    expect(() => dct2d([1, 2, 3], 2)).toThrow(RangeError);
  });
});

describe('Function: phash', () => {
  it('hashes a flat image to the DC bit only', () => {
    // Prepare
    const flat = image(() => 128);

    // Act
    const hash = phash(flat);

    // Assess: every AC coefficient is 0 (= the median), only DC is above it
    expect(hash).toBe('8000000000000000');
  });

  it('is a 16-digit hex string and deterministic', () => {
    // Prepare
    const gradient = image((x, y) => x * 4 + y * 2);

    // Act
    const first = phash(gradient);
    const second = phash(gradient);

    // Assess
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(second).toBe(first);
  });

  it('ignores a uniform brightness change', () => {
    // Prepare
    const scene = image((x, y) => 60 + 40 * Math.sin(x / 3) + 30 * Math.cos(y / 5));
    const brighter = scene.map((value) => value + 50);

    // Act
    const distance = hammingDistance(phash(scene), phash(brighter));

    // Assess
    expect(distance).toBe(0);
  });

  it('tolerates small noise but separates a different picture', () => {
    // Prepare
    const scene = image((x, y) => 128 + 100 * Math.sin(x / 4) * Math.cos(y / 6));
    const noisy = scene.map((value, index) => value + ((index * 7919) % 5) - 2);
    const mirrored = image((x, y) => 128 + 100 * Math.sin((SIZE - 1 - x) / 4) * Math.cos(y / 6));
    const other = image((x, y) => ((Math.floor(x / 8) + Math.floor(y / 8)) % 2 === 0 ? 20 : 230));

    // Act
    const nearNoise = hammingDistance(phash(scene), phash(noisy));
    const toMirror = hammingDistance(phash(scene), phash(mirrored));
    const toOther = hammingDistance(phash(scene), phash(other));

    // Assess
    expect(nearNoise).toBeLessThanOrEqual(4);
    expect(toMirror).toBeGreaterThan(10);
    expect(toOther).toBeGreaterThan(10);
  });

  it('rejects input that is not 32×32', () => {
    // Prepare / Act / Assess
    expect(() => phash(new Uint8Array(100))).toThrow(RangeError);
  });
});

describe('Function: hammingDistance', () => {
  it('counts differing bits', () => {
    // Prepare / Act / Assess
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
    expect(hammingDistance('abcdef0123456789', 'abcdef0123456789')).toBe(0);
  });
});
