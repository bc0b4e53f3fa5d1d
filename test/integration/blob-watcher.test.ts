/**
 * The blob trigger reads only what is new (a tail from a cursor plus a rolling rescan), and still
 * processes every blob version whatever its name, whenever it was written: after the cursor,
 * before it, as a new version of an old blob, or while no host was running. Blobs are written
 * straight to storage, as any other writer would. Runs its own stack, since it kills the host,
 * with a rescan page of two names so that a full pass spans several pages.
 */
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import sharp from 'sharp';
import { startStack, type Stack } from '../../devhost/testing/stack';
import { waitFinished, type ImageRecord, type Target } from './client';

async function photo(width: number): Promise<Buffer> {
  return sharp({
    create: { width, height: 400, channels: 3, background: { r: 200, g: 90, b: 30 } },
  })
    .jpeg()
    .toBuffer();
}

/** Waits until the image has a record (a blob written straight to storage has none at first). */
async function finished(t: Target, id: string): Promise<ImageRecord> {
  const deadline = Date.now() + 120_000;
  while ((await fetch(`${t.baseUrl}/api/images/${id}`)).status === 404) {
    if (Date.now() > deadline) throw new Error(`no record for ${id} after 120 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return (await waitFinished(t, id, 120_000)).record;
}

describe('Blob trigger: tail, rolling rescan and restart', () => {
  let stack: Stack;
  let t: Target;
  let incoming: ContainerClient;
  const put = (name: string, bytes: Buffer) =>
    incoming
      .getBlockBlobClient(name)
      .uploadData(bytes, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });

  beforeAll(async () => {
    stack = await startStack({
      readyTimeoutMs: 120_000,
      env: { DEVHOST_BLOB_RESCAN_PAGE: '2', DEVHOST_BLOB_RESCAN_MS: '200' },
    });
    t = { baseUrl: stack.baseUrl, key: stack.functionsKey };
    incoming = BlobServiceClient.fromConnectionString(
      stack.storageConnectionString,
    ).getContainerClient('images-incoming');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('processes blobs written after the cursor and before it', async () => {
    // Prepare: a late name moves the cursor past the names written next.
    await put('watch-m-late', await photo(500));
    const late = await finished(t, 'watch-m-late');
    // Act: names that sort before the cursor, more of them than one rescan page.
    const early = ['watch-a-1', 'watch-a-2', 'watch-a-3', 'watch-a-4', 'watch-a-5'];
    for (const name of early) await put(name, await photo(520));
    // Assess
    expect(late.status).toBe('Completed');
    for (const name of early) {
      const record = await finished(t, name);
      expect(record.status).toBe('Completed');
      expect(record.source?.width).toBe(520);
    }
  });

  it('processes a new version of an old blob as its own run', async () => {
    // Prepare
    const before = await finished(t, 'watch-a-1');
    // Act
    await put('watch-a-1', await photo(640));
    // Assess
    const deadline = Date.now() + 120_000;
    let record = before;
    while (record.orchestration?.instanceId === before.orchestration?.instanceId) {
      if (Date.now() > deadline) throw new Error('the new version was not processed');
      await new Promise((r) => setTimeout(r, 200));
      record = await finished(t, 'watch-a-1');
    }
    record = (await waitFinished(t, 'watch-a-1', 120_000)).record;
    expect(record.status).toBe('Completed');
    expect(record.source?.width).toBe(640);
  });

  it('processes blobs written while no host was running, before and after the cursor', async () => {
    // Act: kill the host and write at once, before the supervisor has a new one running.
    const killed = stack.killHost('SIGKILL');
    await put('watch-0-while-down', await photo(560));
    await put('watch-z-while-down', await photo(580));
    await stack.waitForNewHost(killed, 60_000);
    // Assess
    expect((await finished(t, 'watch-0-while-down')).source?.width).toBe(560);
    expect((await finished(t, 'watch-z-while-down')).source?.width).toBe(580);
    // The record is saved by the run's last activity, a moment before the run itself completes.
    const running = async (): Promise<unknown[]> =>
      (await (
        await fetch(
          `${stack.baseUrl}/runtime/webhooks/durabletask/instances?code=${stack.functionsKey}&runtimeStatus=Running,Pending`,
        )
      ).json()) as unknown[];
    const deadline = Date.now() + 60_000;
    let left = await running();
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      left = await running();
    }
    expect(left).toEqual([]);
  });
});
