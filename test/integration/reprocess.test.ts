/**
 * Batch reprocessing through the whole stack: a couple of hundred real uploads, a batch over
 * them with the host killed (SIGKILL) twice while it runs, and the records and the batch status
 * checked afterwards. Also the record search against the real Cosmos emulator, the operator
 * key, request validation and cancel. Runs its own stack (`ANALYZER=none` keeps the uploads
 * fast; a small generation size makes the batch continue as new while the host is killed).
 * Then, on a second stack with the Vision emulator, deferred analyses picked up again by the
 * timer once the service is back.
 */
import sharp from 'sharp';
import {
  createCosmosClient,
  createCosmosRecordStore,
} from '../../src/adapters/cosmos-record-store';
import type { ImageRecord } from '../../src/domain/record';
import type { BatchView } from '../../src/domain/reprocess/batch';
import type { RecordRef } from '../../src/domain/reprocess/filter';
import { startStack, type Stack } from '../../devhost/testing/stack';
import { cosmosContainer } from './client';

const IMAGES = 200;
const CHILDREN_PER_GENERATION = 60;
/** Uploads sent at once. */
const UPLOAD_CONCURRENCY = 12;

/** The host may be down for a moment while it is being restarted: retry like a patient client. */
async function patiently(url: string, init?: RequestInit): Promise<Response> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function tinyImage(i: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 48 + (i % 16),
      height: 32 + (i % 8),
      channels: 3,
      background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 },
    },
  })
    .jpeg()
    .toBuffer();
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

describe('Reprocessing: batches through the whole stack', () => {
  let stack: Stack;
  let ids: string[] = [];
  let uploadedFrom: string;

  const ops = (path: string): string => `${stack.baseUrl}/api/ops/reprocess${path}`;
  const keyed = { 'x-functions-key': '' };
  const post = (path: string, body: unknown, key = true): Promise<Response> =>
    patiently(ops(path), {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(key ? keyed : {}) },
    });
  const batchOf = async (batchId: string): Promise<BatchView> => {
    for (;;) {
      const response = await patiently(ops(`/${batchId}`), { headers: keyed });
      // A host that is still starting answers 503 HOST_STARTING.
      if (response.status === 503) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      expect(response.status).toBe(200);
      return (await response.json()) as BatchView;
    }
  };
  const records = async (): Promise<Map<string, ImageRecord>> => {
    const container = cosmosContainer(stack.cosmosEndpoint, stack.cosmosKey);
    const { resources } = await container.items.query<ImageRecord>('SELECT * FROM c').fetchAll();
    return new Map(resources.map((record) => [record.id, record]));
  };
  /** Polls the batch until `ready` holds (the host may be restarting meanwhile). */
  const until = async (
    batchId: string,
    ready: (view: BatchView) => boolean,
    timeoutMs: number,
  ): Promise<BatchView> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await batchOf(batchId);
      if (ready(view)) return view;
      if (Date.now() > deadline) {
        throw new Error(`batch ${batchId} never got there: ${JSON.stringify(view)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  };

  beforeAll(async () => {
    stack = await startStack({
      readyTimeoutMs: 120_000,
      env: {
        ANALYZER: 'none',
        REPROCESS_CHILDREN_PER_GENERATION: String(CHILDREN_PER_GENERATION),
      },
    });
    keyed['x-functions-key'] = stack.functionsKey;

    // A couple of hundred real uploads, each processed by the upload pipeline.
    uploadedFrom = new Date(Date.now() - 1000).toISOString();
    const bodies = await Promise.all(Array.from({ length: IMAGES }, (_, i) => tinyImage(i)));
    ids = await inParallel(bodies, UPLOAD_CONCURRENCY, async (body) => {
      const response = await fetch(`${stack.baseUrl}/api/images`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'image/jpeg' },
      });
      const json = (await response.json()) as { id: string };
      if (response.status !== 202) throw new Error(`upload: ${response.status}`);
      return json.id;
    });
    const deadline = Date.now() + 240_000;
    for (;;) {
      const stored = await records();
      const done = ids.filter((id) => stored.get(id)?.status === 'Completed').length;
      if (done === IMAGES) break;
      if (Date.now() > deadline) throw new Error(`only ${done} of ${IMAGES} uploads completed`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, 420_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('finds records in the Cosmos emulator by status, analysis, time and ids, oldest first, page by page', async () => {
    // Prepare
    const store = createCosmosRecordStore(
      createCosmosClient({
        endpoint: stack.cosmosEndpoint,
        key: stack.cosmosKey,
        database: 'images',
        container: 'records',
      }),
      { endpoint: stack.cosmosEndpoint, database: 'images', container: 'records' },
    );
    const all = async (filter: Parameters<typeof store.find>[0]): Promise<RecordRef[]> => {
      const found: RecordRef[] = [];
      let continuationToken: string | undefined;
      do {
        const page = await store.find(filter, {
          limit: 37,
          ...(continuationToken === undefined ? {} : { continuationToken }),
        });
        found.push(...page.items);
        continuationToken = page.continuationToken ?? undefined;
      } while (continuationToken !== undefined);
      return found;
    };

    // Act
    const byStatus = await all({
      statuses: ['Completed', 'Failed'],
      analysisStatus: 'Skipped',
      createdFrom: uploadedFrom,
      createdTo: new Date(Date.now() + 60_000).toISOString(),
    });
    const byIds = await all({ ids: [ids[5]!, ids[150]!, 'not-an-image'] });
    const none = await all({ statuses: ['Failed'] });
    const future = await all({ createdFrom: new Date(Date.now() + 60_000).toISOString() });

    // Assess
    expect(byStatus).toHaveLength(IMAGES);
    expect(new Set(byStatus.map((ref) => ref.id))).toEqual(new Set(ids));
    const times = byStatus.map((ref) => ref.createdAt);
    expect(times).toEqual([...times].sort());
    expect(byStatus[0]).toMatchObject({ status: 'Completed', processingVersion: 1 });
    expect(byIds.map((ref) => ref.id).sort()).toEqual([ids[5], ids[150]].sort());
    expect(none).toEqual([]);
    expect(future).toEqual([]);
  });

  it('refuses calls without the function key with 401', async () => {
    // Act
    const start = await post('', { filter: { status: 'Failed' } }, false);
    const read = await fetch(ops('/whatever'));

    // Assess
    expect(start.status).toBe(401);
    expect(((await start.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    expect(read.status).toBe(401);
  });

  it.each<[string, unknown, RegExp]>([
    ['an empty filter', { filter: {} }, /filter must name at least one/],
    ['a misspelt filter field', { filter: { stauts: 'Failed' } }, /filter\.stauts/],
    ['a status still being processed', { filter: { status: 'Processing' } }, /filter\.status/],
    ['a bad date', { filter: { createdFrom: 'last week' } }, /filter\.createdFrom/],
    [
      'too much concurrency',
      { filter: { status: 'Failed' }, maxConcurrency: 100 },
      /maxConcurrency/,
    ],
  ])('answers 400 INVALID_REQUEST for %s', async (_name, body, message) => {
    // Act
    const response = await post('', body);

    // Assess
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(message);
  });

  it('answers a dry run with the count and the first ids, starting nothing', async () => {
    // Act
    const response = await post('', { filter: { createdFrom: uploadedFrom }, dryRun: true });

    // Assess
    expect(response.status).toBe(200);
    const body = (await response.json()) as { matched: number; ids: string[] };
    expect(body.matched).toBe(IMAGES);
    expect(body.ids).toHaveLength(100);
    const stored = await records();
    expect(ids.every((id) => stored.get(id)?.processingVersion === undefined)).toBe(true);
  });

  it('reprocesses every image exactly once although the host is killed twice mid-batch', async () => {
    // Prepare
    const before = await records();

    // Act
    const response = await post('', {
      filter: { status: 'Completed', createdFrom: uploadedFrom },
      steps: ['resize'],
      maxConcurrency: 8,
    });
    expect(response.status).toBe(202);
    const { batchId, matched, statusUrl } = (await response.json()) as {
      batchId: string;
      matched: number;
      statusUrl: string;
    };
    expect(response.headers.get('location')).toBe(statusUrl);
    expect(matched).toBe(IMAGES);
    const atKills: BatchView[] = [];
    for (const threshold of [25, 110]) {
      atKills.push(
        await until(
          batchId,
          (view) => view.completed >= threshold || view.status !== 'Running',
          240_000,
        ),
      );
      const killed = stack.killHost('SIGKILL');
      await stack.waitForNewHost(killed, 90_000);
    }
    const view = await until(batchId, (current) => current.status !== 'Running', 300_000);

    // Assess: the host died while the batch was running, across generations
    for (const seen of atKills) {
      expect(seen.status).toBe('Running');
      expect(seen.completed).toBeLessThan(IMAGES);
    }
    const instance = await patiently(
      `${stack.baseUrl}/runtime/webhooks/durabletask/instances/reprocess-${batchId}?showInput=true&code=${stack.functionsKey}`,
    );
    const { input } = (await instance.json()) as { input: { carry?: { generation: number } } };
    expect(input.carry?.generation).toBe(Math.ceil(IMAGES / CHILDREN_PER_GENERATION));

    // Assess: the batch
    expect(view).toMatchObject({
      batchId,
      status: 'Completed',
      total: IMAGES,
      completed: IMAGES,
      failed: 0,
      running: 0,
      notStarted: 0,
      steps: ['resize'],
    });
    expect(view.total).toBe(view.completed + view.failed);

    // Assess: every record, once
    const after = await records();
    for (const id of ids) {
      const record = after.get(id);
      expect(before.get(id)?.processingVersion ?? 1).toBe(1);
      expect(record?.processingVersion).toBe(2);
      expect(record?.reprocessings?.filter((entry) => entry.batchId === batchId)).toHaveLength(1);
      expect(record?.reprocessings).toHaveLength(1);
      expect(record?.reprocessings?.[0]).toMatchObject({
        version: 2,
        steps: ['resize'],
        status: 'Completed',
        instanceId: `reprocess-${batchId}-${id}`,
      });
      expect(record?.status).toBe('Completed');
      expect(record?.variants).toHaveLength(3);
      expect(record?.createdAt).toBe(before.get(id)?.createdAt);
    }
    const variant = await fetch(`${stack.baseUrl}/api/images/${ids[0]}/variants/thumb`);
    expect(variant.status).toBe(200);
    expect((await sharp(Buffer.from(await variant.arrayBuffer())).metadata()).format).toBe('webp');
    const stuck = await patiently(
      `${stack.baseUrl}/runtime/webhooks/durabletask/instances?code=${stack.functionsKey}&runtimeStatus=Running,Pending`,
    );
    expect(await stuck.json()).toEqual([]);
  }, 900_000);

  it('cancels a batch: no image starts after the cancel, the running ones finish, status Canceled', async () => {
    // Prepare
    const started = await post('', {
      filter: { ids: ids.slice(0, 40) },
      steps: ['analyze'],
      maxConcurrency: 1,
    });
    expect(started.status).toBe(202);
    const { batchId } = (await started.json()) as { batchId: string };
    await until(batchId, (view) => view.completed >= 2, 120_000);

    // Act
    const cancel = await post(`/${batchId}/cancel`, {});
    const view = await until(batchId, (current) => current.status !== 'Running', 120_000);
    const again = await post(`/${batchId}/cancel`, {});

    // Assess
    expect(cancel.status).toBe(202);
    expect(view.status).toBe('Canceled');
    expect(view.cancelRequested).toBe(true);
    expect(view.notStarted).toBeGreaterThan(0);
    expect(view.completed + view.failed + view.notStarted).toBe(40);
    const after = await records();
    const redone = ids
      .slice(0, 40)
      .filter((id) => after.get(id)?.reprocessings?.some((entry) => entry.batchId === batchId));
    expect(redone).toHaveLength(view.completed + view.failed);
    expect(again.status).toBe(409);
    const unknown = await patiently(ops('/01hz0000000000000000000000'), { headers: keyed });
    expect(unknown.status).toBe(404);
  }, 300_000);
});

describe('Reprocessing: deferred analyses resumed by the timer', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      readyTimeoutMs: 120_000,
      vision: { quotaPerMinute: 120 },
      env: {
        // Give up on an analysis at once while the service is down, and keep the circuit
        // closed, so the images are deferred quickly and the sweep may resume them.
        VISION_MAX_ATTEMPTS: '1',
        VISION_MAX_WAIT_SECONDS: '2',
        VISION_BREAKER_FAILURES: '1000',
        RESUME_DEFERRED_SCHEDULE: '*/2 * * * * *',
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('analyses every deferred image once the service answers again, one version per attempt', async () => {
    // Prepare: the service is down while three images are uploaded
    const adminUrl = stack.vision?.adminUrl;
    if (adminUrl === undefined) throw new Error('the stack runs no Vision emulator');
    const outage = await fetch(`${adminUrl}/outage`, {
      method: 'POST',
      body: JSON.stringify({ seconds: 600 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(outage.status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const body = await sharp({
        create: {
          width: 120 + i,
          height: 90,
          channels: 3,
          background: { r: 60 * i, g: 90, b: 200 },
        },
      })
        .jpeg()
        .toBuffer();
      const response = await fetch(`${stack.baseUrl}/api/images`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'image/jpeg' },
      });
      ids.push(((await response.json()) as { id: string }).id);
    }
    const read = async (id: string): Promise<ImageRecord> =>
      (await (await patiently(`${stack.baseUrl}/api/images/${id}`)).json()) as ImageRecord;
    const wait = async (
      ready: (record: ImageRecord) => boolean,
      what: string,
    ): Promise<ImageRecord[]> => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const current = await Promise.all(ids.map(read));
        if (current.every(ready)) return current;
        if (Date.now() > deadline)
          throw new Error(`${what}: ${JSON.stringify(current.map((r) => r.analysis))}`);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    };
    await wait((record) => record.analysis?.status === 'Deferred', 'never deferred');

    // Act: the service comes back; nobody asks for anything
    const back = await fetch(`${adminUrl}/outage`, { method: 'DELETE' });
    expect(back.status).toBeLessThan(300);
    const done = await wait((record) => record.analysis?.status === 'Completed', 'never analysed');

    // Assess
    for (const record of done) {
      expect(record.status).toBe('Completed');
      expect(record.analysis?.provider).toBe('azure');
      const entries = record.reprocessings ?? [];
      expect(entries.length).toBeGreaterThan(0);
      entries.forEach((entry, index) => {
        // Each sweep started from the version it saw, once: consecutive versions, one instance each.
        expect(entry).toMatchObject({
          version: index + 2,
          batchId: null,
          steps: ['analyze'],
          instanceId: `reanalyze-${record.id}-v${index + 1}`,
        });
      });
      expect(entries[entries.length - 1]?.status).toBe('Completed');
      expect(record.processingVersion).toBe(entries.length + 1);
    }
  }, 300_000);
});
