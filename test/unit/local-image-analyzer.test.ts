import sharp from 'sharp';
import { createLocalImageAnalyzer } from '../../src/adapters/local-image-analyzer';
import {
  createTesseractTextRecognizer,
  normalizeOcrText,
} from '../../src/adapters/tesseract-text-recognizer';
import { AppError } from '../../src/domain/errors';
import { hammingDistance } from '../../src/domain/phash';
import { textImage } from './support/images';

const MAX_PIXELS = 50_000_000;

describe('Class: TesseractTextRecognizer', () => {
  const ocr = createTesseractTextRecognizer();
  afterAll(() => ocr.close());

  it('reads rendered text offline', async () => {
    // Prepare
    const image = await textImage('HELLO 42');

    // Act
    const text = await ocr.recognize(image);

    // Assess
    expect(text).toContain('HELLO');
    expect(text).toContain('42');
  }, 60_000);

  it('reuses one worker for later calls', async () => {
    // Prepare
    const image = await textImage('PIPELINE');

    // Act
    const started = Date.now();
    const text = await ocr.recognize(image);
    const elapsed = Date.now() - started;

    // Assess
    expect(text).toContain('PIPELINE');
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
  const fakeOcr = { recognize: () => Promise.resolve('TEXT'), close: () => Promise.resolve() };

  it('reports colours, blurhash, pHash and text', async () => {
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
    const analyzer = createLocalImageAnalyzer({ ocr: fakeOcr });

    // Act
    const analysis = await analyzer.analyze(image, { maxInputPixels: MAX_PIXELS });

    // Assess
    expect(analysis).toMatchObject({ status: 'Completed', provider: 'local', text: 'TEXT' });
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
    const analyzer = createLocalImageAnalyzer({ ocr: fakeOcr });
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
    const analyzer = createLocalImageAnalyzer({ ocr: fakeOcr });

    // Act
    const attempt = analyzer.analyze(Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]), {
      maxInputPixels: MAX_PIXELS,
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'CORRUPT_IMAGE' });
  });
});
