/**
 * The real `reprocessBatch` and `reprocessImage` orchestrators on devhost's durable engine
 * (in-memory task hub), with the real findRecords, loadRecord and saveReprocessedRecord
 * activities over an in-memory record store, and stubs for the image work. The stubs count how
 * many children are between their first and their last activity, which is never more than the
 * children actually running.
 */
import * as df from 'durable-functions';
import { EventType, type HistoryEvent } from '../../devhost/durable/history';
import type { OrchestrationState } from '../../devhost/durable/orchestration-state';
import { DurableHarness } from '../../devhost/testing/durable-harness';
import { createFindRecords } from '../../src/activities/find-records';
import { createLoadRecord } from '../../src/activities/load-record';
import { createSaveReprocessedRecord } from '../../src/activities/save-reprocessed-record';
import { fail, succeed } from '../../src/domain/outcome';
import type {
  InspectImageInput,
  Inspection,
  RenderedVariant,
  ResizeImageInput,
} from '../../src/domain/pipeline/pipeline';
import type { ImageRecord, ImageStatus } from '../../src/domain/record';
import type {
  BatchProgress,
  ReprocessBatchInput,
  ReprocessBatchResult,
} from '../../src/domain/reprocess/batch';
import {
  matchesFilter,
  type RecordFilter,
  type RecordRefPage,
  refOf,
} from '../../src/domain/reprocess/filter';
import { variantSpecs } from '../../src/domain/pipeline/variants';
import { Activities, Orchestrators, ReprocessEvents } from '../../src/names';
import { reprocessBatch } from '../../src/orchestrators/reprocess-batch';
import { reprocessImage } from '../../src/orchestrators/reprocess-image';
import type { FindOptions, RecordFinder } from '../../src/ports/record-store';
import { MemoryRecordStore } from '../unit/support/memory-stores';

/** The record store with the finder's contract: oldest first, paged by an offset token. */
class MemoryRecordFinder extends MemoryRecordStore implements RecordFinder {
  find(filter: RecordFilter, options: FindOptions): Promise<RecordRefPage> {
    const all = [...this.records.values()]
      .filter((record) => matchesFilter(record, filter))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const start = options.continuationToken === undefined ? 0 : Number(options.continuationToken);
    const next = start + options.limit;
    return Promise.resolve({
      items: all.slice(start, next).map(refOf),
      continuationToken: next < all.length ? String(next) : null,
    });
  }
}

class Gate {
  open: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => {
    this.open = resolve;
  });
}

const records = new MemoryRecordFinder();
/** Images whose children are between loadRecord and the end of saveReprocessedRecord. */
const active = new Set<string>();
let mostActive = 0;
/** Each image's inspection waits for this gate when one is set. */
const holds = new Map<string, Gate>();
const inspected: string[] = [];
/** Images whose source no longer passes inspection. */
const broken = new Set<string>();

const inspection: Inspection = {
  format: 'jpeg',
  contentType: 'image/jpeg',
  width: 640,
  height: 480,
  bytes: 2048,
  sha256: 'd'.repeat(64),
  exif: null,
};

const loadRecord = createLoadRecord({ records });
const saveReprocessedRecord = createSaveReprocessedRecord({ records, clock: () => new Date() });

df.app.orchestration(Orchestrators.reprocessBatch, reprocessBatch);
df.app.orchestration(Orchestrators.reprocessImage, reprocessImage);
df.app.activity(Activities.findRecords, { handler: createFindRecords({ records }) });
df.app.activity(Activities.loadRecord, {
  handler: (input: { imageId: string }) => {
    active.add(input.imageId);
    mostActive = Math.max(mostActive, active.size);
    return loadRecord(input);
  },
});
df.app.activity(Activities.saveReprocessedRecord, {
  handler: async (input: { imageId: string }, context) => {
    const saved = await saveReprocessedRecord(input, context);
    active.delete(input.imageId);
    return saved;
  },
});
df.app.activity(Activities.inspectImage, {
  handler: async (request: InspectImageInput) => {
    inspected.push(request.blobName);
    await holds.get(request.blobName)?.opened;
    // Children take different times, so they overlap and end out of order.
    await new Promise((resolve) => setTimeout(resolve, (request.blobName.charCodeAt(25) % 4) * 7));
    return broken.has(request.blobName)
      ? fail('CORRUPT_IMAGE', 'The file cannot be decoded')
      : succeed(inspection);
  },
});
df.app.activity(Activities.resizeImage, {
  handler: (request: ResizeImageInput) =>
    succeed<RenderedVariant>({
      name: request.variant.name,
      width: 10,
      height: 10,
      format: request.variant.format,
      contentType: `image/${request.variant.format}`,
      bytes: 10,
    }),
});

let images = 0;
let batches = 0;

/** `count` finished records with a common tag in their file name, oldest first. */
async function seed(count: number, status: ImageStatus = 'Completed'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `01hz00000000000000000b${String(++images).padStart(4, '0')}`;
    const record: ImageRecord = {
      id,
      status,
      createdAt: new Date(Date.UTC(2026, 10, 1, 0, 0, images)).toISOString(),
      updatedAt: '2026-11-01T00:00:00.000Z',
      source: {
        filename: null,
        contentType: 'image/jpeg',
        bytes: 2048,
        width: 640,
        height: 480,
        format: 'jpeg',
        sha256: 'd'.repeat(64),
      },
      variants: [],
      analysis: { status: 'Skipped', provider: 'none' },
      steps: [],
      exif: null,
      orchestration: { instanceId: `img-${id}`, runtimeStatus: 'Completed' },
    };
    await records.upsert(record);
    ids.push(id);
  }
  return ids;
}

function batchInput(
  ids: string[],
  overrides: Partial<ReprocessBatchInput> = {},
): ReprocessBatchInput {
  return {
    batchId: `b${String(++batches).padStart(4, '0')}`,
    filter: { ids },
    steps: ['resize'],
    maxConcurrency: 8,
    childrenPerGeneration: 200,
    variants: variantSpecs('webp'),
    analyzer: 'none',
    maxInputPixels: 50_000_000,
    ...overrides,
  };
}

function count(history: readonly HistoryEvent[], type: EventType): number {
  return history.filter((event) => event.EventType === type).length;
}

// Generous bounds for a busy machine; nothing here measures time.
jest.setTimeout(60_000);

describe('Orchestrator: reprocessBatch', () => {
  let harness: DurableHarness;

  beforeAll(async () => {
    harness = await new DurableHarness(undefined, { maxConcurrentActivities: 32 }).start();
  });

  afterAll(() => harness.stop());

  beforeEach(() => {
    active.clear();
    mostActive = 0;
  });

  async function start(input: ReprocessBatchInput): Promise<string> {
    return harness.startOrchestration(
      Orchestrators.reprocessBatch,
      input,
      `reprocess-${input.batchId}`,
    );
  }

  async function finish(instanceId: string): Promise<OrchestrationState> {
    const state = await harness.waitForCompletion(instanceId, 30_000);
    expect(state.status).toBe('Completed');
    return state;
  }

  async function versions(ids: string[]): Promise<(number | undefined)[]> {
    return Promise.all(ids.map(async (id) => (await records.get(id))?.processingVersion));
  }

  it('reprocesses every matching image once and never runs more than maxConcurrency at a time', async () => {
    // Prepare
    const ids = await seed(9);
    const input = batchInput(ids, { maxConcurrency: 2 });

    // Act
    const state = await finish(await start(input));

    // Assess
    expect(harness.output<ReprocessBatchResult>(state)).toEqual({
      batchId: input.batchId,
      total: 9,
      completed: 9,
      failed: 0,
      running: 0,
      notStarted: 0,
      status: 'Completed',
      cancelRequested: false,
    });
    expect(mostActive).toBe(2);
    expect(await versions(ids)).toEqual(ids.map(() => 2));
    for (const id of ids) {
      const record = await records.get(id);
      expect(record?.reprocessings?.map((entry) => entry.batchId)).toEqual([input.batchId]);
    }
    // One sub-orchestration per image: children already running are never scheduled again.
    expect(count(state.history, EventType.SubOrchestrationInstanceCreated)).toBe(9);
    expect(count(state.history, EventType.SubOrchestrationInstanceCompleted)).toBe(9);
  });

  it('starts the next child as soon as any running one ends (a sliding window)', async () => {
    // Prepare: the first image is held; the others must still go through two at a time
    const ids = await seed(6);
    const held = new Gate();
    holds.set(ids[0]!, held);
    const instanceId = await start(batchInput(ids, { maxConcurrency: 2 }));

    // Act
    await harness.waitForState(
      instanceId,
      (s) => (JSON.parse(s.customStatus ?? 'null') as BatchProgress | null)?.completed === 5,
      20_000,
      'complete the five images that are not held',
    );
    const whileHeld = await versions(ids);
    held.open();
    const state = await finish(instanceId);

    // Assess
    expect(whileHeld).toEqual([undefined, 2, 2, 2, 2, 2]);
    expect(mostActive).toBe(2);
    expect(harness.output<ReprocessBatchResult>(state)).toMatchObject({ completed: 6 });
  });

  it('stops starting children on cancel, lets the running ones finish and ends Canceled', async () => {
    // Prepare
    const ids = await seed(6);
    const gates = ids.map((id) => {
      const gate = new Gate();
      holds.set(id, gate);
      return gate;
    });
    const instanceId = await start(batchInput(ids, { maxConcurrency: 2 }));
    await harness.waitForState(
      instanceId,
      () => inspected.includes(ids[0]!) && inspected.includes(ids[1]!),
      20_000,
      'start two children',
    );

    // Act
    await harness.raiseEvent(instanceId, ReprocessEvents.cancel, { requestedAt: 'now' });
    await harness.waitForState(
      instanceId,
      (s) =>
        (JSON.parse(s.customStatus ?? 'null') as BatchProgress | null)?.cancelRequested === true,
      20_000,
      'notice the cancel',
    );
    for (const gate of gates) gate.open();
    const state = await finish(instanceId);

    // Assess
    expect(harness.output<ReprocessBatchResult>(state)).toEqual({
      batchId: expect.any(String),
      total: 6,
      completed: 2,
      failed: 0,
      running: 0,
      notStarted: 4,
      status: 'Canceled',
      cancelRequested: true,
    });
    expect(await versions(ids)).toEqual([2, 2, undefined, undefined, undefined, undefined]);
    expect(inspected.filter((id) => ids.includes(id))).toHaveLength(2);
  });

  it('continues as new every few children, carrying the ids left and the counters', async () => {
    // Prepare: 8 images, 3 per generation; the fifth one fails
    const ids = await seed(8);
    broken.add(ids[4]!);
    const input = batchInput(ids, { maxConcurrency: 2, childrenPerGeneration: 3 });

    // Act
    const state = await finish(await start(input));

    // Assess
    expect(harness.output<ReprocessBatchResult>(state)).toMatchObject({
      total: 8,
      completed: 7,
      failed: 1,
      notStarted: 0,
      status: 'Completed',
    });
    // The last generation's history starts from the carried state: 6 children done before it.
    const started = state.history.find((event) => event.EventType === EventType.ExecutionStarted);
    const carried = JSON.parse(started?.Input ?? 'null') as ReprocessBatchInput;
    expect(carried.carry).toEqual({
      pending: ids.slice(6),
      total: 8,
      completed: 5,
      failed: 1,
      canceled: false,
      generation: 3,
    });
    expect(count(state.history, EventType.SubOrchestrationInstanceCreated)).toBe(2);
    expect(await versions(ids)).toEqual(ids.map(() => 2));
    expect((await records.get(ids[4]!))?.status).toBe('Failed');
  });

  it('collects the ids through the record search: only finished matching records, oldest first', async () => {
    // Prepare
    const done = await seed(3);
    const busy = await seed(1, 'Processing');
    const filter: RecordFilter = { ids: [...done, ...busy], statuses: ['Completed'] };

    // Act
    const state = await finish(await start(batchInput([], { filter })));

    // Assess
    expect(harness.output<ReprocessBatchResult>(state)).toMatchObject({ total: 3, completed: 3 });
    expect(await versions([...done, ...busy])).toEqual([2, 2, 2, undefined]);
  });

  it('completes an empty batch at once', async () => {
    // Act
    const state = await finish(
      await start(batchInput([], { filter: { ids: ['01hz0000000000000000nothing'] } })),
    );

    // Assess
    expect(harness.output<ReprocessBatchResult>(state)).toMatchObject({
      total: 0,
      completed: 0,
      failed: 0,
      status: 'Completed',
    });
  });
});
