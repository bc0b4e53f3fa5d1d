import { fail, succeed } from '../../src/domain/outcome';
import {
  decideVerdict,
  failedRecord,
  finishedRecord,
  type ProcessImageInput,
  processingRecord,
  type RecordFacts,
  type RenderedVariant,
} from '../../src/domain/pipeline/pipeline';
import {
  acceptedRecord,
  type ImageRecord,
  isFinished,
  mergeForSave,
  toImageRecord,
} from '../../src/domain/record';
import { variantSpecs } from '../../src/domain/pipeline/variants';

const input: ProcessImageInput = {
  imageId: 'img1',
  blobName: 'img1',
  source: { filename: 'cat.jpg', contentType: 'image/jpeg' },
  variants: variantSpecs('webp'),
  analyzer: 'local',
  maxInputPixels: 50_000_000,
};

const facts: RecordFacts = {
  input,
  instanceId: 'img-img1-abc',
  startedAt: '2024-01-01T00:00:00.000Z',
  at: '2024-01-01T00:00:05.000Z',
  steps: [],
  inspection: {
    format: 'jpeg',
    contentType: 'image/jpeg',
    width: 2000,
    height: 3000,
    bytes: 12345,
    sha256: 'f'.repeat(64),
    exif: { make: 'Acme' },
  },
};

const rendered = (name: 'thumb' | 'medium' | 'large', size: number): RenderedVariant => ({
  name,
  width: Math.round(size * (2 / 3)),
  height: size,
  format: 'webp',
  contentType: 'image/webp',
  bytes: size * 10,
});

const allVariants = [
  succeed(rendered('thumb', 150)),
  succeed(rendered('medium', 640)),
  succeed(rendered('large', 1280)),
];

const localAnalysis = succeed({
  status: 'Completed' as const,
  provider: 'local' as const,
  text: 'HELLO',
  colors: ['#ff0000'],
  blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
  phash: '8000000000000000',
});

describe('Function: acceptedRecord', () => {
  it('builds the record of a just-uploaded image', () => {
    // Prepare / Act
    const record = acceptedRecord({
      id: 'abc',
      now: new Date('2024-02-03T04:05:06.007Z'),
      filename: 'a.png',
      format: 'png',
      contentType: 'image/png',
      bytes: 42,
      sha256: 'e'.repeat(64),
      instanceId: 'img-abc-123',
    });

    // Assess
    expect(record).toEqual({
      id: 'abc',
      status: 'Accepted',
      createdAt: '2024-02-03T04:05:06.007Z',
      updatedAt: '2024-02-03T04:05:06.007Z',
      source: {
        filename: 'a.png',
        contentType: 'image/png',
        bytes: 42,
        width: null,
        height: null,
        format: 'png',
        sha256: 'e'.repeat(64),
      },
      variants: [],
      analysis: null,
      steps: [],
      exif: null,
      orchestration: { instanceId: 'img-abc-123', runtimeStatus: 'Pending' },
    });
    expect(isFinished(record.status)).toBe(false);
  });
});

describe('Function: decideVerdict', () => {
  it('completes when every variant and the analysis succeeded', () => {
    // Prepare / Act
    const verdict = decideVerdict('local', allVariants, localAnalysis);

    // Assess
    expect(verdict).toEqual({ status: 'Completed', analysis: localAnalysis.value });
  });

  it('fails the image with the first variant failure', () => {
    // Prepare
    const variants = [
      succeed(rendered('thumb', 150)),
      fail('CORRUPT_IMAGE', 'premature end of JPEG image'),
      fail('PROCESSING_FAILED', 'kept failing'),
    ];

    // Act
    const verdict = decideVerdict('local', variants, localAnalysis);

    // Assess
    expect(verdict.status).toBe('Failed');
    expect(verdict.error).toEqual({
      code: 'CORRUPT_IMAGE',
      message: 'premature end of JPEG image',
    });
  });

  it('only warns when the analysis is missing', () => {
    // Prepare / Act
    const failed = decideVerdict('local', allVariants, fail('ANALYSIS_FAILED', 'OCR crashed'));
    const deferred = decideVerdict('azure', allVariants, fail('ANALYSIS_DEFERRED', 'quota spent'));

    // Assess
    expect(failed).toMatchObject({
      status: 'CompletedWithWarnings',
      error: { code: 'ANALYSIS_FAILED' },
      analysis: { status: 'Failed', provider: 'local', error: { code: 'ANALYSIS_FAILED' } },
    });
    expect(deferred).toMatchObject({
      status: 'CompletedWithWarnings',
      error: { code: 'ANALYSIS_DEFERRED' },
      analysis: { status: 'Deferred', provider: 'azure' },
    });
  });

  it('records a skipped analysis when the analyzer is none', () => {
    // Prepare / Act
    const verdict = decideVerdict('none', allVariants, { ok: 'skipped' });

    // Assess
    expect(verdict).toEqual({
      status: 'Completed',
      analysis: { status: 'Skipped', provider: 'none' },
    });
  });
});

describe('Function: finishedRecord', () => {
  it('lists the variants with their public URLs and the source facts', () => {
    // Prepare
    const verdict = decideVerdict('local', allVariants, localAnalysis);

    // Act
    const record = finishedRecord(facts, verdict, allVariants);

    // Assess
    expect(record.status).toBe('Completed');
    expect(record.error).toBeUndefined();
    expect(record.source).toEqual({
      filename: 'cat.jpg',
      contentType: 'image/jpeg',
      bytes: 12345,
      width: 2000,
      height: 3000,
      format: 'jpeg',
      sha256: 'f'.repeat(64),
    });
    expect(record.variants.map((variant) => variant.url)).toEqual([
      '/api/images/img1/variants/thumb',
      '/api/images/img1/variants/medium',
      '/api/images/img1/variants/large',
    ]);
    expect(record.orchestration).toEqual({
      instanceId: 'img-img1-abc',
      runtimeStatus: 'Completed',
    });
    expect(record.exif).toEqual({ make: 'Acme' });
  });

  it('lists no variants for a failed image', () => {
    // Prepare
    const variants = [succeed(rendered('thumb', 150)), fail('CORRUPT_IMAGE', 'bad')];
    const verdict = decideVerdict('local', variants, localAnalysis);

    // Act
    const record = finishedRecord(facts, verdict, variants);

    // Assess
    expect(record.status).toBe('Failed');
    expect(record.variants).toEqual([]);
    expect(record.error?.code).toBe('CORRUPT_IMAGE');
  });
});

describe('Function: mergeForSave', () => {
  const accepted = acceptedRecord({
    id: 'img1',
    now: new Date('2023-12-31T23:59:59.000Z'),
    filename: 'cat.jpg',
    format: 'jpeg',
    contentType: 'image/jpeg',
    bytes: 12345,
    sha256: 'f'.repeat(64),
    instanceId: 'img-img1-abc',
  });

  it('keeps the first createdAt and the source facts from the upload', () => {
    // Prepare
    const failed = failedRecord(
      { ...facts, inspection: undefined },
      {
        code: 'IMAGE_TOO_LARGE',
        message: 'too many pixels',
      },
    );

    // Act
    const merged = mergeForSave(accepted, failed);

    // Assess
    expect(merged?.createdAt).toBe('2023-12-31T23:59:59.000Z');
    expect(merged?.status).toBe('Failed');
    expect(merged?.source).toMatchObject({ bytes: 12345, format: 'jpeg', sha256: 'f'.repeat(64) });
  });

  it('refuses to move a finished run back to Processing', () => {
    // Prepare
    const done = finishedRecord(
      facts,
      decideVerdict('local', allVariants, localAnalysis),
      allVariants,
    );
    const lateProgress = processingRecord(facts);

    // Act
    const merged = mergeForSave(done, lateProgress);

    // Assess
    expect(merged).toBeUndefined();
  });

  it('lets a new run replace a finished record', () => {
    // Prepare
    const done = finishedRecord(
      facts,
      decideVerdict('local', allVariants, localAnalysis),
      allVariants,
    );
    const rerun = processingRecord({ ...facts, instanceId: 'img-img1-def' });

    // Act
    const merged = mergeForSave(done, rerun);

    // Assess
    expect(merged?.status).toBe('Processing');
  });

  it('is idempotent: saving the same record twice gives the same document', () => {
    // Prepare
    const done = finishedRecord(
      facts,
      decideVerdict('local', allVariants, localAnalysis),
      allVariants,
    );

    // Act
    const once = mergeForSave(accepted, done);
    const twice = mergeForSave(once, done);

    // Assess
    expect(twice).toEqual(once);
  });
});

describe('Function: toImageRecord', () => {
  it('drops database bookkeeping and rejects foreign documents', () => {
    // Prepare
    const stored: ImageRecord & Record<string, unknown> = {
      ...processingRecord(facts),
      _rid: 'x',
      _etag: '"1"',
      _ts: 1,
    };

    // Act
    const record = toImageRecord(stored);

    // Assess
    expect(record).toEqual(processingRecord(facts));
    expect(toImageRecord({ id: 'x', status: 'Nope' })).toBeUndefined();
    expect(toImageRecord('text')).toBeUndefined();
  });
});
