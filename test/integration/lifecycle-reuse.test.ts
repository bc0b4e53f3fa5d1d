/**
 * Content-hash reuse through the whole stack with the `azure` analyzer against the Vision
 * emulator: a second upload of the same bytes is its own image (own id, file name, record and
 * variant blobs) that took its twin's variants and analysis without a Vision call, and says so
 * in `reusedFrom`; deleting the first leaves the second whole, and a third upload then reuses
 * the second; reprocessing the second leaves the third as it was. Runs its own stack.
 */
import { startStack, type Stack, type StackVision } from '../../devhost/testing/stack';
import { getRecord, phonePhoto, type Target, waitFinished } from './client';

interface ReusingRecord {
  id: string;
  status: string;
  source: { filename: string | null; sha256: string };
  variants: { name: string; width: number; height: number; bytes: number; url: string }[];
  analysis: { status: string; provider: string };
  steps: { name: string; status: string }[];
  processingSpec?: string;
  reusedFrom?: { id: string; processingSpec: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Content-hash reuse of identical uploads', () => {
  let stack: Stack;
  let vision: StackVision;
  let t: Target;
  let photo: Buffer;

  beforeAll(async () => {
    stack = await startStack({
      vision: { quotaPerMinute: 60 },
      env: { ANALYZER: 'azure', VISION_CALLS_PER_MINUTE: '60' },
    });
    vision = stack.vision as StackVision;
    t = { baseUrl: stack.baseUrl, key: stack.functionsKey };
    photo = await phonePhoto(1200, 800);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function uploadNamed(filename: string): Promise<string> {
    const res = await fetch(`${t.baseUrl}/api/images?filename=${filename}`, {
      method: 'POST',
      body: photo,
      headers: { 'content-type': 'image/jpeg' },
    });
    const body = (await res.json()) as { id: string };
    expect(res.status).toBe(202);
    return body.id;
  }

  async function finished(id: string): Promise<ReusingRecord> {
    return (await waitFinished(t, id, 180_000)).record as unknown as ReusingRecord;
  }

  async function variantBytes(id: string): Promise<Record<string, Buffer>> {
    const out: Record<string, Buffer> = {};
    for (const name of ['thumb', 'medium', 'large']) {
      const res = await fetch(`${t.baseUrl}/api/images/${id}/variants/${name}`);
      expect(res.status).toBe(200);
      out[name] = Buffer.from(await res.arrayBuffer());
    }
    return out;
  }

  async function deleteAndWait(id: string): Promise<void> {
    const res = await fetch(`${t.baseUrl}/api/images/${id}`, {
      method: 'DELETE',
      headers: { 'x-functions-key': t.key },
    });
    expect(res.status).toBe(202);
    const { statusUrl } = (await res.json()) as { statusUrl: string };
    const deadline = Date.now() + 120_000;
    for (;;) {
      const status = await fetch(statusUrl, { headers: { 'x-functions-key': t.key } });
      const body = (await status.json()) as { runtimeStatus?: string };
      if (body.runtimeStatus === 'Completed') return;
      if (Date.now() > deadline) throw new Error(`cascade still ${JSON.stringify(body)}`);
      await sleep(250);
    }
  }

  async function reprocessAndWait(id: string): Promise<void> {
    const res = await fetch(`${t.baseUrl}/api/ops/reprocess`, {
      method: 'POST',
      headers: { 'x-functions-key': t.key, 'content-type': 'application/json' },
      body: JSON.stringify({ filter: { ids: [id] }, steps: ['analyze'] }),
    });
    expect(res.status).toBe(202);
    const { statusUrl } = (await res.json()) as { statusUrl: string };
    const deadline = Date.now() + 120_000;
    for (;;) {
      const status = await fetch(statusUrl, { headers: { 'x-functions-key': t.key } });
      const body = (await status.json()) as { status?: string; completed?: number };
      if (body.status === 'Completed' && body.completed === 1) return;
      if (Date.now() > deadline) throw new Error(`batch still ${JSON.stringify(body)}`);
      await sleep(250);
    }
  }

  it('reuses the first upload for the second, without a Vision call, and each stays whole alone', async () => {
    // Prepare: the first upload is analysed by the service.
    const endpoint = vision.names[0] ?? 'r1';
    const first = await finished(await uploadNamed('first.jpg'));
    expect(first.status).toBe('Completed');
    expect(first.analysis).toMatchObject({ status: 'Completed', provider: 'azure' });
    expect(first.reusedFrom).toBeUndefined();
    const callsAfterFirst = (await vision.admin.counters(endpoint)).calls;
    expect(callsAfterFirst).toBe(1);

    // Act: the same bytes again, under another name.
    const secondId = await uploadNamed('second.jpg');
    const second = await finished(secondId);

    // Assess: its own image, with the first one's results and no call to the service.
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('Completed');
    expect(second.source).toMatchObject({ filename: 'second.jpg', sha256: first.source.sha256 });
    expect(second.reusedFrom).toEqual({ id: first.id, processingSpec: first.processingSpec });
    expect(second.processingSpec).toContain('analysis=azure-vision-4.0');
    expect(second.analysis).toEqual(first.analysis);
    expect(second.variants.map(({ url: _url, ...rest }) => rest)).toEqual(
      first.variants.map(({ url: _url, ...rest }) => rest),
    );
    expect(second.variants.map((variant) => variant.url)).toEqual(
      ['thumb', 'medium', 'large'].map((name) => `/api/images/${secondId}/variants/${name}`),
    );
    expect(second.steps.find((step) => step.name === 'reuse')?.status).toBe('Completed');
    expect(second.steps.filter((step) => step.status === 'Skipped').map((s) => s.name)).toEqual([
      'resize:thumb',
      'resize:medium',
      'resize:large',
      'analyze',
    ]);
    expect((await vision.admin.counters(endpoint)).calls).toBe(callsAfterFirst);
    const firstBytes = await variantBytes(first.id);
    expect(await variantBytes(secondId)).toEqual(firstBytes);

    // Act: delete the first twin.
    await deleteAndWait(first.id);

    // Assess: the first is gone, the second is whole.
    expect((await getRecord(t, first.id)).status).toBe(404);
    const after = await getRecord(t, secondId);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ status: 'Completed', analysis: second.analysis });
    expect(await variantBytes(secondId)).toEqual(firstBytes);

    // Act: a third upload of the same bytes finds the second as its twin.
    const third = await finished(await uploadNamed('third.jpg'));

    // Assess
    expect(third.reusedFrom?.id).toBe(secondId);
    expect((await vision.admin.counters(endpoint)).calls).toBe(callsAfterFirst);
    expect(await variantBytes(third.id)).toEqual(firstBytes);

    // Act: reprocess the second twin (a new analysis through the service).
    const thirdBefore = (await getRecord(t, third.id)).body;
    await reprocessAndWait(secondId);

    // Assess: the second changed, the third did not; a fourth upload now reuses the third,
    // the oldest twin whose results still match the spec unreprocessed.
    const reprocessed = (await getRecord(t, secondId)).body as unknown as {
      processingVersion?: number;
    };
    expect(reprocessed.processingVersion).toBe(2);
    expect((await vision.admin.counters(endpoint)).calls).toBe(callsAfterFirst + 1);
    expect((await getRecord(t, third.id)).body).toEqual(thirdBefore);
    const fourth = await finished(await uploadNamed('fourth.jpg'));
    expect(fourth.reusedFrom?.id).toBe(third.id);
  });
});
