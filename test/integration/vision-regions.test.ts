/**
 * Two Vision endpoints ("regions"), one of them down: the down region's circuit opens after a few
 * calls and every image is analysed by the healthy one. Runs its own stack with two emulated
 * endpoints behind two gates.
 */
import sharp from 'sharp';
import { startStack, type Stack, type StackVision } from '../../devhost/testing/stack';
import { type Target, uploadOk, waitFinished } from './client';

async function image(i: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 300 + i * 8,
      height: 200,
      channels: 3,
      background: { r: 30, g: i * 9, b: 90 },
    },
  })
    .png()
    .toBuffer();
}

describe('Vision gate: two regions, one down', () => {
  let stack: Stack;
  let vision: StackVision;

  beforeAll(async () => {
    stack = await startStack({
      vision: {
        endpoints: ['east', 'west'],
        quotaPerMinute: 120,
        perEndpoint: { east: { rate503: 1 } },
      },
      env: {
        ANALYZER: 'azure',
        VISION_CALLS_PER_MINUTE: '120',
        VISION_BREAKER_FAILURES: '3',
        VISION_BREAKER_SECONDS: '60',
      },
    });
    vision = stack.vision as StackVision;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('moves all work to the healthy region once the failing one has opened its circuit', async () => {
    // Prepare
    const t: Target = { baseUrl: stack.baseUrl, key: stack.functionsKey };
    // Act
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await uploadOk(t, await image(i), 'image/png'));
    const records = [];
    for (const id of ids) records.push((await waitFinished(t, id, 180_000)).record);
    // Assess
    expect(records.every((record) => record.analysis?.status === 'Completed')).toBe(true);
    const east = await vision.admin.counters('east');
    const west = await vision.admin.counters('west');
    expect(west.ok).toBe(20);
    // The circuit opens after 3 failures; calls the gate granted before it heard of the third
    // (more of them on a loaded machine, where each 503 takes longer to come back) may add some,
    // but most of the 20 images never reach the failing region.
    expect(east.calls).toBeLessThanOrEqual(12);
    expect(east.ok).toBe(0);
    const gates = (await (
      await fetch(`${t.baseUrl}/api/ops/gate`, { headers: { 'x-functions-key': t.key } })
    ).json()) as { gates: { endpoint: string; circuit: string }[] };
    const eastGate = gates.gates.find((gate) => gate.endpoint.endsWith('/east'));
    // Open, or HalfOpen once its 60 s have passed on a slow machine: never Closed, since every
    // call there fails.
    expect(['Open', 'HalfOpen']).toContain(eastGate?.circuit);
  });
});
