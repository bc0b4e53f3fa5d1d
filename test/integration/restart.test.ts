/**
 * The host is disposable: a SIGKILL mid-batch loses nothing, and a full restart of `npm start`
 * (every emulator included) shows every earlier image again. Runs its own stack, since it kills it.
 */
import sharp from 'sharp';
import { startStack, type Stack } from '../../devhost/testing/stack';
import { uploadOk, waitFinished, type ImageRecord } from './client';

async function photo(i: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 900 + i * 10,
      height: 700,
      channels: 3,
      background: { r: 20 * i, g: 90, b: 160 },
    },
  })
    .jpeg()
    .toBuffer();
}

describe('Durability: kill -9 and restart', () => {
  let stack: Stack;
  const ids: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ removeStateDirOnStop: false, readyTimeoutMs: 120_000 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('finishes every image exactly once when the host is killed mid-batch', async () => {
    const t = { baseUrl: stack.baseUrl, key: stack.functionsKey };
    for (let i = 0; i < 6; i++) ids.push(await uploadOk(t, await photo(i)));
    await new Promise((r) => setTimeout(r, 700));
    const killed = stack.killHost('SIGKILL');
    await stack.waitForNewHost(killed, 60_000);
    for (const id of ids) {
      const { record } = await waitFinished(t, id, 120_000);
      expect(record.status).toBe('Completed');
      expect(record.variants).toHaveLength(3);
    }
    const res = await fetch(
      `${stack.baseUrl}/runtime/webhooks/durabletask/instances?code=${stack.functionsKey}&runtimeStatus=Running,Pending`,
    );
    expect(await res.json()).toEqual([]);
  });

  it('shows every earlier image, variants and analysis after a full restart', async () => {
    const stateDir = stack.stateDir;
    await stack.stop();
    stack = await startStack({ stateDir, removeStateDirOnStop: true, readyTimeoutMs: 120_000 });
    const res = await fetch(`${stack.baseUrl}/api/images?limit=100`);
    const listed = ((await res.json()) as { items: ImageRecord[] }).items;
    for (const id of ids) {
      const item = listed.find((r) => r.id === id);
      expect(item?.status).toBe('Completed');
      expect(item?.analysis?.status).toBe('Completed');
      const variant = await fetch(`${stack.baseUrl}/api/images/${id}/variants/medium`);
      expect(variant.status).toBe(200);
      expect((await sharp(Buffer.from(await variant.arrayBuffer())).metadata()).format).toBe(
        'webp',
      );
    }
  });
});
