import { fail, succeed } from '../../src/domain/outcome';
import type { RenderedVariant } from '../../src/domain/pipeline/pipeline';
import { type ImageRecord, mergeForSave, toImageRecord } from '../../src/domain/record';
import type { ReprocessChange } from '../../src/domain/reprocess/reprocess';
import { applyReprocessing, MAX_REPROCESSINGS_KEPT } from '../../src/domain/reprocess/apply';
import { matchesFilter, processingVersionOf } from '../../src/domain/reprocess/filter';

const AT = '2026-11-21T12:00:00.000Z';

function record(overrides: Partial<ImageRecord> = {}): ImageRecord {
  return {
    id: 'img1',
    status: 'Completed',
    createdAt: '2026-11-20T08:00:00.000Z',
    updatedAt: '2026-11-20T08:00:01.000Z',
    source: {
      filename: 'cat.jpg',
      contentType: 'image/jpeg',
      bytes: 10,
      width: 20,
      height: 10,
      format: 'jpeg',
      sha256: 'a'.repeat(64),
    },
    variants: [
      {
        name: 'thumb',
        width: 20,
        height: 10,
        format: 'webp',
        contentType: 'image/webp',
        bytes: 5,
        url: '/api/images/img1/variants/thumb',
      },
    ],
    analysis: { status: 'Completed', provider: 'local', text: 'old' },
    steps: [],
    exif: null,
    orchestration: { instanceId: 'img-img1-abc', runtimeStatus: 'Completed' },
    ...overrides,
  };
}

function change(overrides: Partial<ReprocessChange> = {}): ReprocessChange {
  return {
    instanceId: 'reprocess-b1-img1',
    batchId: 'b1',
    steps: ['analyze'],
    requestedAt: '2026-11-21T11:59:00.000Z',
    completedAt: '2026-11-21T11:59:30.000Z',
    analyzer: 'local',
    runSteps: [],
    ...overrides,
  };
}

const thumb: RenderedVariant = {
  name: 'thumb',
  width: 150,
  height: 75,
  format: 'webp',
  contentType: 'image/webp',
  bytes: 77,
};

describe('Function: applyReprocessing', () => {
  it('bumps the version from 1 and records the reprocessing in the history', () => {
    // Act
    const {
      applied,
      record: next,
      entry,
    } = applyReprocessing(
      record(),
      change({ analysis: succeed({ status: 'Completed', provider: 'local', text: 'new' }) }),
      AT,
    );

    // Assess
    expect(applied).toBe(true);
    expect(entry).toEqual({
      version: 2,
      batchId: 'b1',
      steps: ['analyze'],
      requestedAt: '2026-11-21T11:59:00.000Z',
      completedAt: '2026-11-21T11:59:30.000Z',
      status: 'Completed',
      instanceId: 'reprocess-b1-img1',
    });
    expect(next.processingVersion).toBe(2);
    expect(next.reprocessings).toEqual([entry]);
    expect(next.updatedAt).toBe(AT);
    expect(next.analysis?.text).toBe('new');
    expect(next.variants).toEqual(record().variants);
  });

  it('changes nothing when the same instance was already applied', () => {
    // Prepare
    const once = applyReprocessing(record(), change(), AT).record;

    // Act
    const twice = applyReprocessing(once, change(), '2026-11-21T13:00:00.000Z');

    // Assess
    expect(twice.applied).toBe(false);
    expect(twice.record).toBe(once);
    expect(twice.entry.version).toBe(2);
  });

  it('replaces the variants when they were redone and keeps the analysis', () => {
    // Act
    const { record: next } = applyReprocessing(
      record({ processingVersion: 4 }),
      change({ steps: ['resize'], variants: [succeed(thumb)] }),
      AT,
    );

    // Assess
    expect(next.variants).toEqual([{ ...thumb, url: '/api/images/img1/variants/thumb' }]);
    expect(next.analysis?.text).toBe('old');
    expect(next.processingVersion).toBe(5);
  });

  it('fails the image and drops its variants when a redone variant fails', () => {
    // Act
    const { record: next, entry } = applyReprocessing(
      record(),
      change({ steps: ['resize'], variants: [fail('CORRUPT_IMAGE', 'broken')] }),
      AT,
    );

    // Assess
    expect(next).toMatchObject({
      status: 'Failed',
      variants: [],
      error: { code: 'CORRUPT_IMAGE' },
    });
    expect(entry).toMatchObject({ status: 'Failed', error: { code: 'CORRUPT_IMAGE' } });
  });

  it('keeps a failed image failed when only the analysis is redone', () => {
    // Prepare
    const failed = record({
      status: 'Failed',
      variants: [],
      error: { code: 'CORRUPT_IMAGE', message: 'broken' },
    });

    // Act
    const { record: next } = applyReprocessing(
      failed,
      change({ analysis: succeed({ status: 'Completed', provider: 'local' }) }),
      AT,
    );

    // Assess
    expect(next).toMatchObject({ status: 'Failed', error: { code: 'CORRUPT_IMAGE' } });
    expect(next.analysis?.status).toBe('Completed');
  });

  it('warns about a kept deferred analysis after the variants are redone', () => {
    // Prepare
    const deferred = record({
      status: 'CompletedWithWarnings',
      analysis: {
        status: 'Deferred',
        provider: 'azure',
        error: { code: 'ANALYSIS_DEFERRED', message: 'no slot' },
      },
    });

    // Act
    const { record: next } = applyReprocessing(
      deferred,
      change({ steps: ['resize'], variants: [succeed(thumb)] }),
      AT,
    );

    // Assess
    expect(next.status).toBe('CompletedWithWarnings');
    expect(next.error).toEqual({ code: 'ANALYSIS_DEFERRED', message: 'no slot' });
  });

  it('takes the source facts from the new inspection', () => {
    // Act
    const { record: next } = applyReprocessing(
      record(),
      change({
        inspection: {
          format: 'png',
          contentType: 'image/png',
          width: 40,
          height: 30,
          bytes: 99,
          sha256: 'b'.repeat(64),
          exif: { make: 'Acme' },
        },
      }),
      AT,
    );

    // Assess
    expect(next.source).toEqual({
      filename: 'cat.jpg',
      contentType: 'image/png',
      bytes: 99,
      width: 40,
      height: 30,
      format: 'png',
      sha256: 'b'.repeat(64),
    });
    expect(next.exif).toEqual({ make: 'Acme' });
  });

  it(`keeps the latest ${MAX_REPROCESSINGS_KEPT} reprocessings`, () => {
    // Prepare
    let current = record();
    for (let i = 0; i < MAX_REPROCESSINGS_KEPT + 3; i++) {
      current = applyReprocessing(current, change({ instanceId: `r-${i}` }), AT).record;
    }

    // Assess
    expect(current.processingVersion).toBe(MAX_REPROCESSINGS_KEPT + 4);
    expect(current.reprocessings).toHaveLength(MAX_REPROCESSINGS_KEPT);
    expect(current.reprocessings?.[0]?.instanceId).toBe('r-3');
  });
});

describe('Record fields: processingVersion and reprocessings', () => {
  it('reads records without them as version 1, and keeps them when stored', () => {
    // Prepare
    const applied = applyReprocessing(record(), change(), AT).record;

    // Act
    const read = toImageRecord({ ...applied, _etag: '"x"' });
    const old = toImageRecord(record());

    // Assess
    expect(read).toEqual(applied);
    expect(old?.processingVersion).toBeUndefined();
    expect(processingVersionOf(old!)).toBe(1);
    expect(
      toImageRecord({ ...record(), processingVersion: 'two' })?.processingVersion,
    ).toBeUndefined();
  });

  it('survive a rerun of the upload run that saves a record without them', () => {
    // Prepare
    const existing = applyReprocessing(record(), change(), AT).record;

    // Act
    const merged = mergeForSave(
      existing,
      record({ orchestration: { instanceId: 'restart-1', runtimeStatus: 'Completed' } }),
    );

    // Assess
    expect(merged?.processingVersion).toBe(2);
    expect(merged?.reprocessings).toEqual(existing.reprocessings);
  });

  it('are matched by the record filter', () => {
    // Assess
    const deferred = record({ analysis: { status: 'Deferred', provider: 'azure' } });
    expect(matchesFilter(deferred, { analysisStatus: 'Deferred' })).toBe(true);
    expect(matchesFilter(deferred, { statuses: ['Failed'] })).toBe(false);
    expect(matchesFilter(deferred, { createdFrom: '2026-11-20T08:00:00.000Z' })).toBe(true);
    expect(matchesFilter(deferred, { createdTo: '2026-11-20T07:59:59.999Z' })).toBe(false);
    expect(matchesFilter(deferred, { ids: ['other'] })).toBe(false);
  });
});
