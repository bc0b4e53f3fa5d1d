/**
 * `npm run bench:analyzer`: what the local analyzer costs per photo, in CPU time of this process
 * (process.cpuUsage: every thread, libvips and the OCR worker included), so other work on a
 * shared machine does not inflate it the way wall time would.
 *
 * The photos are the real fixtures (test/fixtures/photos, and the document-like text sample)
 * scaled up to fit 2560×1600. For each photo: the whole `analyze()` (target ≤ 500 ms median),
 * and apart from it the face + object detector, the moderation classifier and OCR, each on the
 * input the analyzer gives it. The reference, measured in the same run, is sharp alone making
 * the pipeline's three WebP variants of the same photo. RSS is printed before and after the
 * models load.
 *
 * Options (env): BENCH_ANALYZER_ROUNDS (default 5).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createLocalImageAnalyzer } from '../src/adapters/analysis/local-image-analyzer';
import { loadModels, MODERATION_INPUT_SIDE } from '../src/adapters/analysis/model-runtime';
import { createTesseractTextRecognizer } from '../src/adapters/analysis/tesseract-text-recognizer';
import { mayHoldText, TEXT_GATE_SIDE } from '../src/adapters/analysis/text-gate';

const ROUNDS = Number(process.env.BENCH_ANALYZER_ROUNDS ?? 5);
const PHOTOS = [
  'photos/cat.jpg',
  'photos/astronaut.jpg',
  'photos/coffee.jpg',
  'photos/rocket.jpg',
  'text-sample.png',
];
const MAX_PIXELS = 50_000_000;
const MIB = 1024 * 1024;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

async function cpuMs(work: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function measure(work: () => Promise<unknown>): Promise<number> {
  await work(); // warm: caches, JIT, lazily compiled wasm kernels
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) samples.push(await cpuMs(work));
  return median(samples);
}

const rss = () => Math.round(process.memoryUsage().rss / MIB);

async function main(): Promise<void> {
  const fixtures = join(__dirname, '..', '..', 'test', 'fixtures');
  const rssBefore = rss();
  const ocr = createTesseractTextRecognizer();
  const settings = { ocrMinConfidence: 70, moderationThreshold: 0.6, smartCropAspectRatios: [1] };
  const analyzer = createLocalImageAnalyzer({ ocr, models: loadModels, settings });

  const loadCpu = await cpuMs(() => loadModels());
  const models = await loadModels();
  const rssLoaded = rss();

  console.log(`local analyzer, ${ROUNDS} rounds per measure (medians, CPU ms of this process)`);
  console.log(`models: ${models.models.join(', ')}`);
  console.log(
    `model load: ${Math.round(loadCpu)} ms CPU; RSS ${rssBefore} MiB before, ${rssLoaded} MiB with the models loaded`,
  );
  console.log('');
  const header = [
    'photo (fit 2560×1600)',
    'size',
    'text?',
    'analyze',
    'detect',
    'moderate',
    'ocr',
    'sharp variants',
    'analyze / variants',
  ];
  const rows: string[][] = [header];
  const totals: number[] = [];
  for (const name of PHOTOS) {
    const photo = await sharp(readFileSync(join(fixtures, name)))
      .flatten({ background: '#ffffff' })
      .resize({ width: 2560, height: 1600, fit: 'inside', kernel: 'lanczos3' })
      .jpeg({ quality: 90 })
      .toBuffer({ resolveWithObject: true });
    const data = photo.data;
    const detectIn = await sharp(data)
      .resize({ width: 800, height: 800, fit: 'inside' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const moderateIn = await sharp(data)
      .resize({ width: MODERATION_INPUT_SIDE, height: MODERATION_INPUT_SIDE, fit: 'fill' })
      .raw()
      .toBuffer();
    const grey = await sharp(data)
      .resize({ width: 1280, height: 1280, fit: 'inside' })
      .greyscale()
      .png({ compressionLevel: 1 })
      .toBuffer();
    const gate = await sharp(data)
      .resize({ width: TEXT_GATE_SIDE, height: TEXT_GATE_SIDE, fit: 'inside' })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const hasText = mayHoldText(new Uint8Array(gate.data), gate.info.width, gate.info.height);

    const analyze = await measure(() => analyzer.analyze(data, { maxInputPixels: MAX_PIXELS }));
    const detect = await measure(() =>
      models.detect(new Uint8Array(detectIn.data), detectIn.info.width, detectIn.info.height),
    );
    const moderate = await measure(() => models.moderate(new Uint8Array(moderateIn)));
    const recognise = await measure(() => ocr.recognize(grey));
    const variants = await measure(() =>
      Promise.all(
        [150, 640, 1280].map((side) =>
          sharp(data)
            .rotate()
            .resize({ width: side, height: side, fit: 'inside' })
            .webp()
            .toBuffer(),
        ),
      ),
    );
    totals.push(analyze);
    rows.push([
      name,
      `${photo.info.width}×${photo.info.height}`,
      hasText ? 'yes: OCR runs' : 'no: OCR skipped',
      `${Math.round(analyze)}`,
      `${Math.round(detect)}`,
      `${Math.round(moderate)}`,
      `${Math.round(recognise)}`,
      `${Math.round(variants)}`,
      (analyze / variants).toFixed(2),
    ]);
  }
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
  console.log('');
  console.log(
    `median analyze over the photos: ${Math.round(median(totals))} ms CPU (target ≤ 500)`,
  );
  console.log(`peak RSS after the run: ${rss()} MiB`);
  console.log(
    `load average (1, 5, 15 min): ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  );
  await ocr.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
