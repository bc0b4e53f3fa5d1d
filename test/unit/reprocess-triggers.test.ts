/**
 * The reprocessing routes and the deferred-analysis timer, over an in-memory record store and a
 * fake Durable client; the orchestrations themselves are covered on the engine.
 */
import type { HttpResponseInit, Timer } from '@azure/functions';
import { findQuerySpec } from '../../src/adapters/cosmos-record-store';
import { ConfigError, loadConfig } from '../../src/config';
import type { OrchestrationInstance } from '../../src/domain/ops/instance';
import type { ImageRecord } from '../../src/domain/record';
import type { ReprocessImageInput } from '../../src/domain/reprocess/reprocess';
import type { ReprocessBatchInput } from '../../src/domain/reprocess/batch';
import {
  matchesFilter,
  type RecordFilter,
  type RecordRefPage,
  refOf,
} from '../../src/domain/reprocess/filter';
import { variantSpecs } from '../../src/domain/pipeline/variants';
import type { VisionPlan } from '../../src/domain/gate/endpoints';
import { initialGateState, type GateState } from '../../src/domain/gate/vision-gate';
import { Orchestrators, ReprocessEvents } from '../../src/names';
import type { GateStateReader } from '../../src/ports/gate-state-reader';
import type { FindOptions, RecordFinder } from '../../src/ports/record-store';
import { createCancelReprocess } from '../../src/triggers/ops/reprocess-cancel';
import type { ReprocessClient } from '../../src/triggers/ops/reprocess-client';
import { createStartReprocess } from '../../src/triggers/ops/reprocess-start';
import { createGetReprocess } from '../../src/triggers/ops/reprocess-status';
import { createResumeDeferredAnalyses } from '../../src/triggers/resume-deferred-analyses';
import { header, jsonOf, request, testContext } from './support/context';
import { MemoryRecordStore } from './support/memory-stores';

const BASE = 'http://localhost:7071/api/ops/reprocess';
const NOW = Date.parse('2026-11-21T12:00:00.000Z');

class MemoryRecordFinder extends MemoryRecordStore implements RecordFinder {
  find(filter: RecordFilter, options: FindOptions): Promise<RecordRefPage> {
    const all = [...this.records.values()]
      .filter((record) => matchesFilter(record, filter))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const start = options.continuationToken === undefined ? 0 : Number(options.continuationToken);
    const next = start + options.limit;
    return Promise.resolve({
      items: all.slice(start, next).map(refOf),
      continuationToken: next < all.length ? String(next) : null,
    });
  }
}

class FakeReprocessClient implements ReprocessClient {
  readonly instances = new Map<string, OrchestrationInstance>();
  readonly started: { orchestrator: string; instanceId: string; input: unknown }[] = [];
  readonly events: { instanceId: string; eventName: string; data: unknown }[] = [];

  add(instance: Partial<OrchestrationInstance> & { instanceId: string }): this {
    this.instances.set(instance.instanceId, {
      name: Orchestrators.reprocessBatch,
      runtimeStatus: 'Running',
      createdTime: '2026-11-21T11:00:00.000Z',
      lastUpdatedTime: '2026-11-21T11:05:00.000Z',
      input: { steps: ['resize', 'analyze'] },
      customStatus: null,
      output: null,
      ...instance,
    });
    return this;
  }

  getInstance(instanceId: string): Promise<OrchestrationInstance | undefined> {
    return Promise.resolve(this.instances.get(instanceId));
  }

  startNew(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
    const existing = this.instances.get(instanceId);
    if (existing !== undefined && ['Pending', 'Running'].includes(existing.runtimeStatus)) {
      return Promise.reject(new Error(`An instance with ID '${instanceId}' already exists.`));
    }
    this.started.push({ orchestrator, instanceId, input });
    this.add({ instanceId, name: orchestrator, runtimeStatus: 'Pending', input });
    return Promise.resolve();
  }

  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void> {
    this.events.push({ instanceId, eventName, data });
    return Promise.resolve();
  }
}

let seeded = 0;

async function seed(
  records: MemoryRecordStore,
  count: number,
  overrides: Partial<ImageRecord> = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `01hz000000000000000000${String(++seeded).padStart(4, '0')}`;
    await records.upsert({
      id,
      status: 'Completed',
      createdAt: new Date(Date.UTC(2026, 10, 1, 0, 0, 0, seeded)).toISOString(),
      updatedAt: '2026-11-01T00:00:00.000Z',
      source: {
        filename: null,
        contentType: 'image/png',
        bytes: 1,
        width: 1,
        height: 1,
        format: 'png',
        sha256: null,
      },
      variants: [],
      analysis: { status: 'Completed', provider: 'local' },
      steps: [],
      exif: null,
      orchestration: { instanceId: `img-${id}`, runtimeStatus: 'Completed' },
      ...overrides,
    });
    ids.push(id);
  }
  return ids;
}

function errorOf(response: HttpResponseInit): { code: string; message: string } {
  return jsonOf<{ error: { code: string; message: string } }>(response).error;
}

const pipeline = {
  variants: variantSpecs('webp'),
  analyzer: 'local' as const,
  maxInputPixels: 1000,
};

function setup() {
  const records = new MemoryRecordFinder();
  const client = new FakeReprocessClient();
  let batches = 0;
  const start = createStartReprocess({
    records,
    clientFor: () => client,
    newBatchId: () => `batch${++batches}`,
    pipeline,
    childrenPerGeneration: 50,
  });
  const get = createGetReprocess({ clientFor: () => client });
  const cancel = createCancelReprocess({ clientFor: () => client, clock: () => new Date(NOW) });
  const post = (body: unknown) =>
    start(
      request({
        url: BASE,
        method: 'POST',
        body: { string: typeof body === 'string' ? body : JSON.stringify(body) },
      }),
      testContext().context,
    );
  const read = (batchId: string) =>
    get(request({ url: `${BASE}/${batchId}`, params: { batchId } }), testContext().context);
  const stop = (batchId: string) =>
    cancel(
      request({ url: `${BASE}/${batchId}/cancel`, method: 'POST', params: { batchId } }),
      testContext().context,
    );
  return { records, client, post, read, stop };
}

describe('Function: opsStartReprocess', () => {
  it('starts a batch for the matching records and answers 202 with where to follow it', async () => {
    // Prepare
    const { records, client, post } = setup();
    const failed = await seed(records, 3, {
      status: 'Failed',
      error: { code: 'CORRUPT_IMAGE', message: 'x' },
    });
    await seed(records, 2);

    // Act
    const response = await post({ filter: { status: 'Failed' }, maxConcurrency: 2 });

    // Assess
    expect(response.status).toBe(202);
    expect(jsonOf(response)).toEqual({
      batchId: 'batch1',
      matched: 3,
      statusUrl: `${BASE}/batch1`,
    });
    expect(header(response, 'location')).toBe(`${BASE}/batch1`);
    expect(client.started).toEqual([
      {
        orchestrator: Orchestrators.reprocessBatch,
        instanceId: 'reprocess-batch1',
        input: {
          batchId: 'batch1',
          filter: { statuses: ['Failed'] },
          steps: ['resize', 'analyze'],
          maxConcurrency: 2,
          childrenPerGeneration: 50,
          ...pipeline,
        } satisfies ReprocessBatchInput,
      },
    ]);
    expect(failed).toHaveLength(3);
  });

  it('answers a dry run with the count and the first 100 ids, and starts nothing', async () => {
    // Prepare
    const { records, client, post } = setup();
    const ids = await seed(records, 120, {
      analysis: { status: 'Deferred', provider: 'azure' },
    });

    // Act
    const response = await post({ filter: { analysisStatus: 'Deferred' }, dryRun: true });

    // Assess
    expect(response.status).toBe(200);
    expect(jsonOf(response)).toEqual({ matched: 120, ids: ids.slice(0, 100) });
    expect(client.started).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['a body that is not JSON', '{"filter":'],
    ['an empty filter', { filter: {} }],
    ['a misspelt filter field', { filter: { createdFrm: '2026-11-01' } }],
  ])('refuses %s with 400 INVALID_REQUEST and starts nothing', async (_name, body) => {
    // Prepare
    const { client, post } = setup();

    // Act
    const response = await post(body);

    // Assess
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('INVALID_REQUEST');
    expect(client.started).toEqual([]);
  });
});

describe('Function: opsGetReprocess', () => {
  it('shows a running batch from its custom status', async () => {
    // Prepare
    const { client, read } = setup();
    client.add({
      instanceId: 'reprocess-b1',
      customStatus: {
        total: 10,
        completed: 4,
        failed: 1,
        running: 2,
        status: 'Running',
        cancelRequested: false,
      },
    });

    // Act
    const response = await read('b1');

    // Assess
    expect(response.status).toBe(200);
    expect(jsonOf(response)).toEqual({
      batchId: 'b1',
      status: 'Running',
      total: 10,
      completed: 4,
      failed: 1,
      running: 2,
      notStarted: 3,
      cancelRequested: false,
      steps: ['resize', 'analyze'],
      createdAt: '2026-11-21T11:00:00.000Z',
      lastUpdatedAt: '2026-11-21T11:05:00.000Z',
    });
  });

  it.each<[string, Partial<OrchestrationInstance>, string]>([
    [
      'a completed batch from its output',
      {
        runtimeStatus: 'Completed',
        output: { total: 3, completed: 2, failed: 1, running: 0, status: 'Completed' },
      },
      'Completed',
    ],
    [
      'a canceled batch',
      {
        runtimeStatus: 'Completed',
        output: { total: 3, completed: 1, failed: 0, running: 0, status: 'Canceled' },
      },
      'Canceled',
    ],
    ['a failed batch', { runtimeStatus: 'Failed' }, 'Failed'],
    ['a terminated batch', { runtimeStatus: 'Terminated' }, 'Canceled'],
  ])('shows %s', async (_name, instance, status) => {
    // Prepare
    const { client, read } = setup();
    client.add({ instanceId: 'reprocess-b2', ...instance });

    // Act
    const response = await read('b2');

    // Assess
    expect(response.status).toBe(200);
    expect(jsonOf<{ status: string; running: number }>(response)).toMatchObject({
      status,
      running: 0,
    });
  });

  it.each<[string, string]>([
    ['an unknown batch', 'nope'],
    ['an id no batch can have', 'a.b'],
    ['an image reprocessing instead of a batch', 'b3-img1'],
  ])('answers 404 NOT_FOUND for %s', async (_name, batchId) => {
    // Prepare
    const { client, read } = setup();
    client.add({ instanceId: 'reprocess-b3-img1', name: Orchestrators.reprocessImage });

    // Act
    const response = await read(batchId);

    // Assess
    expect(response.status).toBe(404);
    expect(errorOf(response).code).toBe('NOT_FOUND');
  });
});

describe('Function: opsCancelReprocess', () => {
  it('raises the cancel event on a running batch and answers 202', async () => {
    // Prepare
    const { client, stop } = setup();
    client.add({ instanceId: 'reprocess-b1' });

    // Act
    const response = await stop('b1');

    // Assess
    expect(response.status).toBe(202);
    expect(jsonOf(response)).toEqual({ batchId: 'b1', statusUrl: `${BASE}/b1` });
    expect(client.events).toEqual([
      {
        instanceId: 'reprocess-b1',
        eventName: ReprocessEvents.cancel,
        data: { requestedAt: new Date(NOW).toISOString() },
      },
    ]);
  });

  it('answers 409 INSTANCE_FINISHED for a batch that has ended, and 404 for an unknown one', async () => {
    // Prepare
    const { client, stop } = setup();
    client.add({ instanceId: 'reprocess-b1', runtimeStatus: 'Completed' });

    // Act
    const finished = await stop('b1');
    const unknown = await stop('b9');

    // Assess
    expect(finished.status).toBe(409);
    expect(errorOf(finished).code).toBe('INSTANCE_FINISHED');
    expect(unknown.status).toBe(404);
    expect(client.events).toEqual([]);
  });
});

describe('Function: resumeDeferredAnalyses', () => {
  const vision: VisionPlan = {
    gates: [{ id: 'vision-a', endpoint: 'https://vision-a.example/' }],
    settings: { callsPerMinute: 2, breakerFailures: 5, breakerSeconds: 30 },
    maxWaitMs: 60_000,
    maxAttempts: 3,
  };
  const timer = {} as Timer;

  function sweepSetup(state: GateState | undefined, analyzer: 'azure' | 'local' = 'azure') {
    const records = new MemoryRecordFinder();
    const client = new FakeReprocessClient();
    const gates: GateStateReader = { read: () => Promise.resolve(state) };
    const handler = createResumeDeferredAnalyses({
      analyzer,
      vision,
      records,
      gatesFor: () => gates,
      clientFor: () => client,
      clock: () => new Date(NOW),
      pipeline,
    });
    const tick = () => handler(timer, testContext().context);
    return { records, client, tick };
  }

  const deferred: Partial<ImageRecord> = {
    status: 'CompletedWithWarnings',
    analysis: { status: 'Deferred', provider: 'azure' },
  };

  it('starts an analysis-only reprocessing for as many deferred images as the gates have free tokens, oldest first', async () => {
    // Prepare: a gate never used yet has its whole quota (2) free
    const { records, client, tick } = sweepSetup(undefined);
    const ids = await seed(records, 3, deferred);
    await seed(records, 1, { processingVersion: 3 });

    // Act
    await tick();

    // Assess
    expect(client.started.map((start) => start.instanceId)).toEqual([
      `reanalyze-${ids[0]}-v1`,
      `reanalyze-${ids[1]}-v1`,
    ]);
    expect(client.started[0]).toEqual({
      orchestrator: Orchestrators.reprocessImage,
      instanceId: `reanalyze-${ids[0]}-v1`,
      input: {
        imageId: ids[0]!,
        steps: ['analyze'],
        batchId: null,
        variants: pipeline.variants,
        analyzer: 'azure',
        maxInputPixels: pipeline.maxInputPixels,
        vision,
      } satisfies ReprocessImageInput,
    });
  });

  it('never starts the same work twice across sweeps, and restarts a failed one', async () => {
    // Prepare
    const { records, client, tick } = sweepSetup(undefined);
    const ids = await seed(records, 3, deferred);

    // Act
    await tick();
    await tick();
    await tick();
    client.instances.get(`reanalyze-${ids[0]}-v1`)!.runtimeStatus = 'Failed';
    await tick();

    // Assess
    expect(client.started.map((start) => start.instanceId)).toEqual([
      `reanalyze-${ids[0]}-v1`,
      `reanalyze-${ids[1]}-v1`,
      `reanalyze-${ids[2]}-v1`,
      `reanalyze-${ids[0]}-v1`,
    ]);
  });

  it('starts nothing while every circuit is open', async () => {
    // Prepare
    const open: GateState = {
      ...initialGateState(vision.settings, NOW),
      circuit: 'Open',
      openUntil: NOW + 30_000,
    };
    const { records, client, tick } = sweepSetup(open);
    await seed(records, 2, deferred);

    // Act
    await tick();

    // Assess
    expect(client.started).toEqual([]);
  });

  it('sends one image as the trial call of a half-open gate', async () => {
    // Prepare: the circuit opened a while ago and its open period is over
    const halfOpen: GateState = {
      ...initialGateState(vision.settings, NOW - 60_000),
      circuit: 'Open',
      openUntil: NOW - 1000,
    };
    const { records, client, tick } = sweepSetup(halfOpen);
    await seed(records, 2, deferred);

    // Act
    await tick();

    // Assess
    expect(client.started).toHaveLength(1);
  });

  it('adds no trial while a half-open gate has one under way', async () => {
    // Prepare: the current trial turn has been granted to some caller
    const base = initialGateState(vision.settings, NOW - 60_000);
    const trying: GateState = {
      ...base,
      circuit: 'Open',
      openUntil: NOW - 1000,
      nextSeq: base.plan.seq + 1,
    };
    const { records, client, tick } = sweepSetup(trying);
    await seed(records, 2, deferred);

    // Act
    await tick();

    // Assess
    expect(client.started).toEqual([]);
  });

  it('does nothing unless the analyzer is azure', async () => {
    // Prepare
    const { records, client, tick } = sweepSetup(undefined, 'local');
    await seed(records, 2, deferred);

    // Act
    await tick();

    // Assess
    expect(client.started).toEqual([]);
  });
});

describe('Function: findQuerySpec', () => {
  it('turns every filter field into a parameterised condition, oldest first', () => {
    // Act
    const spec = findQuerySpec({
      statuses: ['Failed'],
      analysisStatus: 'Deferred',
      createdFrom: '2026-11-01T00:00:00.000Z',
      createdTo: '2026-11-02T00:00:00.000Z',
      ids: ['a'],
    });

    // Assess
    expect(spec.query).toBe(
      'SELECT c.id, c.createdAt, c.status, c.processingVersion FROM c WHERE ' +
        'ARRAY_CONTAINS(@statuses, c.status) AND c.analysis.status = @analysisStatus AND ' +
        'c.createdAt >= @createdFrom AND c.createdAt <= @createdTo AND ' +
        'ARRAY_CONTAINS(@ids, c.id) ORDER BY c.createdAt ASC',
    );
    expect(spec.parameters).toHaveLength(5);
  });
});

describe('Function: loadConfig (reprocessing settings)', () => {
  const base = {
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    COSMOS_ENDPOINT: 'http://127.0.0.1:8081',
  };

  it('defaults to a sweep every minute and 200 children per generation', () => {
    expect(loadConfig(base).reprocess).toEqual({
      resumeDeferredSchedule: '0 */1 * * * *',
      childrenPerGeneration: 200,
    });
  });

  it('reads both settings and refuses bad values with their names', () => {
    expect(
      loadConfig({
        ...base,
        RESUME_DEFERRED_SCHEDULE: '00:05:00',
        REPROCESS_CHILDREN_PER_GENERATION: '50',
      }).reprocess,
    ).toEqual({ resumeDeferredSchedule: '00:05:00', childrenPerGeneration: 50 });
    expect(() => loadConfig({ ...base, RESUME_DEFERRED_SCHEDULE: 'every minute' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ ...base, REPROCESS_CHILDREN_PER_GENERATION: '5000' })).toThrow(
      /REPROCESS_CHILDREN_PER_GENERATION/,
    );
  });
});
