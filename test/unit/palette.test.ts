import { pixelsFromRaw, quantizePalette, toHex } from '../../src/domain/analysis/palette';

describe('Function: toHex', () => {
  it('formats and clamps channels', () => {
    // Prepare / Act / Assess
    expect(toHex({ r: 255, g: 0, b: 16 })).toBe('#ff0010');
    expect(toHex({ r: 300, g: -4, b: 127.6 })).toBe('#ff0080');
  });
});

describe('Function: quantizePalette', () => {
  it('finds the colours of a two-colour picture, most common first', () => {
    // Prepare: 75 % red, 25 % blue, RGBA
    const raw: number[] = [];
    for (let i = 0; i < 300; i += 1) raw.push(250, 10, 10, 255);
    for (let i = 0; i < 100; i += 1) raw.push(10, 10, 250, 255);
    const pixels = pixelsFromRaw(Uint8Array.from(raw), 4);

    // Act
    const palette = quantizePalette(pixels, 5);

    // Assess
    expect(palette).toEqual(['#fa0a0a', '#0a0afa']);
  });

  it('returns at most the requested number of colours', () => {
    // Prepare: a smooth gradient has many colours
    const raw: number[] = [];
    for (let i = 0; i < 256; i += 1) raw.push(i, 255 - i, (i * 3) % 256);
    const pixels = pixelsFromRaw(Uint8Array.from(raw), 3);

    // Act
    const palette = quantizePalette(pixels, 4);

    // Assess
    expect(palette).toHaveLength(4);
    for (const colour of palette) expect(colour).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('returns nothing for no pixels', () => {
    // Prepare / Act / Assess
    expect(quantizePalette([], 5)).toEqual([]);
  });
});
