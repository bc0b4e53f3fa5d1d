/**
 * The operator routes over HTTP against the whole stack: the function key, listing and paging
 * instances, the status with its timeline, and terminate / restart / purge, including what they
 * refuse. A running instance is held still by suspending it through the Durable HTTP API.
 */
import sharp from 'sharp';
import { getRecord, sharedStack, uploadOk, waitFinished } from './client';

const stack = sharedStack();
const OPS = `${stack.baseUrl}/api/ops/orchestrations`;

interface ErrorBody {
  error: { code: string; message: string };
}

interface Instance {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  input?: unknown;
  customStatus?: unknown;
  output?: unknown;
}

interface Entry {
  kind: string;
  name: string;
  attempt?: number;
  scheduledAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  status: string;
}

interface ListPage {
  items: Instance[];
  continuationToken: string | null;
}

function ops(
  path: string,
  init: RequestInit = {},
  key: string | null = stack.key,
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key !== null) headers.set('x-functions-key', key);
  return fetch(`${OPS}${path}`, { ...init, headers });
}

async function json<T>(res: Response, status: number): Promise<T> {
  const body = (await res.json()) as T;
  if (res.status !== status) {
    throw new Error(`Expected HTTP ${status}, got ${res.status}: ${JSON.stringify(body)}`);
  }
  return body;
}

async function expectError(res: Response, status: number, code: string): Promise<string> {
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = await json<ErrorBody>(res, status);
  expect(body.error.code).toBe(code);
  return body.error.message;
}

/** A small image of its own colour, so each upload is a new blob and a new instance. */
async function smallPng(seed: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 64 + (seed % 50),
      height: 48,
      channels: 3,
      background: { r: seed % 256, g: (seed * 7) % 256, b: (seed * 13) % 256 },
    },
  })
    .png()
    .toBuffer();
}

/** A photo large enough that processing takes a while: time to suspend its run. */
async function slowPhoto(seed: number): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919 + seed) % 251;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

async function finishedImage(seed: number): Promise<{ imageId: string; instanceId: string }> {
  const imageId = await uploadOk(stack, await smallPng(seed), 'image/png');
  const { record } = await waitFinished(stack, imageId);
  const instanceId = record.orchestration?.instanceId;
  if (!instanceId) throw new Error(`Image ${imageId} has no instance id`);
  return { imageId, instanceId };
}

async function waitFor(
  instanceId: string,
  done: (instance: Instance) => boolean,
): Promise<Instance> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await ops(`/${instanceId}`);
    if (res.status === 200) {
      const body = (await res.json()) as Instance;
      if (done(body)) return body;
    } else {
      await res.body?.cancel();
    }
    if (Date.now() > deadline) throw new Error(`${instanceId} did not reach the expected status`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const FINISHED = (instance: Instance) =>
  ['Completed', 'Failed', 'Terminated'].includes(instance.runtimeStatus);

/**
 * Uploads a slow photo and suspends its run through the Durable HTTP API. When the run wins the
 * race and finishes first, tries again with another photo: the test needs the Suspended state,
 * not a particular timing.
 */
async function suspendedInstance(): Promise<string> {
  for (let round = 0; round < 4; round++) {
    const imageId = await uploadOk(stack, await slowPhoto(round), 'image/jpeg');
    const { body } = await getRecord(stack, imageId);
    const instanceId = body.orchestration?.instanceId;
    if (!instanceId) throw new Error(`Image ${imageId} has no instance id`);
    const suspendUrl =
      `${stack.baseUrl}/runtime/webhooks/durabletask/instances/${instanceId}/suspend` +
      `?code=${encodeURIComponent(stack.key)}`;
    let answer = 404;
    // 404 until the blob trigger has started the run.
    for (let attempt = 0; attempt < 300 && answer === 404; attempt++) {
      const res = await fetch(suspendUrl, { method: 'POST' });
      await res.body?.cancel();
      answer = res.status;
      if (answer === 404) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (answer !== 202) continue;
    const state = await waitFor(instanceId, (i) => i.runtimeStatus === 'Suspended' || FINISHED(i));
    if (state.runtimeStatus === 'Suspended') return instanceId;
  }
  throw new Error('Every run finished before it could be suspended');
}

let first: { imageId: string; instanceId: string };
let second: { imageId: string; instanceId: string };

beforeAll(async () => {
  const seed = Date.now() % 10_000;
  first = await finishedImage(seed);
  second = await finishedImage(seed + 1);
});

describe('Operator API: function key', () => {
  const routes: [string, string, string][] = [
    ['list', 'GET', ''],
    ['get', 'GET', '/some-instance'],
    ['terminate', 'POST', '/some-instance/terminate'],
    ['restart', 'POST', '/some-instance/restart'],
    ['purge', 'POST', '/some-instance/purge'],
  ];

  it.each(routes)('%s without a key answers 401 UNAUTHORIZED', async (_, method, path) => {
    await expectError(await ops(path, { method }, null), 401, 'UNAUTHORIZED');
  });

  it.each(routes)('%s with a wrong key answers 401 UNAUTHORIZED', async (_, method, path) => {
    await expectError(await ops(path, { method }, 'not-the-key'), 401, 'UNAUTHORIZED');
  });

  it('accepts the key as ?code=', async () => {
    const res = await ops(`?code=${encodeURIComponent(stack.key)}&limit=1`, {}, null);
    expect((await json<ListPage>(res, 200)).items).toHaveLength(1);
  });
});

describe('Operator API: GET /api/ops/orchestrations', () => {
  it('lists an instance with its name, status and output', async () => {
    const page = await json<ListPage>(await ops(`?instanceIdPrefix=img-${first.imageId}`), 200);
    expect(page.continuationToken).toBeNull();
    expect(page.items).toEqual([
      expect.objectContaining({
        instanceId: first.instanceId,
        name: 'processImage',
        runtimeStatus: 'Completed',
        output: expect.objectContaining({ imageId: first.imageId, status: 'Completed' }),
      }),
    ]);
    expect(Date.parse(page.items[0]?.createdTime ?? '')).not.toBeNaN();
  });

  it('filters by status and by name, in any case', async () => {
    const ids = async (query: string) =>
      (
        await json<ListPage>(await ops(`${query}&instanceIdPrefix=img-${first.imageId}`), 200)
      ).items.map((i) => i.instanceId);
    expect(await ids('?runtimeStatus=completed,FAILED')).toEqual([first.instanceId]);
    expect(await ids('?runtimeStatus=Running')).toEqual([]);
    expect(await ids('?name=PROCESSIMAGE')).toEqual([first.instanceId]);
    expect(await ids('?name=someOtherOrchestrator')).toEqual([]);
  });

  it('filters by creation time', async () => {
    const created = (await json<Instance>(await ops(`/${first.instanceId}`), 200)).createdTime;
    const before = new Date(Date.parse(created) - 1).toISOString();
    const after = new Date(Date.parse(created) + 1).toISOString();
    const ids = async (query: string) =>
      (
        await json<ListPage>(await ops(`${query}&instanceIdPrefix=img-${first.imageId}`), 200)
      ).items.map((i) => i.instanceId);
    expect(await ids(`?createdFrom=${before}&createdTo=${after}`)).toEqual([first.instanceId]);
    expect(await ids(`?createdFrom=${after}`)).toEqual([]);
    expect(await ids(`?createdTo=${before}`)).toEqual([]);
  });

  it('pages newest first, every instance once, full pages until the last', async () => {
    const from = (await json<Instance>(await ops(`/${first.instanceId}`), 200)).createdTime;
    const seen: Instance[] = [];
    const sizes: number[] = [];
    let token: string | null = null;
    do {
      const query: string =
        `?name=processImage&createdFrom=${from}&limit=1` +
        (token === null ? '' : `&continuationToken=${token}`);
      const page: ListPage = await json<ListPage>(await ops(query), 200);
      seen.push(...page.items);
      sizes.push(page.items.length);
      token = page.continuationToken;
    } while (token !== null && seen.length < 500);
    const ids = seen.map((i) => i.instanceId);
    expect(ids).toEqual(expect.arrayContaining([first.instanceId, second.instanceId]));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.indexOf(second.instanceId)).toBeLessThan(ids.indexOf(first.instanceId));
    const times = seen.map((i) => Date.parse(i.createdTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(sizes.slice(0, -1).every((n) => n === 1)).toBe(true);
  });

  it.each([
    ['runtimeStatus=Bogus', 'runtimeStatus'],
    ['createdFrom=yesterday', 'createdFrom'],
    ['createdTo=2026-02-30T25:00:00Z', 'createdTo'],
    ['createdFrom=2026-11-02&createdTo=2026-11-01', 'createdFrom'],
    ['name=not%20a%20name', 'name'],
    ['instanceIdPrefix=a%2Fb', 'instanceIdPrefix'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['continuationToken=made-up', 'continuationToken'],
  ])('answers 400 INVALID_QUERY for %s, naming %s', async (query, parameter) => {
    const message = await expectError(await ops(`?${query}`), 400, 'INVALID_QUERY');
    expect(message).toContain(parameter);
  });
});

describe('Operator API: GET /api/ops/orchestrations/{instanceId}', () => {
  it('returns the status with its input and output, without a timeline', async () => {
    const body = await json<Instance & { timeline?: unknown }>(
      await ops(`/${first.instanceId}`),
      200,
    );
    expect(body).toMatchObject({
      instanceId: first.instanceId,
      name: 'processImage',
      runtimeStatus: 'Completed',
      input: expect.objectContaining({ imageId: first.imageId }),
      output: expect.objectContaining({ status: 'Completed' }),
    });
    expect(body).not.toHaveProperty('timeline');
  });

  it('adds the timeline of every step with ?history=true', async () => {
    const body = await json<Instance & { timeline: Entry[] }>(
      await ops(`/${first.instanceId}?history=true`),
      200,
    );
    const activities = body.timeline.filter((e) => e.kind === 'activity');
    const named = (name: string) => activities.filter((e) => e.name === name);
    expect(named('inspectImage')).toEqual([
      expect.objectContaining({ attempt: 1, status: 'Completed' }),
    ]);
    expect(named('resizeImage')).toHaveLength(3);
    expect(named('saveRecord').length).toBeGreaterThanOrEqual(1);
    const created = Date.parse(body.createdTime);
    for (const entry of body.timeline) {
      expect(entry.status).toBe('Completed');
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(entry.completedAt ?? '')).toBeGreaterThanOrEqual(created);
    }
    const starts = body.timeline.map((e) => Date.parse(e.scheduledAt ?? e.completedAt ?? ''));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('answers 400 INVALID_QUERY for a history flag that is not a boolean', async () => {
    const message = await expectError(
      await ops(`/${first.instanceId}?history=1`),
      400,
      'INVALID_QUERY',
    );
    expect(message).toContain('history');
  });

  it.each([
    ['get', 'GET', ''],
    ['get with history', 'GET', '?history=true'],
    ['terminate', 'POST', '/terminate'],
    ['restart', 'POST', '/restart'],
    ['purge', 'POST', '/purge'],
  ])('%s of an unknown instance answers 404 NOT_FOUND', async (_, method, suffix) => {
    await expectError(await ops(`/img-no-such-instance${suffix}`, { method }), 404, 'NOT_FOUND');
  });
});

describe('Operator API: terminate, restart, purge', () => {
  it('refuses to terminate a finished instance with 409 INSTANCE_FINISHED', async () => {
    await expectError(
      await ops(`/${first.instanceId}/terminate`, { method: 'POST' }),
      409,
      'INSTANCE_FINISHED',
    );
  });

  it('restarts a finished instance under a new id, with the same orchestrator and input', async () => {
    const res = await ops(`/${second.instanceId}/restart`, { method: 'POST' });
    const body = await json<{ instanceId: string; restartedFrom: string; statusUrl: string }>(
      res,
      202,
    );
    expect(body.restartedFrom).toBe(second.instanceId);
    expect(body.instanceId).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get('location')).toBe(body.statusUrl);
    const restarted = await waitFor(body.instanceId, FINISHED);
    expect(restarted).toMatchObject({ name: 'processImage', runtimeStatus: 'Completed' });
    expect(restarted.input).toEqual(
      (await json<Instance>(await ops(`/${second.instanceId}`), 200)).input,
    );
  });

  it('restarts a finished instance under its own id when asked', async () => {
    const before = await json<Instance>(await ops(`/${second.instanceId}`), 200);
    const res = await ops(`/${second.instanceId}/restart?restartWithNewInstanceId=false`, {
      method: 'POST',
    });
    expect((await json<{ instanceId: string }>(res, 202)).instanceId).toBe(second.instanceId);
    // A new run of the same instance: created again, then finished again.
    const after = await waitFor(
      second.instanceId,
      (i) => i.createdTime > before.createdTime && FINISHED(i),
    );
    expect(after.runtimeStatus).toBe('Completed');
  });

  describe('on a run that has not finished', () => {
    let running: string;

    beforeAll(async () => {
      running = await suspendedInstance();
    });

    it('refuses to purge it with 409 INSTANCE_RUNNING', async () => {
      const message = await expectError(
        await ops(`/${running}/purge`, { method: 'POST' }),
        409,
        'INSTANCE_RUNNING',
      );
      expect(message).toContain('Suspended');
    });

    it('refuses to restart it under the same id with 409 INSTANCE_RUNNING', async () => {
      await expectError(
        await ops(`/${running}/restart?restartWithNewInstanceId=false`, { method: 'POST' }),
        409,
        'INSTANCE_RUNNING',
      );
    });

    it('rejects a terminate body that is not an object with 400 INVALID_REQUEST', async () => {
      await expectError(
        await ops(`/${running}/terminate`, { method: 'POST', body: '"stop"' }),
        400,
        'INVALID_REQUEST',
      );
    });

    it('terminates it with the reason given, then purges it', async () => {
      const res = await ops(`/${running}/terminate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'stopped by the ops test & co' }),
      });
      expect((await json<{ instanceId: string }>(res, 202)).instanceId).toBe(running);
      const stopped = await waitFor(running, FINISHED);
      expect(stopped).toMatchObject({
        runtimeStatus: 'Terminated',
        output: 'stopped by the ops test & co',
      });

      await expectError(
        await ops(`/${running}/terminate`, { method: 'POST' }),
        409,
        'INSTANCE_FINISHED',
      );
      expect(
        await json<{ instancesDeleted: number }>(
          await ops(`/${running}/purge`, { method: 'POST' }),
          200,
        ),
      ).toEqual({
        instancesDeleted: 1,
      });
      await expectError(await ops(`/${running}`), 404, 'NOT_FOUND');
      await expectError(await ops(`/${running}/purge`, { method: 'POST' }), 404, 'NOT_FOUND');
    });
  });
});
