import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalImageAnalyzer } from '../../../src/adapters/analysis/local-image-analyzer';
import { loadModels } from '../../../src/adapters/analysis/model-runtime';
import {
  createTesseractTextRecognizer,
  normalizeOcrText,
} from '../../../src/adapters/analysis/tesseract-text-recognizer';
import { AppError } from '../../../src/domain/errors';
import { hammingDistance } from '../../../src/domain/analysis/phash';
import type { Analysis, BoundingBox } from '../../../src/domain/record';
import { textImage } from '../support/images';

const MAX_PIXELS = 50_000_000;

describe('Class: TesseractTextRecognizer', () => {
  const ocr = createTesseractTextRecognizer();
  afterAll(() => ocr.close());

  it('reads rendered text offline', async () => {
    // Prepare
    const image = await textImage('HELLO 42');

    // Act
    const lines = await ocr.recognize(image);

    // Assess
    const words = lines.flatMap((line) => line.words);
    expect(words.map((word) => word.text)).toEqual(expect.arrayContaining(['HELLO', '42']));
    expect(words.every((word) => word.confidence >= 0 && word.confidence <= 100)).toBe(true);
  }, 60_000);

  it('reuses one worker for later calls', async () => {
    // Prepare
    const image = await textImage('PIPELINE');

    // Act
    const started = Date.now();
    const lines = await ocr.recognize(image);
    const elapsed = Date.now() - started;

    // Assess
    expect(lines.flatMap((line) => line.words).map((word) => word.text)).toContain('PIPELINE');
    expect(elapsed).toBeLessThan(5_000);
  }, 60_000);
});

describe('Function: normalizeOcrText', () => {
  it('collapses whitespace and drops empty lines', () => {
    // Prepare / Act / Assess
    expect(normalizeOcrText('  HELLO   42 \n\n\n second\tline \n')).toBe('HELLO 42\nsecond line');
  });
});

describe('Class: LocalImageAnalyzer', () => {
  const ocr = createTesseractTextRecognizer();
  afterAll(() => ocr.close());
  const settings = { ocrMinConfidence: 70, moderationThreshold: 0.6, smartCropAspectRatios: [1] };
  const analyzer = createLocalImageAnalyzer({ ocr, models: loadModels, settings });
  const photo = (name: string) => readFileSync(join(__dirname, '../../fixtures', name));
  const analyse = (name: string): Promise<Analysis> =>
    analyzer.analyze(photo(name), { maxInputPixels: MAX_PIXELS });
  const inside = (inner: BoundingBox, outer: BoundingBox) =>
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height;

  it('tags the cat photo as an animal and finds no text in it', async () => {
    // Act
    const analysis = await analyse('photos/cat.jpg');

    // Assess
    const names = analysis.tags?.map((tag) => tag.name) ?? [];
    expect(names).toContain('animal');
    expect(analysis.text).toBe('');
    expect(analysis.faces).toEqual([]);
    expect(analysis.moderation?.flagged).toBe(false);
    expect(analysis.providerVersion).toBe('local-2');
    expect(analysis.models?.length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it("puts a face box inside the astronaut's face and a smart crop around it", async () => {
    // Act
    const analysis = await analyse('photos/astronaut.jpg');

    // Assess: her face spans about x 160–300, y 40–220 of the 512×512 photo
    const face = { x: 120, y: 20, width: 220, height: 240 };
    expect(analysis.faces).toHaveLength(1);
    const [found] = analysis.faces ?? [];
    expect(found!.confidence).toBeGreaterThan(0.8);
    expect(inside(found!.box, face)).toBe(true);
    expect(found!.box.width).toBeGreaterThan(80);
    expect(analysis.tags?.map((tag) => tag.name)).toEqual(
      expect.arrayContaining(['face', 'person']),
    );
    const [crop] = analysis.smartCrops ?? [];
    expect(crop).toMatchObject({ aspectRatio: 1 });
    expect(inside(found!.box, crop!)).toBe(true);
    expect(analysis.moderation?.flagged).toBe(false);
    expect(analysis.text).toBe('');
  }, 120_000);

  it('finds the cup on the coffee table, in its pixels', async () => {
    // Act
    const analysis = await analyse('photos/coffee.jpg');

    // Assess: the cup and saucer fill about x 150–420, y 10–280 of the 600×400 photo
    const cup = analysis.objects?.find((object) => object.name === 'cup');
    expect(cup).toBeDefined();
    expect(inside(cup!.box, { x: 100, y: 0, width: 380, height: 320 })).toBe(true);
    expect(analysis.text).toBe('');
  }, 120_000);

  it('reports no text on a photo without any', async () => {
    // Act
    const analysis = await analyse('photos/rocket.jpg');

    // Assess
    expect(analysis.text).toBe('');
    expect(analysis.moderation?.flagged).toBe(false);
  }, 120_000);

  it('keeps the words of a document-like image', async () => {
    // Act
    const analysis = await analyse('text-sample.png');

    // Assess: the sample reads "HELLO PIPELINE 42"
    expect(analysis.text?.split(/\s+/)).toEqual(
      expect.arrayContaining(['HELLO', 'PIPELINE', '42']),
    );
  }, 120_000);

  it('fails an image too small for the models with a stable code', async () => {
    // Prepare
    const tiny = await sharp({
      create: { width: 8, height: 8, channels: 3, background: { r: 10, g: 20, b: 30 } },
    })
      .png()
      .toBuffer();

    // Act
    const attempt = analyzer.analyze(tiny, { maxInputPixels: MAX_PIXELS });

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'ANALYSIS_FAILED' });
  }, 120_000);

  it('reports colours, blurhash and pHash', async () => {
    // Prepare: three quarters orange, one quarter teal
    const orange = { r: 240, g: 120, b: 20 };
    const teal = await sharp({
      create: { width: 100, height: 400, channels: 3, background: { r: 0, g: 128, b: 128 } },
    })
      .png()
      .toBuffer();
    const image = await sharp({
      create: { width: 400, height: 400, channels: 3, background: orange },
    })
      .composite([{ input: teal, left: 300, top: 0 }])
      .jpeg({ quality: 95 })
      .toBuffer();

    // Act
    const analysis = await analyzer.analyze(image, { maxInputPixels: MAX_PIXELS });

    // Assess
    expect(analysis).toMatchObject({ status: 'Completed', provider: 'local', text: '' });
    expect(analysis.colors?.length).toBeGreaterThanOrEqual(2);
    const [first] = analysis.colors ?? [];
    const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - (b[i] ?? 0)));
    expect(distance(rgb(first!), [240, 120, 20])).toBeLessThan(30);
    expect(analysis.colors?.some((hex) => distance(rgb(hex), [0, 128, 128]) < 30)).toBe(true);
    expect(analysis.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/);
    expect(analysis.phash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives the same pHash to a resized copy and a different one to another picture', async () => {
    // Prepare
    // Asymmetric scenes: mirror-symmetric ones zero half the DCT terms and make pHash bits noisy.
    const svg = (shapes: string) =>
      Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">
        <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stop-color="#113"/><stop offset="1" stop-color="#68a"/>
        </linearGradient></defs>
        <rect width="600" height="400" fill="url(#g)"/>${shapes}</svg>`);
    const picture = await sharp(
      svg(
        '<circle cx="180" cy="150" r="110" fill="#fe8"/><rect x="380" y="230" width="160" height="120" fill="#c33"/>',
      ),
    )
      .png()
      .toBuffer();
    const smaller = await sharp(picture).resize(300).jpeg({ quality: 70 }).toBuffer();
    const other = await sharp(
      svg(
        '<rect x="60" y="40" width="120" height="320" fill="#8ef"/><circle cx="450" cy="300" r="70" fill="#3c3"/>',
      ),
    )
      .png()
      .toBuffer();

    // Act
    const [a, b, c] = await Promise.all(
      [picture, smaller, other].map((image) =>
        analyzer.analyze(image, { maxInputPixels: MAX_PIXELS }),
      ),
    );

    // Assess
    expect(hammingDistance(a!.phash!, b!.phash!)).toBeLessThanOrEqual(4);
    expect(hammingDistance(a!.phash!, c!.phash!)).toBeGreaterThan(16);
  });

  it('calls undecodable data corrupt', async () => {
    // Prepare

    // Act
    const attempt = analyzer.analyze(Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]), {
      maxInputPixels: MAX_PIXELS,
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'CORRUPT_IMAGE' });
  });
});
