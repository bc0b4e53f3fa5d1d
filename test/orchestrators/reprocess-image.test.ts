/**
 * The real `reprocessImage` orchestrator on devhost's durable engine (in-memory task hub), with
 * the real loadRecord and saveReprocessedRecord activities over an in-memory record store, and
 * stubs for the image work: inspect, resize, the local analysis and the Vision gate's
 * sub-orchestration. Each test owns its image ids, so tests share the hub.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { EventType } from '../../devhost/durable/history';
import type { OrchestrationState } from '../../devhost/durable/orchestration-state';
import { DurableHarness } from '../../devhost/testing/durable-harness';
import { createLoadRecord } from '../../src/activities/load-record';
import { createSaveReprocessedRecord } from '../../src/activities/save-reprocessed-record';
import { fail, type Outcome, succeed } from '../../src/domain/outcome';
import type {
  AnalyzeImageInput,
  InspectImageInput,
  Inspection,
  RenderedVariant,
  ResizeImageInput,
} from '../../src/domain/pipeline/pipeline';
import type { Analysis, ImageRecord, ImageStatus } from '../../src/domain/record';
import type {
  ReprocessImageInput,
  ReprocessImageResult,
} from '../../src/domain/reprocess/reprocess';
import { variantSpecs, type VariantName } from '../../src/domain/pipeline/variants';
import type { VisionPlan } from '../../src/domain/gate/endpoints';
import type { AnalyzeThroughGateInput } from '../../src/domain/gate/messages';
import { Activities, Orchestrators } from '../../src/names';
import { reprocessImage } from '../../src/orchestrators/reprocess-image';
import { MemoryRecordStore } from '../unit/support/memory-stores';

interface Scenario {
  inspection: Outcome<Inspection>;
  resize: Partial<Record<VariantName, Outcome<RenderedVariant>>>;
  analysis: Outcome<Analysis>;
  calls: string[];
}

const scenarios = new Map<string, Scenario>();
const records = new MemoryRecordStore();
let clockMs = Date.parse('2026-11-21T10:00:00.000Z');

const inspection: Inspection = {
  format: 'png',
  contentType: 'image/png',
  width: 800,
  height: 600,
  bytes: 4321,
  sha256: 'c'.repeat(64),
  exif: null,
};

function scenarioOf(imageId: string): Scenario {
  const scenario = scenarios.get(imageId);
  if (scenario === undefined) throw new Error(`No scenario for ${imageId}`);
  return scenario;
}

function rerendered(request: ResizeImageInput): RenderedVariant {
  // New sizes, so a test can tell a redone variant from a kept one.
  return {
    name: request.variant.name,
    width: request.variant.maxWidth - 1,
    height: request.variant.maxHeight - 2,
    format: request.variant.format,
    contentType: `image/${request.variant.format}`,
    bytes: 999,
  };
}

df.app.orchestration(Orchestrators.reprocessImage, reprocessImage);
df.app.orchestration(Orchestrators.analyzeThroughGate, function* (context: OrchestrationContext) {
  const input = context.df.getInput<AnalyzeThroughGateInput>();
  if (!context.df.isReplaying)
    scenarioOf(input.imageId).calls.push(`gate:${context.df.instanceId}`);
  yield context.df.createTimer(context.df.currentUtcDateTime);
  return succeed<Analysis>({ status: 'Completed', provider: 'azure', caption: 'a gated caption' });
});
df.app.activity(Activities.loadRecord, { handler: createLoadRecord({ records }) });
df.app.activity(Activities.saveReprocessedRecord, {
  handler: createSaveReprocessedRecord({ records, clock: () => new Date((clockMs += 1000)) }),
});
df.app.activity(Activities.inspectImage, {
  handler: (request: InspectImageInput) => {
    const scenario = scenarioOf(request.blobName);
    scenario.calls.push(Activities.inspectImage);
    return scenario.inspection;
  },
});
df.app.activity(Activities.resizeImage, {
  handler: (request: ResizeImageInput) => {
    const scenario = scenarioOf(request.imageId);
    scenario.calls.push(`${Activities.resizeImage}:${request.variant.name}`);
    return scenario.resize[request.variant.name] ?? succeed(rerendered(request));
  },
});
df.app.activity(Activities.analyzeImage, {
  handler: (request: AnalyzeImageInput) => {
    const scenario = scenarioOf(request.imageId);
    scenario.calls.push(Activities.analyzeImage);
    return scenario.analysis;
  },
});

let images = 0;

/** A finished record as the upload's run left it: three variants, a local analysis. */
function storedRecord(id: string, overrides: Partial<ImageRecord> = {}): ImageRecord {
  return {
    id,
    status: 'Completed',
    createdAt: '2026-11-20T08:00:00.000Z',
    updatedAt: '2026-11-20T08:00:02.000Z',
    source: {
      filename: 'cat.png',
      contentType: 'image/png',
      bytes: 4321,
      width: 800,
      height: 600,
      format: 'png',
      sha256: 'c'.repeat(64),
    },
    variants: variantSpecs('webp').map((spec) => ({
      name: spec.name,
      width: spec.maxWidth,
      height: spec.maxHeight,
      format: spec.format,
      contentType: 'image/webp',
      bytes: 100,
      url: `/api/images/${id}/variants/${spec.name}`,
    })),
    analysis: { status: 'Completed', provider: 'local', text: 'OLD TEXT' },
    steps: [],
    exif: null,
    orchestration: { instanceId: `img-${id}-000000000000`, runtimeStatus: 'Completed' },
    ...overrides,
  };
}

/** A fresh image: its stored record and what the stubs answer for it. */
async function arrange(
  recordOverrides: Partial<ImageRecord> | null = {},
  scenario: Partial<Scenario> = {},
): Promise<{ imageId: string; scenario: Scenario }> {
  const imageId = `01hz0000000000000000rp${String(++images).padStart(4, '0')}`;
  const full: Scenario = {
    inspection: succeed(inspection),
    resize: {},
    analysis: succeed<Analysis>({ status: 'Completed', provider: 'local', text: 'NEW TEXT' }),
    calls: [],
    ...scenario,
  };
  scenarios.set(imageId, full);
  if (recordOverrides !== null) await records.upsert(storedRecord(imageId, recordOverrides));
  return { imageId, scenario: full };
}

function inputFor(
  imageId: string,
  overrides: Partial<ReprocessImageInput> = {},
): ReprocessImageInput {
  return {
    imageId,
    steps: ['resize', 'analyze'],
    batchId: 'batch1',
    variants: variantSpecs('webp'),
    analyzer: 'local',
    maxInputPixels: 50_000_000,
    ...overrides,
  };
}

async function stored(imageId: string): Promise<ImageRecord> {
  const record = await records.get(imageId);
  if (record === undefined) throw new Error(`${imageId} has no record`);
  return record;
}

// Generous bounds for a busy machine; nothing here measures time.
jest.setTimeout(60_000);

describe('Orchestrator: reprocessImage', () => {
  let harness: DurableHarness;

  beforeAll(async () => {
    harness = await new DurableHarness().start();
  });

  afterAll(() => harness.stop());

  async function run(
    input: ReprocessImageInput,
    instanceId = `reprocess-batch1-${input.imageId}`,
  ): Promise<{ state: OrchestrationState; result: ReprocessImageResult }> {
    await harness.startOrchestration(Orchestrators.reprocessImage, input, instanceId);
    const state = await harness.waitForCompletion(instanceId, 15_000);
    expect(state.status).toBe('Completed');
    return { state, result: harness.output<ReprocessImageResult>(state) };
  }

  it('redoes only the analysis when asked to, keeping the variants and bumping the version', async () => {
    // Prepare
    const { imageId, scenario } = await arrange();
    const before = await stored(imageId);

    // Act
    const { result } = await run(inputFor(imageId, { steps: ['analyze'] }));

    // Assess
    expect(result).toEqual({ imageId, reprocessed: true, status: 'Completed', version: 2 });
    expect(scenario.calls).toEqual([Activities.inspectImage, Activities.analyzeImage]);
    const after = await stored(imageId);
    expect(after.variants).toEqual(before.variants);
    expect(after.analysis).toEqual({ status: 'Completed', provider: 'local', text: 'NEW TEXT' });
    expect(after.processingVersion).toBe(2);
    expect(after.steps.map((step) => [step.name, step.status])).toEqual([
      ['inspect', 'Completed'],
      ['analyze', 'Completed'],
    ]);
    expect(after.reprocessings).toEqual([
      {
        version: 2,
        batchId: 'batch1',
        steps: ['analyze'],
        requestedAt: expect.any(String),
        completedAt: expect.any(String),
        status: 'Completed',
        instanceId: `reprocess-batch1-${imageId}`,
      },
    ]);
    expect(after.orchestration).toEqual({
      instanceId: `reprocess-batch1-${imageId}`,
      runtimeStatus: 'Completed',
    });
    expect(after.createdAt).toBe(before.createdAt);
  });

  it('redoes only the variants when asked to, keeping the analysis', async () => {
    // Prepare
    const { imageId, scenario } = await arrange({ processingVersion: 3 });

    // Act
    const { result } = await run(inputFor(imageId, { steps: ['resize'] }));

    // Assess
    expect(result).toMatchObject({ reprocessed: true, status: 'Completed', version: 4 });
    expect(scenario.calls.sort()).toEqual([
      Activities.inspectImage,
      `${Activities.resizeImage}:large`,
      `${Activities.resizeImage}:medium`,
      `${Activities.resizeImage}:thumb`,
    ]);
    const after = await stored(imageId);
    expect(after.analysis).toEqual({ status: 'Completed', provider: 'local', text: 'OLD TEXT' });
    expect(after.variants.map((v) => [v.name, v.width, v.height, v.bytes])).toEqual([
      ['thumb', 149, 148, 999],
      ['medium', 639, 638, 999],
      ['large', 1279, 1278, 999],
    ]);
    expect(after.steps.map((step) => step.name)).toEqual([
      'inspect',
      'resize:thumb',
      'resize:medium',
      'resize:large',
    ]);
    expect(after.processingVersion).toBe(4);
    expect(after.reprocessings?.map((entry) => [entry.version, entry.steps])).toEqual([
      [4, ['resize']],
    ]);
  });

  it.each<[string, Outcome<Analysis>, string, Analysis['status']]>([
    ['deferred', fail('ANALYSIS_DEFERRED', 'No slot'), 'ANALYSIS_DEFERRED', 'Deferred'],
    ['failed', fail('ANALYSIS_FAILED', 'Refused'), 'ANALYSIS_FAILED', 'Failed'],
  ])(
    'completes with warnings when the new analysis is %s, keeping the variants',
    async (_name, analysis, code, analysisStatus) => {
      // Prepare
      const { imageId } = await arrange({}, { analysis });

      // Act
      const { result } = await run(inputFor(imageId, { steps: ['analyze'] }));

      // Assess
      expect(result).toMatchObject({ status: 'CompletedWithWarnings', error: { code } });
      const after = await stored(imageId);
      expect(after.status).toBe('CompletedWithWarnings');
      expect(after.error?.code).toBe(code);
      expect(after.analysis?.status).toBe(analysisStatus);
      expect(after.variants).toHaveLength(3);
      expect(after.reprocessings?.[0]).toMatchObject({ status: 'CompletedWithWarnings' });
    },
  );

  it('turns a warning into Completed when the analysis now works', async () => {
    // Prepare
    const { imageId } = await arrange({
      status: 'CompletedWithWarnings',
      error: { code: 'ANALYSIS_DEFERRED', message: 'later' },
      analysis: { status: 'Deferred', provider: 'local' },
    });

    // Act
    const { result } = await run(inputFor(imageId, { steps: ['analyze'] }));

    // Assess
    expect(result.status).toBe('Completed');
    const after = await stored(imageId);
    expect(after.status).toBe('Completed');
    expect(after.error).toBeUndefined();
  });

  it('fails the image when a redone variant fails', async () => {
    // Prepare
    const { imageId } = await arrange(
      {},
      { resize: { medium: fail('CORRUPT_IMAGE', 'premature end of data') } },
    );

    // Act
    const { result } = await run(inputFor(imageId));

    // Assess
    expect(result).toMatchObject({ status: 'Failed', reprocessed: true, version: 2 });
    const after = await stored(imageId);
    expect(after).toMatchObject({
      status: 'Failed',
      error: { code: 'CORRUPT_IMAGE' },
      variants: [],
    });
  });

  it('saves a Failed record when the source no longer passes inspection', async () => {
    // Prepare
    const { imageId, scenario } = await arrange(
      {},
      { inspection: fail('IMAGE_TOO_LARGE', 'The image is over the cap') },
    );

    // Act
    const { result } = await run(inputFor(imageId));

    // Assess
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'IMAGE_TOO_LARGE' } });
    expect(scenario.calls).toEqual([Activities.inspectImage]);
    const after = await stored(imageId);
    expect(after.steps.map((step) => [step.name, step.status])).toEqual([
      ['inspect', 'Failed'],
      ['resize:thumb', 'Skipped'],
      ['resize:medium', 'Skipped'],
      ['resize:large', 'Skipped'],
      ['analyze', 'Skipped'],
    ]);
    expect(after.processingVersion).toBe(2);
  });

  it.each<[string, Partial<ImageRecord> | null, string]>([
    ['an unknown image', null, 'NOT_FOUND'],
    [
      'an image still being processed',
      { status: 'Processing' as ImageStatus },
      'PROCESSING_FAILED',
    ],
  ])('answers a Failed result for %s without touching anything', async (_name, record, code) => {
    // Prepare
    const { imageId, scenario } = await arrange(record);
    const before = await records.get(imageId);

    // Act
    const { state, result } = await run(inputFor(imageId));

    // Assess
    expect(result).toMatchObject({ imageId, reprocessed: false, status: 'Failed', version: null });
    expect(result.error?.code).toBe(code);
    expect(scenario.calls).toEqual([]);
    expect(await records.get(imageId)).toEqual(before);
    const scheduled = state.history.filter((e) => e.EventType === EventType.TaskScheduled);
    expect(scheduled.map((e) => e.Name)).toEqual([Activities.loadRecord]);
  });

  it('applies the same reprocessing once, however often its instance runs', async () => {
    // Prepare
    const { imageId } = await arrange();
    const input = inputFor(imageId, { steps: ['analyze'] });
    const instanceId = `reprocess-again-${imageId}`;

    // Act: the same instance twice (e.g. restarted after a crash between save and completion)
    const first = await run(input, instanceId);
    const second = await run(input, instanceId);

    // Assess
    expect(first.result.version).toBe(2);
    expect(second.result).toMatchObject({ reprocessed: true, version: 2, status: 'Completed' });
    const after = await stored(imageId);
    expect(after.processingVersion).toBe(2);
    expect(after.reprocessings).toHaveLength(1);
  });

  it('analyses through the Vision gate sub-orchestration when the analyzer is azure', async () => {
    // Prepare
    const { imageId, scenario } = await arrange();
    const vision: VisionPlan = {
      gates: [{ id: 'vision-example', endpoint: 'https://vision.example/' }],
      settings: { callsPerMinute: 20, breakerFailures: 5, breakerSeconds: 30 },
      maxWaitMs: 60_000,
      maxAttempts: 3,
    };
    const instanceId = `reanalyze-${imageId}-v1`;

    // Act
    const { state, result } = await run(
      inputFor(imageId, { steps: ['analyze'], analyzer: 'azure', vision, batchId: null }),
      instanceId,
    );

    // Assess
    expect(result).toMatchObject({ status: 'Completed', version: 2 });
    expect(scenario.calls).toEqual([Activities.inspectImage, `gate:${instanceId}-analysis`]);
    const created = state.history.filter(
      (e) => e.EventType === EventType.SubOrchestrationInstanceCreated,
    );
    expect(created.map((e) => e.Name)).toEqual([Orchestrators.analyzeThroughGate]);
    const after = await stored(imageId);
    expect(after.analysis).toMatchObject({ provider: 'azure', caption: 'a gated caption' });
    expect(after.reprocessings?.[0]).toMatchObject({ batchId: null, instanceId });
  });

  it('skips the analysis step when the analyzer is none', async () => {
    // Prepare
    const { imageId, scenario } = await arrange();

    // Act
    const { result } = await run(inputFor(imageId, { analyzer: 'none' }));

    // Assess
    expect(result.status).toBe('Completed');
    expect(scenario.calls).not.toContain(Activities.analyzeImage);
    const after = await stored(imageId);
    expect(after.analysis).toEqual({ status: 'Skipped', provider: 'none' });
    expect(after.steps.find((step) => step.name === 'analyze')?.status).toBe('Skipped');
  });
});
