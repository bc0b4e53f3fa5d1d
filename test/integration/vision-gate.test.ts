/**
 * The shared Vision gate end to end: uploads through the API, the `azure` analyzer's real code
 * path, the visionGate entity on devhost's task hub, and the Vision emulator's quota and faults
 * standing in for Azure AI Vision. Runs its own stack (one endpoint, the gate told 60 calls per
 * minute, the breaker opening after 3 failures for 5 s).
 */
import sharp from 'sharp';
import { startStack, type Stack, type StackVision } from '../../devhost/testing/stack';
import { type ImageRecord, type Target, uploadOk, waitFinished } from './client';

const QUOTA = 60;

async function image(i: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 320 + (i % 7) * 16,
      height: 240,
      channels: 3,
      background: { r: (i * 41) % 256, g: (i * 17) % 256, b: 200 },
    },
  })
    .png()
    .toBuffer();
}

async function uploadMany(t: Target, count: number, offset: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await uploadOk(t, await image(offset + i), 'image/png'));
  return ids;
}

async function finishAll(t: Target, ids: readonly string[]): Promise<ImageRecord[]> {
  const records: ImageRecord[] = [];
  for (const id of ids) records.push((await waitFinished(t, id, 240_000)).record);
  return records;
}

interface GateView {
  id: string;
  circuit: string;
  ratePerMinute: number;
  configuredPerMinute: number;
  counters: Record<string, number>;
}

describe('Vision gate: one polite client for the whole app', () => {
  let stack: Stack;
  let vision: StackVision;
  let t: Target;
  let endpoint: string;
  let offset = 0;

  beforeAll(async () => {
    stack = await startStack({
      vision: { quotaPerMinute: QUOTA, config: { latencyMs: 50, jitterMs: 100 } },
      env: {
        ANALYZER: 'azure',
        VISION_CALLS_PER_MINUTE: String(QUOTA),
        VISION_BREAKER_FAILURES: '3',
        VISION_BREAKER_SECONDS: '5',
      },
    });
    vision = stack.vision as StackVision;
    t = { baseUrl: stack.baseUrl, key: stack.functionsKey };
    endpoint = vision.names[0] ?? 'r1';
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(async () => {
    await vision.admin.reset(endpoint);
  });

  async function run(count: number): Promise<ImageRecord[]> {
    const ids = await uploadMany(t, count, offset);
    offset += count;
    return finishAll(t, ids);
  }

  it('makes no 429 at all and analyses every image when the quota is right', async () => {
    // Act
    const records = await run(24);
    // Assess
    const counters = await vision.admin.counters(endpoint);
    expect(counters.throttled).toBe(0);
    expect(counters.maxCallsInAnyWindow).toBeLessThanOrEqual(QUOTA);
    for (const record of records) {
      expect(record.status).toBe('Completed');
      expect(record.analysis?.status).toBe('Completed');
      expect(record.analysis?.provider).toBe('azure');
    }
  });

  it('contains 429s to a small fraction and still analyses every image when the service grants half', async () => {
    // Prepare: the service grants 30 a minute; the gate was told 60.
    await vision.admin.configure({ quotaPerMinute: QUOTA / 2 }, endpoint);
    // Act
    const records = await run(45);
    // Assess
    const counters = await vision.admin.counters(endpoint);
    expect(records.every((record) => record.analysis?.status === 'Completed')).toBe(true);
    expect(counters.ok).toBe(45);
    // The gate learns the real quota only from 429s, each of which pauses the endpoint; calls
    // that leave late on a loaded machine can add one or two more.
    expect(counters.throttled / counters.calls).toBeLessThanOrEqual(0.15);
    const gates = (await (
      await fetch(`${t.baseUrl}/api/ops/gate`, { headers: { 'x-functions-key': t.key } })
    ).json()) as { gates: GateView[] };
    expect(gates.gates[0]?.ratePerMinute).toBeLessThan(QUOTA);
  });

  it('lets only a handful of calls reach a 20-second outage and resumes after it', async () => {
    // Prepare: the service answers 503 for the next 20 seconds.
    await vision.admin.outage({ seconds: 20, mode: '503' }, endpoint);
    // Act
    const records = await run(16);
    // Assess: 3 failures open the circuit; then one trial every 5 s or so.
    const counters = await vision.admin.counters(endpoint);
    expect(counters.errors['503']).toBeLessThanOrEqual(10);
    expect(records.every((record) => record.analysis?.status === 'Completed')).toBe(true);
  });

  it('shows every gate to operators and resets one on request', async () => {
    const headers = { 'x-functions-key': t.key };
    const unauthorised = await fetch(`${t.baseUrl}/api/ops/gate`);
    expect(unauthorised.status).toBe(401);

    const listed = (await (await fetch(`${t.baseUrl}/api/ops/gate`, { headers })).json()) as {
      gates: GateView[];
    };
    expect(listed.gates).toHaveLength(1);
    const gate = listed.gates[0] as GateView;
    expect(gate.configuredPerMinute).toBe(QUOTA);
    expect(gate.counters.ok).toBeGreaterThan(0);

    const reset = await fetch(`${t.baseUrl}/api/ops/gate/${gate.id}/reset`, {
      method: 'POST',
      headers,
    });
    expect(reset.status).toBe(200);
    const after = (await reset.json()) as { gate: GateView };
    expect(after.gate).toMatchObject({ circuit: 'Closed', ratePerMinute: QUOTA });

    const unknown = await fetch(`${t.baseUrl}/api/ops/gate/nowhere/reset`, {
      method: 'POST',
      headers,
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
