import { confidentText } from '../../../src/adapters/analysis/confident-text';
import { moderationOf } from '../../../src/adapters/analysis/local-image-analyzer';
import { smartCrops } from '../../../src/adapters/analysis/smart-crops';
import { tagsFrom } from '../../../src/adapters/analysis/tags-from-objects';
import { edgeShare, mayHoldText } from '../../../src/adapters/analysis/text-gate';

const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });

describe('Function: confidentText', () => {
  it('keeps sure words and drops noise, lines in order', () => {
    // Prepare: what tesseract reads into a meadow, next to a real poster line
    const lines = [
      {
        words: [
          { text: 'ThA', confidence: 31 },
          { text: '\\', confidence: 80 },
          { text: 'tl', confidence: 44 },
        ],
      },
      {
        words: [
          { text: 'OPEN', confidence: 93 },
          { text: 'DAILY', confidence: 88 },
          { text: '4', confidence: 90 },
        ],
      },
      {
        words: [
          { text: 'from', confidence: 71 },
          { text: '9:00', confidence: 70 },
        ],
      },
    ];

    // Act
    const text = confidentText(lines, 70);

    // Assess
    expect(text).toBe('OPEN DAILY\nfrom 9:00');
  });

  it('reports nothing when no word is sure', () => {
    // Prepare / Act / Assess
    expect(confidentText([{ words: [{ text: 'r oN', confidence: 40 }] }], 70)).toBe('');
  });
});

describe('Function: mayHoldText', () => {
  it('passes black strokes on white and stops a smooth gradient', () => {
    // Prepare: 100×100, stripes of 2 px ink every 6 px vs a left-to-right gradient
    const side = 100;
    const stripes = new Uint8Array(side * side).map((_, i) => ((i % side) % 6 < 2 ? 0 : 255));
    const gradient = new Uint8Array(side * side).map((_, i) =>
      Math.round(((i % side) / side) * 255),
    );

    // Act / Assess
    expect(edgeShare(stripes, side, side)).toBeGreaterThan(0.1);
    expect(mayHoldText(stripes, side, side)).toBe(true);
    expect(edgeShare(gradient, side, side)).toBe(0);
    expect(mayHoldText(gradient, side, side)).toBe(false);
    expect(mayHoldText(new Uint8Array(1), 1, 1)).toBe(false);
  });
});

describe('Function: smartCrops', () => {
  it('centres the square crop on the faces, inside the image', () => {
    // Prepare: a wide 2000×1000 image with a face near the right edge
    const crops = smartCrops({ width: 2000, height: 1000 }, [[box(1800, 100, 150, 200)]], [1, 2]);

    // Assess
    expect(crops[0]).toEqual({ aspectRatio: 1, x: 1000, y: 0, width: 1000, height: 1000 });
    expect(crops[1]).toEqual({ aspectRatio: 2, x: 0, y: 0, width: 2000, height: 1000 });
  });

  it('falls back to objects, then to the centre', () => {
    // Prepare / Act
    const fromObject = smartCrops({ width: 1000, height: 500 }, [[], [box(0, 0, 100, 100)]], [1]);
    const centred = smartCrops({ width: 1000, height: 500 }, [[], []], [1]);

    // Assess
    expect(fromObject[0]).toMatchObject({ x: 0, width: 500 });
    expect(centred[0]).toMatchObject({ x: 250, y: 0, width: 500, height: 500 });
  });
});

describe('Function: tagsFrom', () => {
  it('names each class once at its best, adds animal, person and face', () => {
    // Prepare
    const objects = [
      { name: 'dog', confidence: 0.46, box: box(0, 0, 1, 1) },
      { name: 'dog', confidence: 0.52, box: box(0, 0, 1, 1) },
      { name: 'cup', confidence: 0.4, box: box(0, 0, 1, 1) },
    ];

    // Act
    const tags = tagsFrom(objects, [{ confidence: 0.9, box: box(0, 0, 1, 1) }]);

    // Assess
    expect(tags).toEqual([
      { name: 'face', confidence: 0.9 },
      { name: 'person', confidence: 0.9 },
      { name: 'animal', confidence: 0.52 },
      { name: 'dog', confidence: 0.52 },
      { name: 'cup', confidence: 0.4 },
    ]);
  });
});

describe('Function: moderationOf', () => {
  it('sums explicit classes into adult and flags at the threshold', () => {
    // Prepare / Act
    const safe = moderationOf(
      { neutral: 0.9, drawing: 0.05, porn: 0.03, hentai: 0.01, sexy: 0.01 },
      0.6,
    );
    const racy = moderationOf({ neutral: 0.3, sexy: 0.6, porn: 0.1 }, 0.6);

    // Assess
    expect(safe).toMatchObject({ adult: 0.04, racy: 0.01, flagged: false, threshold: 0.6 });
    expect(safe.scores).toMatchObject({ neutral: 0.9 });
    expect(racy).toMatchObject({ racy: 0.6, flagged: true });
  });
});
