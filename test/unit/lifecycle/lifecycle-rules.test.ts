/**
 * The pure rules of the image lifecycle: the processing spec, which twin variants are copied,
 * which runs the retention may purge, and what reconciliation does with a stalled record.
 */
import { processingSpecOf } from '../../../src/domain/lifecycle/processing-spec';
import { decideReconcile, lostRecord, runIdFor } from '../../../src/domain/lifecycle/reconcile';
import { historyCutoff, isPurgeable } from '../../../src/domain/lifecycle/retention';
import { type Twin, variantsToCopy } from '../../../src/domain/lifecycle/twin';
import { acceptedRecord, type ImageRecord } from '../../../src/domain/record';
import { variantSpecs } from '../../../src/domain/pipeline/variants';

describe('Function: processingSpecOf', () => {
  it('names every variant box and format and the analyzer version, readably', () => {
    // Act
    const spec = processingSpecOf(variantSpecs('webp'), 'azure');
    // Assess
    expect(spec).toBe(
      'thumb=150x150.webp,medium=640x640.webp,large=1280x1280.webp;analysis=azure-vision-4.0',
    );
  });

  it('differs when the format or the analyzer differs, and only then', () => {
    // Act
    const base = processingSpecOf(variantSpecs('webp'), 'local');
    // Assess
    expect(processingSpecOf(variantSpecs('webp'), 'local')).toBe(base);
    expect(processingSpecOf(variantSpecs('avif'), 'local')).not.toBe(base);
    expect(processingSpecOf(variantSpecs('webp'), 'none')).not.toBe(base);
  });
});

describe('Function: variantsToCopy', () => {
  const twin: Twin = {
    id: 'twin',
    analysis: { status: 'Completed', provider: 'local' },
    variants: variantSpecs('webp').map((spec) => ({
      name: spec.name,
      width: 10,
      height: 10,
      format: spec.format,
      contentType: 'image/webp',
      bytes: 5,
      url: `/api/images/twin/variants/${spec.name}`,
    })),
  };

  it('takes each variant of the spec, without the twin url', () => {
    // Act
    const copies = variantsToCopy(twin, variantSpecs('webp'));
    // Assess
    expect(copies?.map((copy) => copy.name)).toEqual(['thumb', 'medium', 'large']);
    expect(copies?.[0]).not.toHaveProperty('url');
  });

  it('refuses a twin missing a variant or holding another format', () => {
    // Act / Assess
    expect(
      variantsToCopy({ ...twin, variants: twin.variants.slice(1) }, variantSpecs('webp')),
    ).toBe(undefined);
    expect(variantsToCopy(twin, variantSpecs('jpeg'))).toBeUndefined();
  });
});

describe('Function: historyCutoff and isPurgeable', () => {
  const now = new Date('2026-12-01T00:00:00.000Z');

  it('keeps everything with 0 days, and takes fractions of days', () => {
    // Act / Assess
    expect(historyCutoff(now, 0)).toBeUndefined();
    expect(historyCutoff(now, 30)).toBe('2026-11-01T00:00:00.000Z');
    expect(historyCutoff(now, 0.5)).toBe('2026-11-30T12:00:00.000Z');
  });

  it('purges only finished runs created at or before the cutoff', () => {
    // Prepare
    const cutoff = '2026-11-01T00:00:00.000Z';
    const old = '2026-10-01T00:00:00.000Z';
    // Act / Assess
    expect(isPurgeable({ runtimeStatus: 'Completed', createdTime: old }, cutoff)).toBe(true);
    expect(isPurgeable({ runtimeStatus: 'Failed', createdTime: old }, cutoff)).toBe(true);
    expect(isPurgeable({ runtimeStatus: 'Terminated', createdTime: cutoff }, cutoff)).toBe(true);
    expect(isPurgeable({ runtimeStatus: 'Running', createdTime: old }, cutoff)).toBe(false);
    expect(isPurgeable({ runtimeStatus: 'Pending', createdTime: old }, cutoff)).toBe(false);
    expect(isPurgeable({ runtimeStatus: 'Suspended', createdTime: old }, cutoff)).toBe(false);
    expect(
      isPurgeable({ runtimeStatus: 'Completed', createdTime: '2026-11-02T00:00:00Z' }, cutoff),
    ).toBe(false);
  });
});

describe('Function: decideReconcile', () => {
  const now = new Date('2026-12-01T01:00:00.000Z');
  const createdAt = new Date('2026-12-01T00:00:00.000Z');
  const uploaded = (overrides: Partial<ImageRecord> = {}): ImageRecord => ({
    ...acceptedRecord({
      id: '01img0000000000000000000aa',
      now: createdAt,
      filename: 'a.jpg',
      format: 'jpeg',
      contentType: 'image/jpeg',
      bytes: 10,
      sha256: null,
      instanceId: 'img-01img0000000000000000000aa-0123456789ab',
    }),
    ...overrides,
  });
  const facts = {
    tombstoned: false,
    sourceEtag: '"0x1"',
    run: undefined,
    now,
    uploadUrlTtlSeconds: 600,
  };

  it('starts the run the upload event would have started when none exists', () => {
    // Act
    const action = decideReconcile({ ...facts, record: uploaded() });
    // Assess
    expect(action).toEqual({
      kind: 'start',
      instanceId: runIdFor('01img0000000000000000000aa', '"0x1"'),
    });
    expect(runIdFor('01img0000000000000000000aa', '"0x1"')).toMatch(
      /^img-01img0000000000000000000aa-[0-9a-f]{12}$/,
    );
  });

  it('leaves a deleted image, and one with a run going on', () => {
    // Act / Assess
    expect(decideReconcile({ ...facts, record: uploaded(), tombstoned: true }).kind).toBe('leave');
    const running = { runtimeStatus: 'Running', customStatus: null, output: null };
    expect(decideReconcile({ ...facts, record: uploaded(), run: running }).kind).toBe('leave');
    const gone = { ...facts, record: uploaded(), sourceEtag: undefined, run: running };
    expect(decideReconcile(gone).kind).toBe('leave');
  });

  it('stores what reads show when the run ended without saving', () => {
    // Prepare
    const record = uploaded({ status: 'Processing' });
    const terminated = { runtimeStatus: 'Terminated', customStatus: null, output: 'stop' };
    // Act
    const action = decideReconcile({ ...facts, record, run: terminated });
    // Assess
    expect(action.kind).toBe('settle');
    expect(action.kind === 'settle' && action.record).toMatchObject({
      status: 'Failed',
      error: { code: 'PROCESSING_TERMINATED' },
    });
  });

  it('declares the source lost when the blob is gone and nothing runs', () => {
    // Act
    const action = decideReconcile({ ...facts, record: uploaded(), sourceEtag: undefined });
    // Assess
    expect(action).toEqual({ kind: 'lost' });
    expect(lostRecord(uploaded(), now.toISOString())).toMatchObject({
      status: 'Failed',
      updatedAt: now.toISOString(),
      error: { code: 'SOURCE_LOST' },
    });
  });

  it('waits for an upload URL to expire before declaring its bytes lost', () => {
    // Prepare: an upload URL handed out, no bytes yet
    const record = uploaded({ orchestration: { instanceId: null, runtimeStatus: 'Pending' } });
    const gone = { ...facts, record, sourceEtag: undefined };
    // Act / Assess
    expect(decideReconcile({ ...gone, uploadUrlTtlSeconds: 7200 }).kind).toBe('leave');
    expect(decideReconcile({ ...gone, uploadUrlTtlSeconds: 600 }).kind).toBe('lost');
  });
});
