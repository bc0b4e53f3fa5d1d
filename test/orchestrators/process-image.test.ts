/**
 * The real `processImage` orchestrator on devhost's durable engine (in-memory task hub, real
 * durable-functions handlers), with stub activities under the real activity names. Each test
 * owns one image id; the stubs look up that image's scenario to decide what to answer, so tests
 * can share one hub and even run at the same time.
 */
import * as df from 'durable-functions';
import { EventType, type HistoryEvent } from '../../devhost/durable/history';
import type { OrchestrationState } from '../../devhost/durable/orchestration-state';
import { DurableHarness } from '../../devhost/testing/durable-harness';
import type { ErrorCode } from '../../src/domain/errors';
import { fail, type Outcome, succeed } from '../../src/domain/outcome';
import type {
  AnalyzeImageInput,
  InspectImageInput,
  Inspection,
  ProcessImageInput,
  ProcessImageResult,
  RenderedVariant,
  ResizeImageInput,
  SaveRecordInput,
  SaveRecordOutput,
} from '../../src/domain/pipeline/pipeline';
import type {
  CopyTwinVariantsInput,
  CopyTwinVariantsOutput,
  FindTwinInput,
  FindTwinOutput,
  Twin,
} from '../../src/domain/lifecycle/twin';
import type { Analysis, ImageRecord, ImageStatus, Step } from '../../src/domain/record';
import {
  type VariantName,
  type VariantSpec,
  variantSpecs,
} from '../../src/domain/pipeline/variants';
import { Activities, Orchestrators } from '../../src/names';
import { processImage } from '../../src/orchestrators/process-image';

/** One activity call as the stubs tell them apart: resizes by variant, saves by record status. */
type CallKey =
  | typeof Activities.inspectImage
  | `${typeof Activities.resizeImage}:${VariantName}`
  | typeof Activities.analyzeImage
  | typeof Activities.findTwin
  | typeof Activities.copyTwinVariants
  | `${typeof Activities.saveRecord}:${ImageStatus}`;

class Gate {
  open: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => {
    this.open = resolve;
  });
}

interface Scenario {
  inspection: Outcome<Inspection>;
  /** Per-variant answers; a variant not listed renders normally. */
  resize: Partial<Record<VariantName, Outcome<RenderedVariant>>>;
  analysis: Outcome<Analysis>;
  /** An earlier image with the same bytes and spec; none unless a test says so. */
  twin: Twin | null;
  /** The copy of the twin's variants; by default every blob copies. */
  copy?: CopyTwinVariantsOutput;
  /** Transient failures: the first `times` calls throw `message` (Infinity: every call). */
  throws: Partial<Record<CallKey, { times: number; message: string }>>;
  /** A call waits for its gate before answering, so the test can look at the run meanwhile. */
  holds: Partial<Record<CallKey, Gate>>;
  /** Every call received, in order. */
  calls: CallKey[];
  /** Every record the saveRecord stub accepted, in order. */
  saved: ImageRecord[];
  waiters: { key: CallKey; count: number; resolve: () => void }[];
}

const scenarios = new Map<string, Scenario>();

const inspection: Inspection = {
  format: 'jpeg',
  contentType: 'image/jpeg',
  width: 2000,
  height: 3000,
  bytes: 123_456,
  sha256: 'b'.repeat(64),
  exif: { make: 'Acme', orientation: 6 },
};

const analysis: Analysis = {
  status: 'Completed',
  provider: 'local',
  text: 'HELLO',
  phash: '8000000000000000',
};

function rendered(variant: VariantSpec): RenderedVariant {
  return {
    name: variant.name,
    width: Math.round(variant.maxHeight * (2 / 3)),
    height: variant.maxHeight,
    format: variant.format,
    contentType: `image/${variant.format}`,
    bytes: variant.maxHeight * 10,
  };
}

function scenarioOf(imageId: string): Scenario {
  const scenario = scenarios.get(imageId);
  if (scenario === undefined) throw new Error(`No scenario for image ${imageId}`);
  return scenario;
}

function callsOf(scenario: Scenario, key: CallKey): number {
  return scenario.calls.filter((call) => call === key).length;
}

/** Records the call, waits for its gate if any, then throws or answers as the scenario says. */
async function respond<T>(imageId: string, key: CallKey, answer: (s: Scenario) => T): Promise<T> {
  const scenario = scenarioOf(imageId);
  scenario.calls.push(key);
  const attempt = callsOf(scenario, key);
  scenario.waiters = scenario.waiters.filter((waiter) => {
    if (waiter.key !== key || attempt < waiter.count) return true;
    waiter.resolve();
    return false;
  });
  await scenario.holds[key]?.opened;
  const failure = scenario.throws[key];
  if (failure !== undefined && attempt <= failure.times) throw new Error(failure.message);
  return answer(scenario);
}

/** Resolves once the stub for `key` has been called `count` times for this image. */
function called(scenario: Scenario, key: CallKey, count = 1): Promise<void> {
  if (callsOf(scenario, key) >= count) return Promise.resolve();
  return new Promise((resolve) => scenario.waiters.push({ key, count, resolve }));
}

df.app.orchestration(Orchestrators.processImage, processImage);
df.app.activity(Activities.inspectImage, {
  handler: (request: InspectImageInput) =>
    respond(request.blobName, Activities.inspectImage, (s) => s.inspection),
});
df.app.activity(Activities.resizeImage, {
  handler: (request: ResizeImageInput) =>
    respond(
      request.imageId,
      `${Activities.resizeImage}:${request.variant.name}`,
      (s) => s.resize[request.variant.name] ?? succeed(rendered(request.variant)),
    ),
});
df.app.activity(Activities.analyzeImage, {
  handler: (request: AnalyzeImageInput) =>
    respond(request.imageId, Activities.analyzeImage, (s) => s.analysis),
});
df.app.activity(Activities.findTwin, {
  handler: (request: FindTwinInput) =>
    respond(request.imageId, Activities.findTwin, (s): FindTwinOutput => ({ twin: s.twin })),
});
df.app.activity(Activities.copyTwinVariants, {
  handler: (request: CopyTwinVariantsInput) =>
    respond(
      request.imageId,
      Activities.copyTwinVariants,
      (s): CopyTwinVariantsOutput => s.copy ?? succeed(request.variants),
    ),
});
df.app.activity(Activities.saveRecord, {
  handler: ({ record }: SaveRecordInput) =>
    respond(record.id, `${Activities.saveRecord}:${record.status}`, (s): SaveRecordOutput => {
      s.saved.push(record);
      return { saved: true };
    }),
});

let images = 0;

/** A fresh image id with its scenario: everything succeeds unless `overrides` says otherwise. */
function arrange(overrides: Partial<Scenario> = {}): {
  input: ProcessImageInput;
  scenario: Scenario;
} {
  const imageId = `01hq3k9x2m4n5p6q7r8s9t${String(++images).padStart(4, '0')}`;
  const scenario: Scenario = {
    inspection: succeed(inspection),
    resize: {},
    analysis: succeed(analysis),
    twin: null,
    throws: {},
    holds: {},
    calls: [],
    saved: [],
    waiters: [],
    ...overrides,
  };
  scenarios.set(imageId, scenario);
  const input: ProcessImageInput = {
    imageId,
    blobName: imageId,
    source: { filename: 'cat.jpg', contentType: 'image/jpeg' },
    variants: variantSpecs('webp'),
    analyzer: 'local',
    maxInputPixels: 50_000_000,
  };
  return { input, scenario };
}

function instanceIdOf(input: ProcessImageInput): string {
  return `img-${input.imageId}-0123456789ab`;
}

function finalRecord(scenario: Scenario): ImageRecord {
  const last = scenario.saved[scenario.saved.length - 1];
  if (last === undefined) throw new Error('No record was saved');
  return last;
}

function stepsByName(steps: readonly Step[]): Record<string, Step> {
  return Object.fromEntries(steps.map((step) => [step.name, step]));
}

function customSteps(state: OrchestrationState): Record<string, Step> {
  const status = JSON.parse(state.customStatus ?? 'null') as { steps: Step[] } | null;
  if (status === null) throw new Error(`${state.instanceId} has no custom status`);
  return stepsByName(status.steps);
}

function eventsOf(state: OrchestrationState, type: EventType): HistoryEvent[] {
  return state.history.filter((event) => event.EventType === type);
}

/** History split into episodes, each from OrchestratorStarted to OrchestratorCompleted. */
function episodesOf(state: OrchestrationState): HistoryEvent[][] {
  const episodes: HistoryEvent[][] = [];
  for (const event of state.history) {
    if (event.EventType === EventType.OrchestratorStarted) episodes.push([]);
    episodes[episodes.length - 1]?.push(event);
  }
  return episodes;
}

function scheduledNames(events: readonly HistoryEvent[]): string[] {
  return events
    .filter((event) => event.EventType === EventType.TaskScheduled)
    .map((event) => event.Name ?? '');
}

/** Ids of the attempts scheduled for one resize variant. */
function resizeAttemptIds(state: OrchestrationState, variant: VariantName): number[] {
  return eventsOf(state, EventType.TaskScheduled)
    .filter(
      (event) =>
        event.Name === Activities.resizeImage &&
        (JSON.parse(event.Input ?? 'null') as ResizeImageInput).variant.name === variant,
    )
    .map((event) => event.EventId);
}

/** Milliseconds each retry timer was set for, counted from the episode that created it. */
function retryDelays(state: OrchestrationState): number[] {
  return eventsOf(state, EventType.TimerCreated).map(
    (event) => Date.parse(event.FireAt ?? '') - Date.parse(event.Timestamp),
  );
}

describe('Orchestrator: processImage', () => {
  let harness: DurableHarness;

  beforeAll(async () => {
    // Held stubs occupy activity slots while concurrent tests run theirs.
    harness = await new DurableHarness(undefined, { maxConcurrentActivities: 32 }).start();
  });

  afterAll(() => harness.stop());

  async function run(input: unknown, instanceId: string, timeoutMs = 10_000) {
    await harness.startOrchestration(Orchestrators.processImage, input, instanceId);
    return harness.waitForCompletion(instanceId, timeoutMs);
  }

  /** Polls the instance until `ready` holds for its state. */
  async function until(
    instanceId: string,
    ready: (state: OrchestrationState) => boolean,
    timeoutMs = 25_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await harness.status(instanceId);
      if (state !== undefined && ready(state)) return;
      if (state !== undefined && ['Completed', 'Failed', 'Terminated'].includes(state.status)) {
        throw new Error(`${instanceId} ended ${state.status}: ${state.failure?.message ?? ''}`);
      }
      if (Date.now() > deadline) throw new Error(`${instanceId} never reached the awaited state`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('inspects, fans out, fans in and saves a Completed record', async () => {
    // Prepare
    const { input, scenario } = arrange();
    const instanceId = instanceIdOf(input);

    // Act
    const state = await run(input, instanceId);

    // Assess
    expect(state.status).toBe('Completed');
    expect(harness.output<ProcessImageResult>(state)).toEqual({
      imageId: input.imageId,
      status: 'Completed',
    });
    const record = finalRecord(scenario);
    const startedAt = eventsOf(state, EventType.OrchestratorStarted)[0]?.Timestamp;
    expect(record).toMatchObject({
      id: input.imageId,
      status: 'Completed',
      createdAt: startedAt,
      source: {
        filename: 'cat.jpg',
        contentType: 'image/jpeg',
        width: 2000,
        height: 3000,
        format: 'jpeg',
        bytes: 123_456,
        sha256: 'b'.repeat(64),
      },
      analysis: { status: 'Completed', provider: 'local', text: 'HELLO' },
      exif: { make: 'Acme', orientation: 6 },
      orchestration: { instanceId, runtimeStatus: 'Completed' },
    });
    expect(record.error).toBeUndefined();
    expect(record.variants.map((variant) => [variant.name, variant.url, variant.height])).toEqual([
      ['thumb', `/api/images/${input.imageId}/variants/thumb`, 150],
      ['medium', `/api/images/${input.imageId}/variants/medium`, 640],
      ['large', `/api/images/${input.imageId}/variants/large`, 1280],
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

  it('schedules the three resizes, the analysis and a progress write together after inspection', async () => {
    // Prepare
    const { input, scenario } = arrange();

    // Act
    const state = await run(input, instanceIdOf(input));

    // Assess
    const scheduled = scheduledNames(state.history);
    expect(scheduled).toHaveLength(8);
    expect(scheduled[0]).toBe(Activities.inspectImage);
    expect(scheduled[1]).toBe(Activities.findTwin);
    expect(scheduled[7]).toBe(Activities.saveRecord);
    const fanOut = episodesOf(state).find((episode) =>
      scheduledNames(episode).includes(Activities.resizeImage),
    );
    expect(scheduledNames(fanOut ?? []).sort()).toEqual([
      Activities.analyzeImage,
      Activities.resizeImage,
      Activities.resizeImage,
      Activities.resizeImage,
      Activities.saveRecord,
    ]);
    expect(scenario.saved.map((record) => record.status)).toEqual(['Processing', 'Completed']);
    expect(scenario.saved[0]).toMatchObject({
      source: { width: 2000, height: 3000 },
      orchestration: { runtimeStatus: 'Running' },
    });
    // Nothing failed, so nothing waited on a retry timer.
    expect(eventsOf(state, EventType.TaskFailed)).toEqual([]);
    expect(eventsOf(state, EventType.TimerCreated)).toEqual([]);
  });

  it('publishes per-step progress in the custom status while it runs', async () => {
    // Prepare: inspection and the thumb resize wait until the test has looked
    const inspecting = new Gate();
    const resizing = new Gate();
    const { input, scenario } = arrange({
      holds: {
        [Activities.inspectImage]: inspecting,
        [`${Activities.resizeImage}:thumb`]: resizing,
      },
    });
    const instanceId = instanceIdOf(input);

    // Act
    await harness.startOrchestration(Orchestrators.processImage, input, instanceId);
    await called(scenario, Activities.inspectImage);
    const duringInspection = customSteps((await harness.status(instanceId))!);
    inspecting.open();
    await called(scenario, `${Activities.resizeImage}:thumb`);
    const duringFanOut = customSteps((await harness.status(instanceId))!);
    resizing.open();
    const done = customSteps(await harness.waitForCompletion(instanceId));

    // Assess
    expect(duringInspection.inspect).toMatchObject({ status: 'Running', attempts: 1 });
    expect(duringInspection.inspect?.startedAt).toEqual(expect.any(String));
    expect(duringInspection['resize:thumb']).toMatchObject({ status: 'Pending', attempts: 0 });
    expect(duringInspection.save?.status).toBe('Pending');

    expect(duringFanOut.inspect).toMatchObject({ status: 'Completed', attempts: 1 });
    for (const name of ['resize:thumb', 'resize:medium', 'resize:large', 'analyze']) {
      expect(duringFanOut[name]).toMatchObject({ status: 'Running', attempts: 1 });
    }
    expect(duringFanOut.save?.status).toBe('Pending');

    expect(Object.values(done).map((step) => [step.name, step.status, step.attempts])).toEqual([
      ['inspect', 'Completed', 1],
      ['resize:thumb', 'Completed', 1],
      ['resize:medium', 'Completed', 1],
      ['resize:large', 'Completed', 1],
      ['analyze', 'Completed', 1],
      ['save', 'Completed', 1],
    ]);
    expect(done.save?.completedAt).toEqual(expect.any(String));
  });

  it('replays the same actions when fan-out results arrive one episode at a time', async () => {
    // Prepare: every fan-out call is held, then released in reverse order, one at a time
    const keys: CallKey[] = [
      `${Activities.saveRecord}:Processing`,
      Activities.analyzeImage,
      `${Activities.resizeImage}:large`,
      `${Activities.resizeImage}:medium`,
      `${Activities.resizeImage}:thumb`,
    ];
    const gates = keys.map(() => new Gate());
    const { input, scenario } = arrange({
      holds: Object.fromEntries(keys.map((key, index) => [key, gates[index]])),
    });
    const instanceId = instanceIdOf(input);

    // Act
    await harness.startOrchestration(Orchestrators.processImage, input, instanceId);
    await Promise.all(keys.map((key) => called(scenario, key)));
    for (const [index, gate] of gates.entries()) {
      gate.open();
      // Inspection, the twin lookup and the calls released so far have completed, each in its
      // own episode.
      await until(
        instanceId,
        (state) => eventsOf(state, EventType.TaskCompleted).length >= index + 3,
      );
    }
    const state = await harness.waitForCompletion(instanceId);

    // Assess
    expect(state.status).toBe('Completed');
    expect(state.failure).toBeUndefined();
    const completions = episodesOf(state).map(
      (episode) => episode.filter((event) => event.EventType === EventType.TaskCompleted).length,
    );
    // Start, inspection, twin lookup, five fan-out results and the final save: nine replays.
    expect(completions).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(finalRecord(scenario).status).toBe('Completed');
    expect(eventsOf(state, EventType.TaskScheduled)).toHaveLength(8);
  });

  it('skips the analysis when the analyzer is none', async () => {
    // Prepare
    const { input, scenario } = arrange();

    // Act
    const state = await run({ ...input, analyzer: 'none' }, instanceIdOf(input));

    // Assess
    expect(state.status).toBe('Completed');
    expect(scheduledNames(state.history)).not.toContain(Activities.analyzeImage);
    expect(scenario.calls).not.toContain(Activities.analyzeImage);
    const record = finalRecord(scenario);
    expect(record.status).toBe('Completed');
    expect(record.variants).toHaveLength(3);
    expect(record.analysis).toEqual({ status: 'Skipped', provider: 'none' });
    expect(stepsByName(record.steps).analyze).toMatchObject({ status: 'Skipped', attempts: 0 });
    expect(customSteps(state).analyze?.status).toBe('Skipped');
  });

  describe('with an earlier image of the same bytes under the same spec', () => {
    const twinAnalysis: Analysis = { status: 'Completed', provider: 'local', text: 'TWIN' };
    const twinOfSpecs = (id: string): Twin => ({
      id,
      analysis: twinAnalysis,
      variants: variantSpecs('webp').map((variant) => ({
        ...rendered(variant),
        url: `/api/images/${id}/variants/${variant.name}`,
      })),
    });

    it('copies the twin variants and analysis instead of resizing and analysing', async () => {
      // Prepare
      const { input, scenario } = arrange({ twin: twinOfSpecs('01twin00000000000000000000') });

      // Act
      const state = await run(input, instanceIdOf(input));

      // Assess
      expect(harness.output<ProcessImageResult>(state)).toEqual({
        imageId: input.imageId,
        status: 'Completed',
      });
      expect(scheduledNames(state.history)).toEqual([
        Activities.inspectImage,
        Activities.findTwin,
        Activities.copyTwinVariants,
        Activities.saveRecord,
      ]);
      const record = finalRecord(scenario);
      const spec = 'thumb=150x150.webp,medium=640x640.webp,large=1280x1280.webp;analysis=local-2';
      expect(record).toMatchObject({
        status: 'Completed',
        analysis: twinAnalysis,
        processingSpec: spec,
        reusedFrom: { id: '01twin00000000000000000000', processingSpec: spec },
        source: { sha256: 'b'.repeat(64), filename: 'cat.jpg' },
      });
      expect(record.variants.map((variant) => variant.url)).toEqual([
        `/api/images/${input.imageId}/variants/thumb`,
        `/api/images/${input.imageId}/variants/medium`,
        `/api/images/${input.imageId}/variants/large`,
      ]);
      expect(record.steps.map((step) => [step.name, step.status])).toEqual([
        ['inspect', 'Completed'],
        ['reuse', 'Completed'],
        ['resize:thumb', 'Skipped'],
        ['resize:medium', 'Skipped'],
        ['resize:large', 'Skipped'],
        ['analyze', 'Skipped'],
      ]);
    });

    it('renders the image itself when the twin blobs are gone by the time of the copy', async () => {
      // Prepare
      const { input, scenario } = arrange({
        twin: twinOfSpecs('01twin00000000000000000001'),
        copy: fail('SOURCE_NOT_FOUND', 'Variant thumb of 01twin00000000000000000001 is gone'),
      });

      // Act
      const state = await run(input, instanceIdOf(input));

      // Assess
      expect(state.status).toBe('Completed');
      const record = finalRecord(scenario);
      expect(record.status).toBe('Completed');
      expect(record.reusedFrom).toBeUndefined();
      expect(record.analysis).toMatchObject({ text: 'HELLO' });
      expect(callsOf(scenario, `${Activities.resizeImage}:thumb`)).toBe(1);
      expect(stepsByName(record.steps).reuse?.status).toBe('Skipped');
    });

    it('ignores a twin that lacks a variant of the spec', async () => {
      // Prepare
      const partial = twinOfSpecs('01twin00000000000000000002');
      partial.variants = partial.variants.filter((variant) => variant.name !== 'large');
      const { input, scenario } = arrange({ twin: partial });

      // Act
      await run(input, instanceIdOf(input));

      // Assess
      expect(scenario.calls).not.toContain(Activities.copyTwinVariants);
      expect(finalRecord(scenario).reusedFrom).toBeUndefined();
      expect(finalRecord(scenario).variants).toHaveLength(3);
    });
  });

  it.each<[ErrorCode, string]>([
    ['UNSUPPORTED_FORMAT', 'image/tiff is not supported'],
    ['IMAGE_TOO_LARGE', 'The image is 12000×12000'],
    ['CORRUPT_IMAGE', 'Input buffer contains unsupported image format'],
  ])('stops after inspection with a Failed record on %s', async (code, message) => {
    // Prepare
    const { input, scenario } = arrange({ inspection: fail(code, message) });

    // Act
    const state = await run(input, instanceIdOf(input));

    // Assess
    expect(state.status).toBe('Completed');
    expect(harness.output<ProcessImageResult>(state)).toEqual({
      imageId: input.imageId,
      status: 'Failed',
      error: { code, message },
    });
    expect(scheduledNames(state.history)).toEqual([Activities.inspectImage, Activities.saveRecord]);
    expect(scenario.saved).toHaveLength(1);
    const record = finalRecord(scenario);
    expect(record).toMatchObject({ status: 'Failed', error: { code, message }, variants: [] });
    expect(record.source).toMatchObject({ filename: 'cat.jpg', width: null, format: null });
    expect(record.steps.map((step) => [step.name, step.status])).toEqual([
      ['inspect', 'Failed'],
      ['resize:thumb', 'Skipped'],
      ['resize:medium', 'Skipped'],
      ['resize:large', 'Skipped'],
      ['analyze', 'Skipped'],
    ]);
    expect(stepsByName(record.steps).inspect).toMatchObject({ attempts: 1, error: { code } });
    expect(customSteps(state).save?.status).toBe('Completed');
  });

  it('fails the image when a resize reports a permanent failure, without retrying it', async () => {
    // Prepare
    const { input, scenario } = arrange({
      resize: { medium: fail('CORRUPT_IMAGE', 'VipsJpeg: premature end of JPEG image') },
    });

    // Act
    const state = await run(input, instanceIdOf(input));

    // Assess
    expect(state.status).toBe('Completed');
    expect(harness.output<ProcessImageResult>(state)).toMatchObject({
      status: 'Failed',
      error: { code: 'CORRUPT_IMAGE' },
    });
    const record = finalRecord(scenario);
    expect(record.status).toBe('Failed');
    expect(record.error).toEqual({
      code: 'CORRUPT_IMAGE',
      message: 'VipsJpeg: premature end of JPEG image',
    });
    expect(record.variants).toEqual([]);
    expect(stepsByName(record.steps)['resize:medium']).toMatchObject({
      status: 'Failed',
      attempts: 1,
      error: { code: 'CORRUPT_IMAGE' },
    });
    expect(stepsByName(record.steps)['resize:thumb']?.status).toBe('Completed');
    // Permanent failures are values: no attempt failed, so nothing was retried.
    expect(resizeAttemptIds(state, 'medium')).toHaveLength(1);
    expect(eventsOf(state, EventType.TaskFailed)).toEqual([]);
    expect(eventsOf(state, EventType.TimerCreated)).toEqual([]);
  });

  it.each<[ErrorCode, Analysis['status']]>([
    ['ANALYSIS_FAILED', 'Failed'],
    ['ANALYSIS_DEFERRED', 'Deferred'],
  ])(
    'completes with warnings and keeps the variants when the analysis reports %s',
    async (code, analysisStatus) => {
      // Prepare
      const { input, scenario } = arrange({ analysis: fail(code, 'The analyzer gave up') });

      // Act
      const state = await run(input, instanceIdOf(input));

      // Assess
      expect(state.status).toBe('Completed');
      expect(harness.output<ProcessImageResult>(state)).toMatchObject({
        status: 'CompletedWithWarnings',
        error: { code },
      });
      const record = finalRecord(scenario);
      expect(record.status).toBe('CompletedWithWarnings');
      expect(record.error).toEqual({ code, message: 'The analyzer gave up' });
      expect(record.analysis).toMatchObject({ status: analysisStatus, provider: 'local' });
      expect(record.variants).toHaveLength(3);
      expect(stepsByName(record.steps).analyze).toMatchObject({ status: 'Failed', attempts: 1 });
    },
  );

  it('fails the orchestration on malformed input without calling any activity', async () => {
    // Prepare
    const { input, scenario } = arrange();

    // Act
    const state = await run({ imageId: input.imageId }, instanceIdOf(input));

    // Assess
    expect(state.status).toBe('Failed');
    expect(state.failure?.message).toContain('processImage');
    expect(eventsOf(state, EventType.TaskScheduled)).toEqual([]);
    expect(scenario.calls).toEqual([]);
  });

  // The retry policy's real timers wait 2, 4 and 8 s between attempts, so a call that keeps
  // failing takes 14 s; these tests run at the same time to keep the file fast.
  describe('with transient failures retried by callActivityWithRetry', () => {
    const SLOW = 30_000;

    it.concurrent(
      'retries a throwing resize with backoff timers and counts the attempts',
      async () => {
        // Prepare: the medium resize throws twice, then works
        const { input, scenario } = arrange({
          throws: {
            [`${Activities.resizeImage}:medium`]: { times: 2, message: '503 Server Busy' },
          },
        });

        // Act
        const state = await run(input, instanceIdOf(input), SLOW);

        // Assess
        expect(state.status).toBe('Completed');
        expect(callsOf(scenario, `${Activities.resizeImage}:medium`)).toBe(3);
        const attempts = resizeAttemptIds(state, 'medium');
        expect(attempts).toHaveLength(3);
        const failed = eventsOf(state, EventType.TaskFailed);
        expect(failed.map((event) => event.TaskScheduledId)).toEqual(attempts.slice(0, 2));
        expect(failed[0]?.Reason).toContain('503 Server Busy');
        // One timer after each failed attempt: 2 s, then 4 s.
        expect(retryDelays(state)).toEqual([2000, 4000]);
        expect(eventsOf(state, EventType.TimerFired)).toHaveLength(2);
        const record = finalRecord(scenario);
        expect(record.status).toBe('Completed');
        expect(stepsByName(record.steps)['resize:medium']).toMatchObject({
          status: 'Completed',
          attempts: 3,
        });
        expect(stepsByName(record.steps)['resize:thumb']).toMatchObject({ attempts: 1 });
        const first = eventsOf(state, EventType.OrchestratorStarted)[0]!;
        const last = state.history[state.history.length - 1]!;
        expect(Date.parse(last.Timestamp) - Date.parse(first.Timestamp)).toBeGreaterThanOrEqual(
          6000,
        );
      },
      SLOW,
    );

    it.concurrent(
      'fails the image when a resize keeps throwing, after four attempts',
      async () => {
        // Prepare
        const { input, scenario } = arrange({
          throws: {
            [`${Activities.resizeImage}:large`]: { times: Infinity, message: 'disk full' },
          },
        });

        // Act
        const state = await run(input, instanceIdOf(input), SLOW);

        // Assess
        expect(state.status).toBe('Completed');
        expect(resizeAttemptIds(state, 'large')).toHaveLength(4);
        expect(callsOf(scenario, `${Activities.resizeImage}:large`)).toBe(4);
        // The SDK waits on a timer after the last failure too; the engine sets it to fire at once.
        expect(retryDelays(state)).toEqual([2000, 4000, 8000, 0]);
        const record = finalRecord(scenario);
        expect(record.status).toBe('Failed');
        expect(record.error?.code).toBe('PROCESSING_FAILED');
        expect(record.error?.message).toContain('disk full');
        expect(record.variants).toEqual([]);
        expect(stepsByName(record.steps)['resize:large']).toMatchObject({
          status: 'Failed',
          attempts: 4,
        });
      },
      SLOW,
    );

    it.concurrent(
      'completes with warnings when the analysis keeps throwing, and still waits for the resizes',
      async () => {
        // Prepare: the resizes are held until the analysis has given up
        const resizing = new Gate();
        const { input, scenario } = arrange({
          throws: { [Activities.analyzeImage]: { times: Infinity, message: 'OCR worker crashed' } },
          holds: {
            [`${Activities.resizeImage}:thumb`]: resizing,
            [`${Activities.resizeImage}:medium`]: resizing,
            [`${Activities.resizeImage}:large`]: resizing,
          },
        });
        const instanceId = instanceIdOf(input);

        // Act
        await harness.startOrchestration(Orchestrators.processImage, input, instanceId);
        await until(instanceId, (state) => eventsOf(state, EventType.TimerFired).length === 4);
        resizing.open();
        const state = await harness.waitForCompletion(instanceId, SLOW);

        // Assess
        expect(state.status).toBe('Completed');
        const gaveUp = state.history.findIndex(
          (event) =>
            event.EventType === EventType.TimerFired &&
            event.TimerId === eventsOf(state, EventType.TimerCreated)[3]?.EventId,
        );
        const resized = state.history.findIndex(
          (event) =>
            event.EventType === EventType.TaskCompleted &&
            resizeAttemptIds(state, 'thumb').includes(event.TaskScheduledId ?? -1),
        );
        expect(gaveUp).toBeGreaterThan(0);
        expect(resized).toBeGreaterThan(gaveUp);
        const record = finalRecord(scenario);
        expect(record.status).toBe('CompletedWithWarnings');
        expect(record.error?.code).toBe('ANALYSIS_FAILED');
        expect(record.error?.message).toContain('OCR worker crashed');
        expect(record.analysis).toMatchObject({ status: 'Failed', provider: 'local' });
        expect(record.variants).toHaveLength(3);
        expect(stepsByName(record.steps).analyze).toMatchObject({ status: 'Failed', attempts: 4 });
        expect(
          record.steps.filter((step) => step.name.startsWith('resize:')).map((step) => step.status),
        ).toEqual(['Completed', 'Completed', 'Completed']);
      },
      SLOW,
    );

    it.concurrent(
      'completes the image when only the progress write keeps throwing',
      async () => {
        // Prepare
        const { input, scenario } = arrange({
          throws: { [`${Activities.saveRecord}:Processing`]: { times: Infinity, message: '429' } },
        });

        // Act
        const state = await run(input, instanceIdOf(input), SLOW);

        // Assess
        expect(state.status).toBe('Completed');
        expect(callsOf(scenario, `${Activities.saveRecord}:Processing`)).toBe(4);
        expect(scenario.saved.map((record) => record.status)).toEqual(['Completed']);
        expect(harness.output<ProcessImageResult>(state)).toEqual({
          imageId: input.imageId,
          status: 'Completed',
        });
      },
      SLOW,
    );

    it.concurrent(
      'fails the orchestration when the final record cannot be saved',
      async () => {
        // Prepare
        const { input, scenario } = arrange({
          throws: {
            [`${Activities.saveRecord}:Completed`]: {
              times: Infinity,
              message: 'Cosmos DB unavailable',
            },
          },
        });

        // Act
        const state = await run(input, instanceIdOf(input), SLOW);

        // Assess
        expect(state.status).toBe('Failed');
        expect(state.failure?.message).toContain('Cosmos DB unavailable');
        expect(callsOf(scenario, `${Activities.saveRecord}:Completed`)).toBe(4);
        expect(scenario.saved.map((record) => record.status)).toEqual(['Processing']);
        expect(customSteps(state).save).toMatchObject({ status: 'Running' });
      },
      SLOW,
    );
  });
});
