import { instanceIdFor, isImageId, newImageId, normalizeEtag } from '../../src/domain/ids';

describe('Function: newImageId', () => {
  it('is 26 URL-safe characters', () => {
    // Prepare / Act
    const id = newImageId(1_700_000_000_000, new Uint8Array(10).fill(255));

    // Assess
    expect(id).toMatch(/^[0-9a-z]{26}$/);
    expect(encodeURIComponent(id)).toBe(id);
    expect(isImageId(id)).toBe(true);
  });

  it('sorts by creation time', () => {
    // Prepare
    const random = new Uint8Array(10);
    const times = [1, 31, 32, 1_000, 1_700_000_000_000, 1_700_000_000_001, 2 ** 47];

    // Act
    const ids = times.map((time, index) => newImageId(time, random.fill(255 - index)));

    // Assess
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs by its random part within the same millisecond', () => {
    // Prepare / Act
    const a = newImageId(5, new Uint8Array(10).fill(1));
    const b = newImageId(5, new Uint8Array(10).fill(2));

    // Assess
    expect(a.slice(0, 10)).toBe(b.slice(0, 10));
    expect(a).not.toBe(b);
  });
});

describe('Function: instanceIdFor', () => {
  it('gives the same id for the same blob version however the ETag is quoted', () => {
    // Prepare
    const name = '01hq3k9x2m4n5p6q7r8s9t0v1w';

    // Act
    const ids = [
      instanceIdFor(name, '"0x8DC1234567890AB"'),
      instanceIdFor(name, '0x8DC1234567890AB'),
      instanceIdFor(name, 'W/"0x8DC1234567890AB"'),
    ];

    // Assess
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^img-01hq3k9x2m4n5p6q7r8s9t0v1w-[0-9a-f]{12}$/);
    expect(normalizeEtag(' "abc" ')).toBe('abc');
  });

  it('gives a new id for a new version of the blob', () => {
    // Prepare / Act
    const first = instanceIdFor('abc', '"0x1"');
    const second = instanceIdFor('abc', '"0x2"');

    // Assess
    expect(first).not.toBe(second);
  });
});

describe('Function: isImageId', () => {
  it('accepts URL-safe names and rejects the rest', () => {
    // Prepare / Act / Assess
    expect(isImageId('abc_DEF-123')).toBe(true);
    expect(isImageId('../etc/passwd')).toBe(false);
    expect(isImageId('a b')).toBe(false);
    expect(isImageId('')).toBe(false);
    expect(isImageId('x'.repeat(81))).toBe(false);
  });
});
