/**
 * Injected faults and the admin API: rates of 429, 500 and 503, held calls (timeouts),
 * connection resets, scheduled outages, all configurable at run time per endpoint, counted, and
 * replayable with a seed. Nothing measures time: a held call is ended by the client.
 */
import { visionAdmin, type VisionAdmin } from '../../../devhost/vision/admin-client';
import type { RunningVisionEmulator } from '../../../devhost/vision/server';
import { analyze, emulator, manualClock, solid } from './support';

const TAGS_ONLY = 'api-version=2024-02-01&features=tags';

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 800; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('Vision emulator: faults and admin API', () => {
  let vision: RunningVisionEmulator;
  let admin: VisionAdmin;
  let image: Buffer;
  const clock = manualClock();

  beforeAll(async () => {
    image = await solid(64, 64, { r: 200, g: 120, b: 10 });
    vision = await emulator({ endpoints: 2, config: { quotaPerMinute: 0 }, clock: clock.now });
    admin = visionAdmin(vision.adminUrl);
  });
  afterAll(() => vision.close());
  beforeEach(() => admin.reset());

  const call = (endpoint = 0) => {
    const target = vision.endpoints[endpoint]!;
    return analyze(target.url, image, { key: target.keys[0]!, query: TAGS_ONLY });
  };

  /** A call the test can abandon, as a client with a deadline does. */
  const abandonableCall = (signal: AbortSignal): Promise<Response> => {
    const target = vision.endpoints[0]!;
    return fetch(`${target.url}/computervision/imageanalysis:analyze?${TAGS_ONLY}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'ocp-apim-subscription-key': target.keys[0]!,
      },
      body: image,
      signal,
    });
  };

  describe('injected answers', () => {
    it('answers 500, 503 and 429 at a rate of 1, with the service bodies', async () => {
      await admin.configure({ rate500: 1 }, 'r1');
      const internal = await call();
      await admin.configure({ rate500: 0, rate503: 1 }, 'r1');
      const unavailable = await call();
      await admin.configure({ rate503: 0, rate429: 1, retryAfterSeconds: 7 }, 'r1');
      const throttled = await call();

      expect(internal.status).toBe(500);
      expect(internal.json.error?.code).toBe('InternalServerError');
      expect(unavailable.status).toBe(503);
      expect(unavailable.json.error?.code).toBe('ServiceUnavailable');
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('7');
      expect(await admin.counters('r1')).toMatchObject({
        calls: 3,
        ok: 0,
        throttled: 1,
        quotaThrottled: 0,
        errors: { '500': 1, '503': 1, timeouts: 0, resets: 0 },
      });
      const all = await admin.allCounters();
      expect(Object.keys(all.endpoints)).toEqual(['r1', 'r2']);
      expect(all.total).toMatchObject({ calls: 3, throttled: 1, errors: { '500': 1, '503': 1 } });
    });

    it('resets the connection at a reset rate of 1', async () => {
      await admin.configure({ resetRate: 1 }, 'r1');

      await expect(call()).rejects.toThrow();

      expect((await admin.counters('r1')).errors.resets).toBe(1);
    });

    it('holds a call without an answer until the client gives up', async () => {
      await admin.configure({ timeoutRate: 1, timeoutSeconds: 0 }, 'r1');
      const client = new AbortController();

      const pending = abandonableCall(client.signal);
      const held = await eventually(async () => {
        const counters = await admin.counters('r1');
        return counters.errors.timeouts === 1 ? counters : undefined;
      }, 'the held call');
      client.abort();

      await expect(pending).rejects.toThrow();
      expect(held.inFlight).toBe(1);
      await eventually(
        async () => ((await admin.counters('r1')).inFlight === 0 ? true : undefined),
        'the held call to end',
      );
    });

    it('drops a held call after timeoutSeconds', async () => {
      await admin.configure({ timeoutRate: 1, timeoutSeconds: 1 }, 'r1');

      await expect(call()).rejects.toThrow();

      expect((await admin.counters('r1')).errors.timeouts).toBe(1);
    });

    it('fails the same calls again with the same seed after a reset', async () => {
      const run = async (): Promise<number[]> => {
        await admin.configure({ rate500: 0.3, rate503: 0.2 }, 'r1');
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) statuses.push((await call()).status);
        await admin.reset('r1');
        return statuses;
      };

      const first = await run();
      const second = await run();

      expect(second).toEqual(first);
      expect(new Set(first)).toEqual(new Set([200, 500, 503]));
    });

    it('still answers with added latency', async () => {
      await admin.configure({ latencyMs: 20, jitterMs: 10 }, 'r1');

      expect((await call()).status).toBe(200);
    });
  });

  describe('outages', () => {
    it('answers 503 on one endpoint for its outage while the other keeps working', async () => {
      await admin.outage({ seconds: 30 }, 'r1');

      const during = await call(0);
      const other = await call(1);
      clock.advance(30_000);
      const after = await call(0);

      expect(during.status).toBe(503);
      expect(other.status).toBe(200);
      expect(after.status).toBe(200);
    });

    it('starts a scheduled outage later, and resets connections in reset mode', async () => {
      await admin.outage({ seconds: 10, mode: 'reset', startInSeconds: 5 });

      const before = await call(1);
      const view = await admin.config('r2');
      clock.advance(5_000);

      await expect(call(1)).rejects.toThrow();
      expect(before.status).toBe(200);
      expect(view.outage).toMatchObject({ mode: 'reset', active: false });
      expect((await admin.config('r2')).outage).toMatchObject({ active: true });
    });

    it('ends an outage on request', async () => {
      await admin.outage({ seconds: 600 });
      await admin.endOutage();

      expect((await call(0)).status).toBe(200);
      expect((await call(1)).status).toBe(200);
    });
  });

  describe('admin API', () => {
    it('describes every endpoint with its URL and keys', async () => {
      const description = await admin.describe();

      expect(description.endpoints.map((e) => [e.name, e.url, e.keys])).toEqual([
        ['r1', `${vision.url}/r1`, ['vision-emulator-key-r1']],
        ['r2', `${vision.url}/r2`, ['vision-emulator-key-r2']],
      ]);
      expect(description.pid).toBe(process.pid);
    });

    it('refuses unknown fields, rates outside 0..1 and rates adding up to more than 1', async () => {
      const put = (body: unknown) =>
        fetch(`${vision.adminUrl}/config`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });

      const answers = await Promise.all([
        put({ rate50: 1 }),
        put({ rate500: 1.5 }),
        put({ rate500: 0.6, rate503: 0.6 }),
        put({ keys: [] }),
      ]);

      expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400]);
      expect(((await answers[0].json()) as { error: { code: string } }).error.code).toBe(
        'InvalidConfig',
      );
      expect((await admin.config('r1')).config).toMatchObject({ rate500: 0, rate503: 0 });
    });

    it('restores the start configuration and zero counters on reset', async () => {
      await admin.configure({ rate503: 1, quotaPerMinute: 2 });
      await call();

      await admin.reset();

      expect((await admin.config('r1')).config).toMatchObject({ rate503: 0, quotaPerMinute: 0 });
      expect((await admin.counters('r1')).calls).toBe(0);
    });

    it('lists recent calls with what they carried', async () => {
      await call(1);

      const [entry] = await admin.requests('r2', 1);

      expect(entry).toMatchObject({
        key: 'vision-emulator-key-r2',
        status: 200,
        outcome: 'ok',
        format: 'png',
        width: 64,
        height: 64,
        features: ['tags'],
      });
    });

    it('answers 404 for unknown admin routes', async () => {
      const response = await fetch(`${vision.adminUrl}/nothing`);

      expect(response.status).toBe(404);
    });
  });
});
