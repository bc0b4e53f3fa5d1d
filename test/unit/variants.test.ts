import {
  fitInside,
  isVariantName,
  variantBlobName,
  variantSpecs,
  variantUrl,
} from '../../src/domain/pipeline/variants';

describe('Function: fitInside', () => {
  it.each([
    // source, box, expected
    [
      { width: 3000, height: 2000 },
      { width: 640, height: 640 },
      { width: 640, height: 427 },
    ],
    [
      { width: 2000, height: 3000 },
      { width: 150, height: 150 },
      { width: 100, height: 150 },
    ],
    [
      { width: 1280, height: 1280 },
      { width: 1280, height: 1280 },
      { width: 1280, height: 1280 },
    ],
    [
      { width: 100, height: 50 },
      { width: 640, height: 640 },
      { width: 100, height: 50 },
    ],
    [
      { width: 10000, height: 1 },
      { width: 150, height: 150 },
      { width: 150, height: 1 },
    ],
    [
      { width: 641, height: 10 },
      { width: 640, height: 640 },
      { width: 640, height: 10 },
    ],
  ])('fits %o inside %o as %o', (source, box, expected) => {
    // Prepare: the sizes above
    // Act
    const size = fitInside(source, box);

    // Assess
    expect(size).toEqual(expected);
  });

  it('never enlarges a small image', () => {
    // Prepare
    const source = { width: 40, height: 30 };

    // Act
    const size = fitInside(source, { width: 1280, height: 1280 });

    // Assess
    expect(size).toEqual(source);
  });

  it('keeps the aspect ratio within rounding', () => {
    // Prepare
    const source = { width: 4032, height: 3024 };

    // Act
    const size = fitInside(source, { width: 640, height: 640 });

    // Assess
    expect(Math.max(size.width, size.height)).toBe(640);
    expect(Math.abs(size.width / size.height - 4 / 3)).toBeLessThan(0.01);
  });

  it('rejects empty sources', () => {
    // Prepare / Act / Assess
    expect(() => fitInside({ width: 0, height: 10 }, { width: 10, height: 10 })).toThrow(
      RangeError,
    );
  });
});

describe('Function: variantSpecs', () => {
  it('describes thumb, medium and large boxes in the configured format', () => {
    // Prepare / Act
    const specs = variantSpecs('avif');

    // Assess
    expect(specs).toEqual([
      { name: 'thumb', maxWidth: 150, maxHeight: 150, format: 'avif' },
      { name: 'medium', maxWidth: 640, maxHeight: 640, format: 'avif' },
      { name: 'large', maxWidth: 1280, maxHeight: 1280, format: 'avif' },
    ]);
  });
});

describe('Function: variantBlobName / variantUrl', () => {
  it('names variants deterministically so a retry overwrites the same blob', () => {
    // Prepare / Act
    const names = [
      variantBlobName('abc', 'thumb', 'webp'),
      variantBlobName('abc', 'thumb', 'webp'),
      variantBlobName('abc', 'large', 'jpeg'),
    ];

    // Assess
    expect(names).toEqual(['abc/thumb.webp', 'abc/thumb.webp', 'abc/large.jpg']);
    expect(variantUrl('abc', 'medium')).toBe('/api/images/abc/variants/medium');
    expect(isVariantName('huge')).toBe(false);
  });
});
