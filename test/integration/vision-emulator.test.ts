/**
 * The Vision emulator in the whole local stack, as `npm start --vision` runs it: the real host
 * starts with the emulator's endpoints and keys, the Azure adapter reaches each region through
 * them, a region can fail while the other answers, quotas throttle, and a killed emulator is
 * started again by the supervisor. Runs its own stack, since it kills a part of it.
 */
import sharp from 'sharp';
import { startStack, type Stack } from '../../devhost/testing/stack';
import { createAzureVisionService } from '../../src/adapters/azure-vision-service';
import type { VisionService } from '../../src/ports/vision-service';

function photo(): Promise<Buffer> {
  return sharp({
    create: { width: 1600, height: 1000, channels: 3, background: { r: 40, g: 110, b: 190 } },
  })
    .jpeg()
    .toBuffer();
}

describe('Vision emulator in the local stack', () => {
  let stack: Stack;
  let vision: NonNullable<Stack['vision']>;
  let service: VisionService;
  let image: Buffer;

  beforeAll(async () => {
    stack = await startStack({
      vision: { endpoints: 2, quotaPerMinute: 3 },
      readyTimeoutMs: 120_000,
    });
    vision = stack.vision!;
    service = createAzureVisionService({ endpoints: vision.endpoints, keys: vision.keys });
    image = await photo();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(() => vision.admin.reset());

  it('runs two regions next to a healthy host', async () => {
    const health = await fetch(`${stack.baseUrl}/api/health`);

    expect(health.status).toBe(200);
    expect(vision.names).toEqual(['r1', 'r2']);
    expect(vision.keys).toEqual(['vision-emulator-key-r1', 'vision-emulator-key-r2']);
  });

  it('analyses through each region, and one region can fail while the other answers', async () => {
    await vision.admin.outage({ seconds: 120, mode: '503' }, 'r2');

    const east = await service.analyze(vision.endpoints[0]!, image);
    const west = await service.analyze(vision.endpoints[1]!, image);

    expect(east).toMatchObject({
      kind: 'ok',
      analysis: { provider: 'azure', caption: 'a wide mostly blue image' },
    });
    expect(west).toMatchObject({ kind: 'unavailable', status: 503 });
    expect((await vision.admin.counters('r2')).errors['503']).toBe(1);
  });

  it('throttles a region over its quota and says when to come back', async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await service.analyze(vision.endpoints[0]!, image));

    expect(results.map((result) => result.kind)).toEqual(['ok', 'ok', 'ok', 'throttled']);
    const last = results[3]!;
    expect(last.kind === 'throttled' ? last.retryAfterMs : undefined).toBeGreaterThan(0);
    const counters = await vision.admin.counters('r1');
    expect(counters).toMatchObject({ calls: 4, ok: 3, quotaThrottled: 1, maxCallsInAnyWindow: 3 });
  });

  it('is started again by the supervisor after kill -9, at the same endpoints', async () => {
    const before = await vision.admin.describe();

    process.kill(before.pid, 'SIGKILL');
    let after = before;
    for (let i = 0; i < 300 && after.pid === before.pid; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await vision.admin.describe().catch(() => before);
    }
    const result = await service.analyze(vision.endpoints[0]!, image);

    expect(after.pid).not.toBe(before.pid);
    expect(after.endpoints.map((endpoint) => endpoint.url)).toEqual(vision.endpoints);
    expect(result.kind).toBe('ok');
  });
});
