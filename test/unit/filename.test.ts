import {
  decodeMetadataValue,
  encodeMetadataValue,
  sanitizeFilename,
} from '../../src/domain/pipeline/filename';

describe('Function: sanitizeFilename', () => {
  it.each([
    ['holiday.jpg', 'holiday.jpg'],
    ['C:\\Users\\me\\Pictures\\cat.png', 'cat.png'],
    ['../../etc/passwd', 'passwd'],
    ['  spaced name.webp  ', 'spaced name.webp'],
    ['evil\u0000"name\u202e.gif', 'evilname.gif'],
    ['', null],
    ['..', null],
    [null, null],
  ])('turns %j into %j', (raw, expected) => {
    // Prepare: the name above
    // Act
    const cleaned = sanitizeFilename(raw);

    // Assess
    expect(cleaned).toBe(expected);
  });

  it('bounds the length', () => {
    // Prepare / Act / Assess
    expect(sanitizeFilename(`${'a'.repeat(500)}.jpg`)).toHaveLength(200);
  });
});

describe('Functions: metadata encoding', () => {
  it('round-trips any name through ASCII-only blob metadata', () => {
    // Prepare
    const name = 'Été à Zürich 🌄.jpg';

    // Act
    const encoded = encodeMetadataValue(name);

    // Assess
    expect(encoded).toMatch(/^[\x20-\x7e]+$/);
    expect(decodeMetadataValue(encoded)).toBe(name);
    expect(decodeMetadataValue('%E0%A4%A')).toBe('%E0%A4%A');
  });
});
