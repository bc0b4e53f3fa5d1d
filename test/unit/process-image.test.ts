import { fail, succeed } from '../../src/domain/outcome';
import type {
  Inspection,
  ProcessImageInput,
  RenderedVariant,
  ResizeImageInput,
} from '../../src/domain/pipeline';
import type { ImageRecord, Step } from '../../src/domain/record';
import { variantSpecs } from '../../src/domain/variants';
import { Activities } from '../../src/names';
import { processImage } from '../../src/orchestrators/process-image';
import { type Activity, replay, type ReplayResult } from './support/durable-replay';

const INSTANCE = 'img-01hq3k9x2m4n5p6q7r8s9t0v1w-0123456789ab';

const input: ProcessImageInput = {
  imageId: '01hq3k9x2m4n5p6q7r8s9t0v1w',
  blobName: '01hq3k9x2m4n5p6q7r8s9t0v1w',
  source: { filename: 'cat.jpg', contentType: 'image/jpeg' },
  variants: variantSpecs('webp'),
  analyzer: 'local',
  maxInputPixels: 50_000_000,
};

const inspection: Inspection = {
  format: 'jpeg',
  contentType: 'image/jpeg',
  width: 2000,
  height: 3000,
  bytes: 123_456,
  sha256: 'b'.repeat(64),
  exif: { make: 'Acme', orientation: 6 },
};

function rendered(request: unknown): RenderedVariant {
  const { variant } = request as ResizeImageInput;
  return {
    name: variant.name,
    width: Math.round(variant.maxHeight * (2 / 3)),
    height: variant.maxHeight,
    format: variant.format,
    contentType: `image/${variant.format}`,
    bytes: variant.maxHeight * 10,
  };
}

function activities(overrides: Partial<Record<string, Activity>> = {}): Record<string, Activity> {
  return {
    [Activities.inspectImage]: () => succeed(inspection),
    [Activities.resizeImage]: (request) => succeed(rendered(request)),
    [Activities.analyzeImage]: () =>
      succeed({ status: 'Completed', provider: 'local', text: 'HELLO', phash: '8000000000000000' }),
    [Activities.saveRecord]: () => ({ saved: true }),
    ...overrides,
  };
}

function savedRecords(result: ReplayResult): ImageRecord[] {
  return result.calls
    .filter((call) => call.name === Activities.saveRecord)
    .map((call) => (call.input as { record: ImageRecord }).record);
}

function finalRecord(result: ReplayResult): ImageRecord {
  const records = savedRecords(result);
  const last = records[records.length - 1];
  if (last === undefined) throw new Error('No record was saved');
  return last;
}

function stepsByName(steps: Step[]): Record<string, Step> {
  return Object.fromEntries(steps.map((step) => [step.name, step]));
}

describe('Orchestrator: processImage', () => {
  it('inspects, fans out, fans in and saves a Completed record', async () => {
    // Prepare / Act
    const result = await replay(processImage, input, activities(), { instanceId: INSTANCE });

    // Assess
    expect(result.runtimeStatus).toBe('Completed');
    expect(result.output).toEqual({ imageId: input.imageId, status: 'Completed' });
    const record = finalRecord(result);
    expect(record).toMatchObject({
      id: input.imageId,
      status: 'Completed',
      createdAt: '2024-06-01T12:00:00.000Z',
      source: { filename: 'cat.jpg', width: 2000, height: 3000, format: 'jpeg', bytes: 123_456 },
      analysis: { status: 'Completed', provider: 'local', text: 'HELLO' },
      exif: { make: 'Acme', orientation: 6 },
      orchestration: { instanceId: INSTANCE, runtimeStatus: 'Completed' },
    });
    expect(record.error).toBeUndefined();
    expect(record.variants.map((variant) => [variant.name, variant.url])).toEqual([
      ['thumb', `/api/images/${input.imageId}/variants/thumb`],
      ['medium', `/api/images/${input.imageId}/variants/medium`],
      ['large', `/api/images/${input.imageId}/variants/large`],
    ]);
    expect(record.steps.map((step) => [step.name, step.status, step.attempts])).toEqual([
      ['inspect', 'Completed', 1],
      ['resize:thumb', 'Completed', 1],
      ['resize:medium', 'Completed', 1],
      ['resize:large', 'Completed', 1],
      ['analyze', 'Completed', 1],
    ]);
    for (const step of record.steps) {
      expect(Date.parse(step.completedAt!)).toBeGreaterThanOrEqual(Date.parse(step.startedAt!));
    }
  });

  it('calls each activity once, in parallel after inspection, and writes progress', async () => {
    // Prepare / Act
    const result = await replay(processImage, input, activities(), { instanceId: INSTANCE });

    // Assess
    expect(result.calls.map((call) => call.name)).toEqual([
      Activities.inspectImage,
      Activities.resizeImage,
      Activities.resizeImage,
      Activities.resizeImage,
      Activities.saveRecord,
      Activities.analyzeImage,
      Activities.saveRecord,
    ]);
    // All five fan-out calls were scheduled by one episode, before any of them finished.
    const scheduled = result.history.filter((event) => event.EventType === 4);
    const fanOutIds = scheduled.slice(1, 6).map((event) => event.EventId);
    expect(new Set(fanOutIds).size).toBe(5);
    expect(savedRecords(result).map((record) => record.status)).toEqual([
      'Processing',
      'Completed',
    ]);
  });

  it('publishes per-step progress in the custom status', async () => {
    // Prepare / Act
    const result = await replay(processImage, input, activities(), { instanceId: INSTANCE });

    // Assess
    const statuses = result.customStatuses.map((status) =>
      stepsByName((status as { steps: Step[] }).steps),
    );
    expect(statuses[0]?.inspect?.status).toBe('Running');
    const fanningOut = statuses.find((steps) => steps['resize:thumb']?.status === 'Running');
    expect(fanningOut?.inspect?.status).toBe('Completed');
    expect(fanningOut?.analyze?.status).toBe('Running');
    const last = statuses[statuses.length - 1]!;
    expect(Object.values(last).every((step) => step.status === 'Completed')).toBe(true);
    expect(last.save?.completedAt).toEqual(expect.any(String));
  });

  it('fails the image with CORRUPT_IMAGE when decoding fails', async () => {
    // Prepare
    const corrupt = activities({
      [Activities.resizeImage]: () =>
        fail('CORRUPT_IMAGE', 'VipsJpeg: premature end of JPEG image'),
    });

    // Act
    const result = await replay(processImage, input, corrupt, { instanceId: INSTANCE });

    // Assess
    expect(result.runtimeStatus).toBe('Completed');
    expect(result.output).toMatchObject({ status: 'Failed', error: { code: 'CORRUPT_IMAGE' } });
    const record = finalRecord(result);
    expect(record.status).toBe('Failed');
    expect(record.error).toEqual({
      code: 'CORRUPT_IMAGE',
      message: 'VipsJpeg: premature end of JPEG image',
    });
    expect(record.variants).toEqual([]);
    expect(stepsByName(record.steps)['resize:thumb']).toMatchObject({
      status: 'Failed',
      attempts: 1,
      error: { code: 'CORRUPT_IMAGE' },
    });
    // Permanent failures are values: nothing was retried.
    expect(result.calls.every((call) => call.attempt === 1)).toBe(true);
  });

  it('stops after inspection for an oversized image and skips the rest', async () => {
    // Prepare
    const tooLarge = activities({
      [Activities.inspectImage]: () => fail('IMAGE_TOO_LARGE', 'The image is 12000×12000'),
    });

    // Act
    const result = await replay(processImage, input, tooLarge, { instanceId: INSTANCE });

    // Assess
    expect(result.calls.map((call) => call.name)).toEqual([
      Activities.inspectImage,
      Activities.saveRecord,
    ]);
    const record = finalRecord(result);
    expect(record).toMatchObject({ status: 'Failed', error: { code: 'IMAGE_TOO_LARGE' } });
    expect(record.steps.map((step) => step.status)).toEqual([
      'Failed',
      'Skipped',
      'Skipped',
      'Skipped',
      'Skipped',
    ]);
  });

  it('retries a transient failure with backoff and counts the attempts', async () => {
    // Prepare: the medium resize throws twice, then works
    const flaky = activities({
      [Activities.resizeImage]: (request, attempt) => {
        if ((request as ResizeImageInput).variant.name === 'medium' && attempt < 3) {
          throw new Error('503 Server Busy');
        }
        return succeed(rendered(request));
      },
    });

    // Act
    const result = await replay(processImage, input, flaky, { instanceId: INSTANCE });

    // Assess
    const record = finalRecord(result);
    expect(record.status).toBe('Completed');
    expect(stepsByName(record.steps)['resize:medium']).toMatchObject({
      status: 'Completed',
      attempts: 3,
    });
    expect(stepsByName(record.steps)['resize:thumb']).toMatchObject({ attempts: 1 });
    // First retry after 2 s, the second after 4 s.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(6000);
    expect(result.elapsedMs).toBeLessThan(8000);
  });

  it('fails the image when a resize keeps failing, after four attempts', async () => {
    // Prepare
    const broken = activities({
      [Activities.resizeImage]: (request) => {
        if ((request as ResizeImageInput).variant.name === 'large') throw new Error('disk full');
        return succeed(rendered(request));
      },
    });

    // Act
    const result = await replay(processImage, input, broken, { instanceId: INSTANCE });

    // Assess
    const attempts = result.calls.filter(
      (call) => (call.input as Partial<ResizeImageInput>).variant?.name === 'large',
    );
    expect(attempts.map((call) => call.attempt)).toEqual([1, 2, 3, 4]);
    const record = finalRecord(result);
    expect(record.status).toBe('Failed');
    expect(record.error?.code).toBe('PROCESSING_FAILED');
    expect(record.error?.message).toContain('disk full');
    expect(stepsByName(record.steps)['resize:large']).toMatchObject({
      status: 'Failed',
      attempts: 4,
    });
  });

  it('completes with warnings when only the analysis keeps failing, and still waits for the resizes', async () => {
    // Prepare: analysis throws every time; resize results arrive after it has given up
    const noAnalysis = activities({
      [Activities.analyzeImage]: () => {
        throw new Error('OCR worker crashed');
      },
    });

    // Act
    const result = await replay(processImage, input, noAnalysis, {
      instanceId: INSTANCE,
      deliverLast: [Activities.resizeImage],
    });

    // Assess
    expect(result.runtimeStatus).toBe('Completed');
    const record = finalRecord(result);
    expect(record.status).toBe('CompletedWithWarnings');
    expect(record.error?.code).toBe('ANALYSIS_FAILED');
    expect(record.analysis).toMatchObject({ status: 'Failed', provider: 'local' });
    expect(record.variants).toHaveLength(3);
    expect(stepsByName(record.steps).analyze).toMatchObject({ status: 'Failed', attempts: 4 });
    expect(
      record.steps.filter((step) => step.name.startsWith('resize:')).map((step) => step.status),
    ).toEqual(['Completed', 'Completed', 'Completed']);
  });

  it('skips the analysis when the analyzer is none', async () => {
    // Prepare / Act
    const result = await replay(processImage, { ...input, analyzer: 'none' }, activities(), {
      instanceId: INSTANCE,
    });

    // Assess
    expect(result.calls.some((call) => call.name === Activities.analyzeImage)).toBe(false);
    const record = finalRecord(result);
    expect(record.status).toBe('Completed');
    expect(record.analysis).toEqual({ status: 'Skipped', provider: 'none' });
    expect(stepsByName(record.steps).analyze).toMatchObject({ status: 'Skipped', attempts: 0 });
  });

  it('ignores a failed progress write', async () => {
    // Prepare: only the Processing write fails
    const flakySave = activities({
      [Activities.saveRecord]: (request) => {
        if ((request as { record: ImageRecord }).record.status === 'Processing')
          throw new Error('429');
        return { saved: true };
      },
    });

    // Act
    const result = await replay(processImage, input, flakySave, { instanceId: INSTANCE });

    // Assess
    expect(result.runtimeStatus).toBe('Completed');
    expect(finalRecord(result).status).toBe('Completed');
  });

  it('fails the orchestration when the final record cannot be saved', async () => {
    // Prepare
    const noDatabase = activities({
      [Activities.saveRecord]: () => {
        throw new Error('Cosmos DB unavailable');
      },
    });

    // Act
    const result = await replay(processImage, input, noDatabase, { instanceId: INSTANCE });

    // Assess
    expect(result.runtimeStatus).toBe('Failed');
    expect(result.error).toContain('Cosmos DB unavailable');
  });

  it('fails fast on malformed input', async () => {
    // Prepare / Act
    const result = await replay(processImage, { imageId: 'x' }, activities(), {
      instanceId: INSTANCE,
    });

    // Assess
    expect(result.runtimeStatus).toBe('Failed');
    expect(result.calls).toEqual([]);
  });
});
