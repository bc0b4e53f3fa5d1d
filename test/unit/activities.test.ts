import sharp from 'sharp';
import { createAnalyzeImage } from '../../src/activities/analyze-image';
import { createInspectImage } from '../../src/activities/inspect-image';
import { createResizeImage } from '../../src/activities/resize-image';
import { createSaveRecord } from '../../src/activities/save-record';
import { createSharpImageProcessor } from '../../src/adapters/sharp-image-processor';
import { AppError } from '../../src/domain/errors';
import { processingRecord, type RecordFacts } from '../../src/domain/pipeline/pipeline';
import { acceptedRecord } from '../../src/domain/record';
import { variantSpecs } from '../../src/domain/pipeline/variants';
import { Containers } from '../../src/names';
import type { ImageAnalyzer } from '../../src/ports/image-analyzer';
import { testContext } from './support/context';
import { pngClaiming, solidJpeg } from './support/images';
import { MemoryBlobStore, MemoryRecordStore } from './support/memory-stores';

const MAX_PIXELS = 50_000_000;
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const images = createSharpImageProcessor();

async function storeIncoming(blobs: MemoryBlobStore, name: string, data: Buffer): Promise<void> {
  await blobs.put(Containers.incoming, name, data, { contentType: 'application/octet-stream' });
}

describe('Function: inspectImage', () => {
  it('describes a photo: format, display size, hash, EXIF without GPS', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    const photo = await solidJpeg(3000, 2000, { orientation: 6, gps: true, camera: true });
    await storeIncoming(blobs, 'img1', photo);
    const inspect = createInspectImage({ blobs, images, maxUploadBytes: MAX_UPLOAD_BYTES });

    // Act
    const outcome = await inspect(
      { blobName: 'img1', maxInputPixels: MAX_PIXELS },
      testContext().context,
    );

    // Assess
    expect(outcome).toEqual({
      ok: true,
      value: {
        format: 'jpeg',
        contentType: 'image/jpeg',
        width: 2000,
        height: 3000,
        bytes: photo.length,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        exif: {
          make: 'Acme',
          model: 'Falcon 9',
          orientation: 6,
          takenAt: '2024-05-06T07:08:09.000Z',
          exposureTime: 0.008,
          fNumber: 2.8,
        },
      },
    });
    expect(JSON.stringify(outcome)).not.toMatch(/gps|latitude/i);
  });

  it.each([
    ['a text file', Buffer.from('just some words, not a picture')],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')],
    ['a PDF', Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj')],
  ])('returns UNSUPPORTED_FORMAT for %s', async (_label, data) => {
    // Prepare
    const blobs = new MemoryBlobStore();
    await storeIncoming(blobs, 'img1', data);
    const inspect = createInspectImage({ blobs, images, maxUploadBytes: MAX_UPLOAD_BYTES });

    // Act
    const outcome = await inspect(
      { blobName: 'img1', maxInputPixels: MAX_PIXELS },
      testContext().context,
    );

    // Assess
    expect(outcome).toMatchObject({ ok: false, code: 'UNSUPPORTED_FORMAT' });
  });

  it('returns IMAGE_TOO_LARGE from the header of a decompression bomb', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    await storeIncoming(blobs, 'img1', pngClaiming(12_000, 12_000));
    const inspect = createInspectImage({ blobs, images, maxUploadBytes: MAX_UPLOAD_BYTES });

    // Act
    const outcome = await inspect(
      { blobName: 'img1', maxInputPixels: MAX_PIXELS },
      testContext().context,
    );

    // Assess
    expect(outcome).toMatchObject({ ok: false, code: 'IMAGE_TOO_LARGE' });
  });

  it('returns PAYLOAD_TOO_LARGE for a stored blob over the cap, without downloading it', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    const photo = await solidJpeg(64, 64);
    await storeIncoming(blobs, 'img1', photo);
    let downloads = 0;
    const get = blobs.get.bind(blobs);
    blobs.get = (container, name) => {
      downloads += 1;
      return get(container, name);
    };
    const inspect = createInspectImage({ blobs, images, maxUploadBytes: photo.length - 1 });

    // Act
    const outcome = await inspect(
      { blobName: 'img1', maxInputPixels: MAX_PIXELS },
      testContext().context,
    );

    // Assess
    expect(outcome).toEqual({
      ok: false,
      code: 'PAYLOAD_TOO_LARGE',
      message: `The uploaded file is larger than ${photo.length - 1} bytes`,
    });
    expect(downloads).toBe(0);
  });

  it('accepts a blob of exactly the cap', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    const photo = await solidJpeg(64, 64);
    await storeIncoming(blobs, 'img1', photo);
    const inspect = createInspectImage({ blobs, images, maxUploadBytes: photo.length });

    // Act
    const outcome = await inspect(
      { blobName: 'img1', maxInputPixels: MAX_PIXELS },
      testContext().context,
    );

    // Assess
    expect(outcome).toMatchObject({ ok: true, value: { bytes: photo.length } });
  });

  it('returns SOURCE_NOT_FOUND when the blob is gone', async () => {
    // Prepare
    const inspect = createInspectImage({
      blobs: new MemoryBlobStore(),
      images,
      maxUploadBytes: MAX_UPLOAD_BYTES,
    });

    // Act
    const outcome = await inspect(
      { blobName: 'nope', maxInputPixels: MAX_PIXELS },
      testContext().context,
    );

    // Assess
    expect(outcome).toMatchObject({ ok: false, code: 'SOURCE_NOT_FOUND' });
  });

  it('throws (to be retried) when storage fails', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    await storeIncoming(blobs, 'img1', await solidJpeg(10, 10));
    blobs.get = () => Promise.reject(new Error('503 Server Busy'));
    const inspect = createInspectImage({ blobs, images, maxUploadBytes: MAX_UPLOAD_BYTES });

    // Act / Assess
    await expect(
      inspect({ blobName: 'img1', maxInputPixels: MAX_PIXELS }, testContext().context),
    ).rejects.toThrow('503 Server Busy');
  });
});

describe('Function: resizeImage', () => {
  it('writes the variant under a deterministic name and describes it', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    await storeIncoming(blobs, 'img1', await solidJpeg(3000, 2000));
    const resize = createResizeImage({ blobs, images });
    const input = {
      imageId: 'img1',
      blobName: 'img1',
      variant: variantSpecs('webp')[1]!,
      maxInputPixels: MAX_PIXELS,
    };

    // Act: twice, as a retried activity would run
    const first = await resize(input, testContext().context);
    const second = await resize(input, testContext().context);

    // Assess
    expect(first).toEqual({
      ok: true,
      value: {
        name: 'medium',
        width: 640,
        height: 427,
        format: 'webp',
        contentType: 'image/webp',
        bytes: expect.any(Number),
      },
      timing: { startedAt: expect.any(String), completedAt: expect.any(String) },
    });
    expect(Date.parse(first.timing.completedAt)).toBeGreaterThanOrEqual(
      Date.parse(first.timing.startedAt),
    );
    expect({ ...second, timing: undefined }).toEqual({ ...first, timing: undefined });
    const variantBlobs = [...blobs.blobs.keys()].filter((key) =>
      key.startsWith(Containers.variants),
    );
    expect(variantBlobs).toEqual([`${Containers.variants}/img1/medium.webp`]);
    const stored = blobs.blobs.get(`${Containers.variants}/img1/medium.webp`)!;
    expect(stored.contentType).toBe('image/webp');
    expect((await sharp(stored.data).metadata()).width).toBe(640);
  });

  it('returns CORRUPT_IMAGE for a truncated JPEG instead of throwing', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    const photo = await solidJpeg(1200, 800);
    await storeIncoming(blobs, 'img1', photo.subarray(0, Math.floor(photo.length / 2)));
    const resize = createResizeImage({ blobs, images });

    // Act
    const outcome = await resize(
      {
        imageId: 'img1',
        blobName: 'img1',
        variant: variantSpecs('webp')[0]!,
        maxInputPixels: MAX_PIXELS,
      },
      testContext().context,
    );

    // Assess
    expect(outcome).toMatchObject({ ok: false, code: 'CORRUPT_IMAGE' });
    expect([...blobs.blobs.keys()].some((key) => key.startsWith(Containers.variants))).toBe(false);
  });
});

describe('Function: analyzeImage', () => {
  const fakeAnalyzer: ImageAnalyzer = {
    provider: 'local',
    analyze: () => Promise.resolve({ status: 'Completed', provider: 'local', text: 'hi' }),
  };

  it('runs the analyzer for the requested provider', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    await storeIncoming(blobs, 'img1', await solidJpeg(10, 10));
    const analyze = createAnalyzeImage({ blobs, analyzers: { local: fakeAnalyzer } });

    // Act
    const outcome = await analyze(
      { imageId: 'img1', blobName: 'img1', provider: 'local', maxInputPixels: MAX_PIXELS },
      testContext().context,
    );

    // Assess
    expect(outcome).toEqual({
      ok: true,
      value: { status: 'Completed', provider: 'local', text: 'hi' },
      timing: { startedAt: expect.any(String), completedAt: expect.any(String) },
    });
  });

  it('defers when no analyzer exists for the provider', async () => {
    // Prepare
    const analyze = createAnalyzeImage({ blobs: new MemoryBlobStore(), analyzers: {} });

    // Act
    const outcome = await analyze(
      { imageId: 'img1', blobName: 'img1', provider: 'azure', maxInputPixels: MAX_PIXELS },
      testContext().context,
    );

    // Assess
    expect(outcome).toMatchObject({ ok: false, code: 'ANALYSIS_DEFERRED' });
  });

  it('returns permanent analyzer errors and throws transient ones', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    await storeIncoming(blobs, 'img1', await solidJpeg(10, 10));
    const input = {
      imageId: 'img1',
      blobName: 'img1',
      provider: 'local',
      maxInputPixels: MAX_PIXELS,
    };
    const corrupt = createAnalyzeImage({
      blobs,
      analyzers: {
        local: {
          provider: 'local',
          analyze: () => Promise.reject(new AppError('CORRUPT_IMAGE', 'bad')),
        },
      },
    });
    const flaky = createAnalyzeImage({
      blobs,
      analyzers: {
        local: { provider: 'local', analyze: () => Promise.reject(new Error('worker crashed')) },
      },
    });

    // Act
    const permanent = await corrupt(input, testContext().context);

    // Assess
    expect(permanent).toMatchObject({ ok: false, code: 'CORRUPT_IMAGE' });
    await expect(flaky(input, testContext().context)).rejects.toThrow('worker crashed');
  });
});

describe('Function: saveRecord', () => {
  const facts: RecordFacts = {
    input: {
      imageId: 'img1',
      blobName: 'img1',
      source: { filename: 'a.jpg', contentType: 'image/jpeg' },
      variants: variantSpecs('webp'),
      analyzer: 'local',
      maxInputPixels: MAX_PIXELS,
    },
    instanceId: 'img-img1-abc',
    startedAt: '2024-01-01T00:00:10.000Z',
    at: '2024-01-01T00:00:11.000Z',
    steps: [],
  };

  it('upserts by id, keeping the upload facts, and a rerun changes nothing but updatedAt', async () => {
    // Prepare
    const records = new MemoryRecordStore();
    await records.insertIfAbsent(
      acceptedRecord({
        id: 'img1',
        now: new Date('2024-01-01T00:00:00.000Z'),
        filename: 'a.jpg',
        format: 'jpeg',
        contentType: 'image/jpeg',
        bytes: 99,
        sha256: 'c'.repeat(64),
        instanceId: 'img-img1-abc',
      }),
    );
    let now = Date.parse('2024-01-01T00:01:00.000Z');
    const save = createSaveRecord({ records, clock: () => new Date((now += 1000)) });
    const record = processingRecord(facts);

    // Act
    const first = await save({ record }, testContext().context);
    const afterFirst = await records.get('img1');
    const second = await save({ record }, testContext().context);
    const afterSecond = await records.get('img1');

    // Assess
    expect(first).toEqual({ saved: true });
    expect(second).toEqual({ saved: true });
    expect(records.records.size).toBe(1);
    expect(afterFirst).toMatchObject({
      status: 'Processing',
      createdAt: '2024-01-01T00:00:00.000Z',
      source: { bytes: 99, sha256: 'c'.repeat(64), filename: 'a.jpg' },
    });
    expect({ ...afterSecond, updatedAt: 'x' }).toEqual({ ...afterFirst, updatedAt: 'x' });
  });

  it('does not move a finished record back to Processing', async () => {
    // Prepare
    const records = new MemoryRecordStore();
    const save = createSaveRecord({ records, clock: () => new Date('2024-01-02T00:00:00.000Z') });
    await records.upsert({ ...processingRecord(facts), status: 'Completed' });

    // Act
    const result = await save({ record: processingRecord(facts) }, testContext().context);

    // Assess
    expect(result).toEqual({ saved: false });
    expect((await records.get('img1'))?.status).toBe('Completed');
  });
});
