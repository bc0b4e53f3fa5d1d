/**
 * The lifecycle timers through the whole stack. The stack's blob watcher is slowed to once an
 * hour, so upload events are lost as an outage of Event Grid would lose them, and the timers run
 * every 2 seconds with short settings: a record stalls after 3 seconds, and finished history is
 * purged about 26 seconds after its run was created.
 *
 * Reconciliation: an upload whose run never started is processed under the instance id the blob
 * trigger uses, and its upload event, arriving late, then starts nothing; an upload whose blob was removed behind the app's back ends Failed with
 * SOURCE_LOST, and so does an upload URL whose bytes never came once it has expired; a
 * Processing record whose run is gone is processed again. Retention: a finished run leaves the
 * task hub, and the image keeps its record and its variants. Runs its own stack.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { startStack, type Stack } from '../../devhost/testing/stack';
import {
  cosmosContainer,
  getRecord,
  type ImageRecord,
  phonePhoto,
  type Target,
  uploadOk,
  waitFinished,
} from './client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value; fails with `what` after a generous deadline. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('Lifecycle timers: reconciliation and history retention', () => {
  let stack: Stack;
  let t: Target;
  let blobs: BlobServiceClient;
  let photo: Buffer;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        ANALYZER: 'none',
        DEVHOST_BLOB_POLL_MS: '3600000',
        DEVHOST_BLOB_RESCAN_MS: '3600000',
        STALL_MINUTES: '0.05',
        RECONCILE_SCHEDULE: '*/2 * * * * *',
        HISTORY_RETENTION_DAYS: '0.0003',
        HISTORY_PURGE_SCHEDULE: '*/2 * * * * *',
        UPLOAD_URL_TTL_SECONDS: '5',
      },
    });
    t = { baseUrl: stack.baseUrl, key: stack.functionsKey };
    blobs = BlobServiceClient.fromConnectionString(stack.storageConnectionString);
    photo = await phonePhoto(600, 400);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function opsStatus(instanceId: string): Promise<number> {
    const res = await fetch(`${t.baseUrl}/api/ops/orchestrations/${instanceId}`, {
      headers: { 'x-functions-key': t.key },
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** The blob trigger's receipts for the image's blob: one per handled event. */
  async function receiptsOf(id: string): Promise<string[]> {
    const names: string[] = [];
    const hosts = blobs.getContainerClient('azure-webjobs-hosts');
    if (!(await hosts.exists())) return names;
    for await (const item of hosts.listBlobsFlat({ prefix: 'blobreceipts/' })) {
      if (item.name.includes(`/images-incoming/${id}`)) names.push(item.name);
    }
    return names;
  }

  async function runsOf(id: string): Promise<string[]> {
    const res = await fetch(
      `${t.baseUrl}/api/ops/orchestrations?instanceIdPrefix=img-${id}-&limit=100`,
      { headers: { 'x-functions-key': t.key } },
    );
    const body = (await res.json()) as { items: { instanceId: string }[] };
    return body.items.map((item) => item.instanceId);
  }

  async function variantStatuses(id: string): Promise<number[]> {
    const statuses: number[] = [];
    for (const name of ['thumb', 'medium', 'large']) {
      const res = await fetch(`${t.baseUrl}/api/images/${id}/variants/${name}`);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  }

  it('processes an upload whose event never came, ignores the late event, then purges the finished run and keeps the image', async () => {
    // Prepare: the upload's record names the run the blob trigger would start.
    const id = await uploadOk(t, photo);
    const accepted = await getRecord(t, id);
    expect(accepted.body.status).toBe('Accepted');
    const instanceId = accepted.body.orchestration?.instanceId;

    // Act: nothing but the reconciliation can start it.
    const { record } = await waitFinished(t, id, 120_000);

    // Assess
    expect(record.status).toBe('Completed');
    expect(record.orchestration?.instanceId).toBe(instanceId);
    expect(record.variants).toHaveLength(3);

    // Act: a new host reads the whole container once, so the upload's event arrives now, late.
    const pid = stack.killHost();
    await stack.waitForNewHost(pid);
    await eventually('the late event to be handled', async () =>
      (await receiptsOf(id)).length > 0 ? true : undefined,
    );

    // Assess: it found the run and started nothing.
    expect(await runsOf(id)).toEqual([instanceId]);
    expect((await getRecord(t, id)).body).toMatchObject({
      status: 'Completed',
      orchestration: { instanceId },
    });

    // Act: the retention purges the finished run.
    await eventually('the run to be purged', async () =>
      (await opsStatus(instanceId!)) === 404 ? true : undefined,
    );

    // Assess: the image itself is untouched.
    const after = await getRecord(t, id);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('Completed');
    expect(await variantStatuses(id)).toEqual([200, 200, 200]);
  });

  it('marks an upload whose blob was removed behind the app back Failed with SOURCE_LOST', async () => {
    // Prepare: the bytes vanish before anything processed them.
    const id = await uploadOk(t, photo);
    await blobs.getContainerClient('images-incoming').getBlobClient(id).delete();

    // Act
    const { record } = await waitFinished(t, id, 120_000);

    // Assess
    expect(record.status).toBe('Failed');
    expect(record.error?.code).toBe('SOURCE_LOST');
    expect(record.variants).toEqual([]);
  });

  it('marks an upload URL whose bytes never came SOURCE_LOST once it has expired', async () => {
    // Prepare
    const res = await fetch(`${t.baseUrl}/api/images/upload-url`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contentType: 'image/jpeg', contentLength: photo.length }),
    });
    const { id } = (await res.json()) as { id: string };
    expect(res.status).toBe(201);

    // Act
    const { record } = await waitFinished(t, id, 120_000);

    // Assess
    expect(record.status).toBe('Failed');
    expect(record.error?.code).toBe('SOURCE_LOST');
  });

  it('processes again a Processing record whose run is gone', async () => {
    // Prepare: a finished image whose run was purged, its record set back to Processing as a
    // crash between the run's end and its save would leave it.
    const id = await uploadOk(t, photo);
    const { record } = await waitFinished(t, id, 120_000);
    const instanceId = record.orchestration!.instanceId;
    await eventually('the run to be purged', async () =>
      (await opsStatus(instanceId)) === 404 ? true : undefined,
    );
    const container = cosmosContainer(stack.cosmosEndpoint, stack.cosmosKey);
    const { resource } = await container.item(id, id).read<ImageRecord & { updatedAt: string }>();
    await container.item(id, id).replace({
      ...resource!,
      status: 'Processing',
      variants: [],
      updatedAt: '2020-01-01T00:00:00.000Z',
    });
    expect((await getRecord(t, id)).body.status).toBe('Processing');

    // Act
    const again = await waitFinished(t, id, 120_000);

    // Assess
    expect(again.record.status).toBe('Completed');
    expect(again.record.variants).toHaveLength(3);
    expect(await variantStatuses(id)).toEqual([200, 200, 200]);
  });
});
