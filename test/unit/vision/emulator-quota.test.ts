/**
 * The emulator's per-key quota: a sliding window in which no key ever gets more than its quota
 * of calls accepted, and a 429 whose Retry-After is the time until the oldest call in the window
 * leaves it. Time is a hand-moved clock, so nothing here waits or measures durations.
 */
import { seededRandom } from '../../../devhost/vision/random';
import type { RunningVisionEmulator } from '../../../devhost/vision/server';
import { SlidingWindow } from '../../../devhost/vision/sliding-window';
import { visionAdmin } from '../../../devhost/vision/admin-client';
import { analyze, emulator, manualClock, solid } from './support';

const TAGS_ONLY = 'api-version=2024-02-01&features=tags';

describe('Class: SlidingWindow', () => {
  it('counts a call until exactly one window after it', () => {
    const window = new SlidingWindow();

    window.record(1_000, 60_000);
    window.record(30_000, 60_000);

    expect(window.count(60_999, 60_000)).toBe(2);
    expect(window.count(61_000, 60_000)).toBe(1);
    expect(window.msUntilOldestLeaves(61_000, 60_000)).toBe(29_000);
    expect(window.count(90_000, 60_000)).toBe(0);
    expect(window.msUntilOldestLeaves(90_000, 60_000)).toBe(0);
  });
});

describe('Vision emulator: quota', () => {
  let vision: RunningVisionEmulator;
  let image: Buffer;
  const clock = manualClock();

  beforeAll(async () => {
    image = await solid(64, 64, { r: 10, g: 120, b: 200 });
    vision = await emulator({
      endpoints: ['east', 'west'],
      config: { quotaPerMinute: 3 },
      clock: clock.now,
    });
  });
  afterAll(() => vision.close());
  beforeEach(() => visionAdmin(vision.adminUrl).reset());

  const call = (endpoint = 0, key?: string) => {
    const target = vision.endpoints[endpoint]!;
    return analyze(target.url, image, { key: key ?? target.keys[0]!, query: TAGS_ONLY });
  };

  it('answers 429 with Retry-After once a key has used its quota, until the window moves on', async () => {
    // Prepare
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call()).status);

    // Act
    const first429 = await call();
    clock.advance(20_000);
    const later429 = await call();
    clock.advance(40_000);
    const afterWindow = await call();

    // Assess
    expect(statuses).toEqual([200, 200, 200]);
    expect(first429.status).toBe(429);
    expect(first429.headers.get('retry-after')).toBe('60');
    expect(first429.json.error?.code).toBe('429');
    expect(first429.json.error?.message).toMatch(/Please retry after 60 seconds/);
    expect(later429.headers.get('retry-after')).toBe('40');
    expect(afterWindow.status).toBe(200);
    const counters = await visionAdmin(vision.adminUrl).counters('east');
    expect(counters).toMatchObject({
      calls: 6,
      ok: 4,
      throttled: 2,
      quotaThrottled: 2,
      maxCallsInAnyWindow: 3,
      maxAttemptsInAnyWindow: 5,
    });
    expect(counters.byKey['vision-emulator-key-east']).toMatchObject({
      calls: 6,
      ok: 4,
      quotaThrottled: 2,
      maxCallsInAnyWindow: 3,
    });
  });

  it('gives every endpoint its own quota', async () => {
    for (let i = 0; i < 3; i++) await call(0);

    const east = await call(0);
    const west = await call(1);

    expect(east.status).toBe(429);
    expect(west.status).toBe(200);
  });

  it('gives every key its own quota', async () => {
    const admin = visionAdmin(vision.adminUrl);
    await admin.configure({ keys: ['key-a', 'key-b'] }, 'east');
    for (let i = 0; i < 3; i++) await call(0, 'key-a');

    const a = await call(0, 'key-a');
    const b = await call(0, 'key-b');

    expect(a.status).toBe(429);
    expect(b.status).toBe(200);
    const counters = await admin.counters('east');
    expect(counters.maxCallsInAnyWindow).toBe(4);
    expect(counters.byKey['key-a']?.maxCallsInAnyWindow).toBe(3);
  });

  it('has no quota at 0, and a changed quota applies at once', async () => {
    const admin = visionAdmin(vision.adminUrl);
    await admin.configure({ quotaPerMinute: 0 }, 'east');
    const unlimited = [];
    for (let i = 0; i < 6; i++) unlimited.push((await call()).status);

    await admin.configure({ quotaPerMinute: 6 }, 'east');
    const over = await call();

    expect(unlimited).toEqual([200, 200, 200, 200, 200, 200]);
    expect(over.status).toBe(429);
  });

  it('never accepts more than the quota in any window, and Retry-After says when room comes', async () => {
    // Prepare: calls at random moments, some bunched, some far apart.
    const admin = visionAdmin(vision.adminUrl);
    await admin.configure({ quotaPerMinute: 5 }, 'east');
    const random = seededRandom(42);
    const accepted: number[] = [];
    const problems: string[] = [];

    // Act
    for (let i = 0; i < 120; i++) {
      clock.advance(Math.floor(random() < 0.7 ? random() * 3_000 : random() * 40_000));
      const now = clock.now();
      const inWindow = accepted.filter((t) => t > now - 60_000);
      const { status, headers } = await call();
      if (status === 200) {
        if (inWindow.length >= 5) problems.push(`accepted a 6th call at ${now}`);
        accepted.push(now);
      } else if (status === 429) {
        const expected = Math.ceil((inWindow[0]! + 60_000 - now) / 1000);
        if (inWindow.length < 5) problems.push(`throttled with only ${inWindow.length} in window`);
        if (headers.get('retry-after') !== String(Math.max(1, expected))) {
          problems.push(
            `Retry-After ${headers.get('retry-after')} at ${now}, expected ${expected}`,
          );
        }
      } else {
        problems.push(`unexpected ${status}`);
      }
    }

    // Assess
    expect(problems).toEqual([]);
    const counters = await admin.counters('east');
    expect(counters.maxCallsInAnyWindow).toBe(5);
    expect(counters.ok).toBe(accepted.length);
    expect(counters.throttled).toBe(120 - accepted.length);
    expect(counters.throttled).toBeGreaterThan(0);
    // 120 real HTTP calls, each decoding an image: seconds on a busy machine.
  }, 60_000);

  it('counts calls per minute', async () => {
    await call();
    clock.advance(60_000);
    await call();
    await call();

    const { perMinute } = await visionAdmin(vision.adminUrl).counters('east');

    expect(perMinute.map((minute) => minute.calls).slice(-2)).toEqual([1, 2]);
    expect(perMinute.at(-1)!.minute).toMatch(/:00\.000Z$/);
  });
});
