/**
 * The two lifecycle timers over in-memory ports: purgeOldHistory pages through old finished runs
 * and purges them; reconcileStalledImages starts a run that never started, marks a lost source,
 * and never overwrites a record that changed while it looked.
 */
import type { Timer } from '@azure/functions';
import { processImageInputFor } from '../../../src/domain/lifecycle/process-image-input';
import { runIdFor } from '../../../src/domain/lifecycle/reconcile';
import { acceptedRecord, type ImageRecord } from '../../../src/domain/record';
import { Containers, Orchestrators } from '../../../src/names';
import type {
  InstancePages,
  InstancePageQuery,
  InstanceRef,
} from '../../../src/ports/instance-pages';
import type { FindOptions, StalledRef } from '../../../src/ports/record-store';
import { createPurgeOldHistory } from '../../../src/triggers/purge-old-history';
import { createReconcileStalledImages } from '../../../src/triggers/reconcile-stalled-images';
import { testContext } from '../support/context';
import { FakeOrchestrationClient } from '../support/fake-orchestration-client';
import { MemoryBlobStore, MemoryRecordStore } from '../support/memory-stores';

const timer = {} as Timer;
const NOW = new Date('2026-12-01T12:00:00.000Z');

class FakePages implements InstancePages {
  readonly queries: InstancePageQuery[] = [];
  readonly purged: string[] = [];
  constructor(
    readonly instances: InstanceRef[],
    readonly pageSize = 2,
  ) {}

  page(query: InstancePageQuery) {
    this.queries.push(query);
    // The backend's filter, as the Durable HTTP API applies it.
    const matching = this.instances.filter(
      (ref) =>
        (query.runtimeStatus === undefined || query.runtimeStatus.includes(ref.runtimeStatus)) &&
        (query.createdTo === undefined || ref.createdTime <= query.createdTo),
    );
    const start = Number(query.continuationToken ?? 0);
    const items = matching.slice(start, start + this.pageSize);
    const next = start + this.pageSize;
    return Promise.resolve(
      next < matching.length ? { items, continuationToken: String(next) } : { items },
    );
  }

  terminate(): Promise<void> {
    return Promise.resolve();
  }

  purge(instanceId: string): Promise<boolean> {
    this.purged.push(instanceId);
    return Promise.resolve(true);
  }
}

describe('Timer: purgeOldHistory', () => {
  const ref = (instanceId: string, runtimeStatus: string, createdTime: string): InstanceRef => ({
    instanceId,
    runtimeStatus,
    createdTime,
  });
  const instances = [
    ref('old-done', 'Completed', '2026-10-01T00:00:00.000Z'),
    ref('old-failed', 'Failed', '2026-10-02T00:00:00.000Z'),
    ref('old-terminated', 'Terminated', '2026-10-03T00:00:00.000Z'),
    ref('old-running', 'Running', '2026-10-01T00:00:00.000Z'),
    ref('new-done', 'Completed', '2026-11-30T00:00:00.000Z'),
  ];

  it('purges, page by page, the finished runs created before the retention', async () => {
    // Prepare
    const pages = new FakePages(instances);
    const purge = createPurgeOldHistory({
      retentionDays: 30,
      pagesFor: () => pages,
      clock: () => NOW,
    });
    // Act
    await purge(timer, testContext().context);
    // Assess
    expect(pages.purged.sort()).toEqual(['old-done', 'old-failed', 'old-terminated']);
    expect(pages.queries.length).toBe(2);
    expect(pages.queries[0]).toMatchObject({
      createdTo: '2026-11-01T12:00:00.000Z',
      runtimeStatus: ['Completed', 'Failed', 'Terminated'],
    });
  });

  it('keeps everything with a retention of 0 days', async () => {
    // Prepare
    const pages = new FakePages(instances);
    const purge = createPurgeOldHistory({
      retentionDays: 0,
      pagesFor: () => pages,
      clock: () => NOW,
    });
    // Act
    await purge(timer, testContext().context);
    // Assess
    expect(pages.queries).toEqual([]);
    expect(pages.purged).toEqual([]);
  });
});

class StalledStore extends MemoryRecordStore {
  findStalled(updatedTo: string, _options: FindOptions) {
    const items: StalledRef[] = [...this.records.values()]
      .filter(
        (record) =>
          (record.status === 'Accepted' || record.status === 'Processing') &&
          record.updatedAt <= updatedTo,
      )
      .map((record) => ({
        id: record.id,
        status: record.status as StalledRef['status'],
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
      }));
    return Promise.resolve({ items, continuationToken: null });
  }
}

describe('Timer: reconcileStalledImages', () => {
  const stalledAt = new Date('2026-12-01T11:00:00.000Z');
  const accepted = (id: string): ImageRecord =>
    acceptedRecord({
      id,
      now: stalledAt,
      filename: 'a.jpg',
      format: 'jpeg',
      contentType: 'image/jpeg',
      bytes: 3,
      sha256: null,
      instanceId: `img-${id}-000000000000`,
    });

  function arrange() {
    const records = new StalledStore();
    const blobs = new MemoryBlobStore();
    const client = new FakeOrchestrationClient();
    const reconcile = createReconcileStalledImages({
      records,
      blobs,
      clientFor: () => client,
      clock: () => NOW,
      stallMinutes: 10,
      uploadUrlTtlSeconds: 600,
      inputFor: (imageId, source) =>
        processImageInputFor(imageId, source, {
          variantFormat: 'webp',
          analyzer: 'none',
          maxInputPixels: 1000,
        }),
    });
    return { records, blobs, client, reconcile };
  }

  it('starts the run of an upload whose event never came, under the blob trigger id', async () => {
    // Prepare
    const { records, blobs, client, reconcile } = arrange();
    const id = '01stalled00000000000000001';
    const { etag } = await blobs.put(Containers.incoming, id, Buffer.from('abc'), {
      contentType: 'image/jpeg',
      metadata: { filename: 'a%20b.jpg' },
    });
    await records.insertIfAbsent(accepted(id));
    // Act
    await reconcile(timer, testContext().context);
    await reconcile(timer, testContext().context);
    // Assess
    const started = client.instances.get(runIdFor(id, etag));
    expect(started).toMatchObject({
      name: Orchestrators.processImage,
      input: { imageId: id, blobName: id, source: { filename: 'a b.jpg' } },
    });
    expect(client.startCalls).toBe(1);
  });

  it('marks the record SOURCE_LOST when the blob is gone, and leaves a deleted image alone', async () => {
    // Prepare
    const { records, blobs, client, reconcile } = arrange();
    await records.insertIfAbsent(accepted('01stalled00000000000000002'));
    await records.insertIfAbsent(accepted('01stalled00000000000000003'));
    await blobs.put(Containers.tombstones, '01stalled00000000000000003', Buffer.alloc(0), {
      contentType: 'application/octet-stream',
    });
    // Act
    await reconcile(timer, testContext().context);
    // Assess
    expect(await records.get('01stalled00000000000000002')).toMatchObject({
      status: 'Failed',
      error: { code: 'SOURCE_LOST' },
      updatedAt: NOW.toISOString(),
    });
    expect((await records.get('01stalled00000000000000003'))?.status).toBe('Accepted');
    expect(client.startCalls).toBe(0);
  });

  it('does not overwrite a record that changed while it looked', async () => {
    // Prepare: the run saves its Processing record right after the sweep read the record
    const { records, reconcile } = arrange();
    const id = '01stalled00000000000000004';
    await records.insertIfAbsent(accepted(id));
    let slipped = false;
    records.afterRead = async () => {
      if (slipped) return;
      slipped = true;
      const current = (await records.get(id))!;
      await records.upsert({ ...current, status: 'Processing', updatedAt: NOW.toISOString() });
    };
    // Act
    await reconcile(timer, testContext().context);
    // Assess
    expect((await records.get(id))?.status).toBe('Processing');
  });
});
