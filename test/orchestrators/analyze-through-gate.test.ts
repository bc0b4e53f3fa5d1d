/**
 * The real `analyzeThroughGate` orchestrator, the real `visionGate` entity and the real
 * `callVision` activity on devhost's durable engine (in-memory task hub). Only the Vision service
 * behind the port is scripted here, per endpoint, so each test can say what the service answers;
 * the HTTP contract itself is covered against the Vision emulator in the integration tests.
 */
import * as df from 'durable-functions';
import { EventType } from '../../devhost/durable/history';
import { DurableHarness } from '../../devhost/testing/durable-harness';
import { createCallVision } from '../../src/activities/call-vision';
import { createReadVisionGates } from '../../src/activities/read-vision-gates';
import type { Outcome } from '../../src/domain/outcome';
import type { Analysis } from '../../src/domain/record';
import type { VisionPlan } from '../../src/domain/gate/endpoints';
import { type GateState } from '../../src/domain/gate/vision-gate';
import type { AnalyzeThroughGateInput } from '../../src/domain/gate/messages';
import { visionGate } from '../../src/entities/vision-gate';
import { Activities, Containers, Entities, Orchestrators } from '../../src/names';
import { analyzeThroughGate } from '../../src/orchestrators/analyze-through-gate';
import type { GateStateReader } from '../../src/ports/gate-state-reader';
import type { VisionCallResult, VisionService } from '../../src/ports/vision-service';
import { MemoryBlobStore } from '../unit/support/memory-stores';

/** What one scripted endpoint answers to its n-th call (1-based). */
type Script = (call: number) => VisionCallResult;

const scripts = new Map<string, Script>();
const callsTo = new Map<string, number>();
const analysisBy = (endpoint: string): Analysis => ({
  status: 'Completed',
  provider: 'azure',
  caption: `seen by ${endpoint}`,
});
const ok = (endpoint: string): VisionCallResult => ({ kind: 'ok', analysis: analysisBy(endpoint) });

const vision: VisionService = {
  endpoints: [],
  analyze(endpoint: string): Promise<VisionCallResult> {
    const call = (callsTo.get(endpoint) ?? 0) + 1;
    callsTo.set(endpoint, call);
    const script = scripts.get(endpoint) ?? (() => ok(endpoint));
    return Promise.resolve(script(call));
  },
};

const harness = new DurableHarness();
const blobs = new MemoryBlobStore();

const gateReader: GateStateReader = {
  async read(gateId: string): Promise<GateState | undefined> {
    const response = await harness.api('GET', `entities/${Entities.visionGate}/${gateId}`);
    return response.status === 200 ? (response.body as GateState) : undefined;
  },
};

df.app.orchestration(Orchestrators.analyzeThroughGate, analyzeThroughGate);
df.app.entity(Entities.visionGate, visionGate);
df.app.activity(Activities.callVision, {
  handler: createCallVision({
    blobs,
    vision,
    gatesFor: () => gateReader,
    clock: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }),
});
df.app.activity(Activities.readVisionGates, {
  handler: createReadVisionGates({ gatesFor: () => gateReader }),
});

let runs = 0;

/** A plan over fresh gate ids, so tests do not share gate state. */
function plan(endpoints: number, overrides: Partial<VisionPlan> = {}): VisionPlan {
  const suffix = ++runs;
  return {
    gates: Array.from({ length: endpoints }, (_, i) => ({
      id: `r${i + 1}-t${suffix}`,
      endpoint: `https://r${i + 1}-t${suffix}.example/`,
    })),
    settings: { callsPerMinute: 600, breakerFailures: 2, breakerSeconds: 1 },
    maxWaitMs: 60_000,
    maxAttempts: 6,
    ...overrides,
  };
}

async function analyse(
  visionPlan: VisionPlan,
  imageId = `image${++runs}`,
): Promise<{ output: Outcome<Analysis>; instanceId: string }> {
  await blobs.put(Containers.incoming, imageId, Buffer.from('bytes'), {
    contentType: 'image/jpeg',
  });
  const input: AnalyzeThroughGateInput = { imageId, blobName: imageId, vision: visionPlan };
  const instanceId = await harness.startOrchestration(Orchestrators.analyzeThroughGate, input);
  const state = await harness.waitForCompletion(instanceId, 60_000);
  expect(state.status).toBe('Completed');
  return { output: harness.output<Outcome<Analysis>>(state), instanceId };
}

async function gateState(gateId: string): Promise<GateState> {
  // Reports are signals: wait until the gate has applied them.
  await harness.whenIdle();
  const state = await gateReader.read(gateId);
  if (state === undefined) throw new Error(`gate ${gateId} has no state`);
  return state;
}

// Durable timers and retries run in real time; a busy machine stretches them.
jest.setTimeout(60_000);

beforeAll(async () => {
  await harness.start();
  await harness.listen();
});
afterAll(() => harness.stop());

describe('Orchestrator: analyzeThroughGate', () => {
  it('asks the gate for a slot, calls once and reports once: two entity operations', async () => {
    // Prepare
    const visionPlan = plan(1);
    const gate = visionPlan.gates[0]!;
    // Act
    const { output, instanceId } = await analyse(visionPlan);
    // Assess
    expect(output).toEqual({ ok: true, value: analysisBy(gate.endpoint) });
    const history = harness.history((await harness.status(instanceId))!);
    const sent = history.filter((event) => event.EventType === EventType.EventSent);
    expect(sent).toHaveLength(2);
    const state = await gateState(gate.id);
    expect(state.counters).toMatchObject({ granted: 1, ok: 1, throttled: 0, failed: 0 });
  });

  it('waits out a 429 and its Retry-After, then succeeds with a new slot', async () => {
    const visionPlan = plan(1);
    const gate = visionPlan.gates[0]!;
    scripts.set(gate.endpoint, (call) =>
      call === 1
        ? { kind: 'throttled', retryAfterMs: 500, message: 'Rate limit' }
        : ok(gate.endpoint),
    );
    const { output } = await analyse(visionPlan);
    expect(output.ok).toBe(true);
    const state = await gateState(gate.id);
    expect(state.counters).toMatchObject({ granted: 2, ok: 1, throttled: 1 });
    expect(callsTo.get(gate.endpoint)).toBe(2);
  });

  it('fails the analysis, not the endpoint, when the service refuses the image', async () => {
    const visionPlan = plan(1);
    const gate = visionPlan.gates[0]!;
    scripts.set(gate.endpoint, () => ({
      kind: 'rejected',
      status: 400,
      message: 'Image too small',
    }));
    const { output } = await analyse(visionPlan);
    expect(output).toMatchObject({ ok: false, code: 'ANALYSIS_FAILED' });
    const state = await gateState(gate.id);
    expect(state.circuit).toBe('Closed');
    expect(state.counters.rejected).toBe(1);
  });

  it('defers the analysis when every attempt fails, and the breaker keeps calls few', async () => {
    const visionPlan = plan(1, { maxAttempts: 4 });
    const gate = visionPlan.gates[0]!;
    scripts.set(gate.endpoint, () => ({ kind: 'unavailable', status: 503, message: 'down' }));
    const { output } = await analyse(visionPlan);
    expect(output).toMatchObject({ ok: false, code: 'ANALYSIS_DEFERRED' });
    expect(callsTo.get(gate.endpoint)).toBe(4);
    const state = await gateState(gate.id);
    expect(state.circuit).toBe('Open');
  });

  it('sends work to the healthy endpoint once the other one has opened its circuit', async () => {
    const visionPlan = plan(2, {
      settings: { callsPerMinute: 600, breakerFailures: 2, breakerSeconds: 60 },
    });
    const [broken, healthy] = visionPlan.gates as [
      VisionPlan['gates'][number],
      VisionPlan['gates'][number],
    ];
    scripts.set(broken.endpoint, () => ({ kind: 'unavailable', status: 500, message: 'down' }));
    const outputs: Outcome<Analysis>[] = [];
    for (let i = 0; i < 8; i++) outputs.push((await analyse(visionPlan)).output);
    expect(outputs.every((output) => output.ok)).toBe(true);
    // The broken region saw only the calls that opened its circuit.
    expect(callsTo.get(broken.endpoint) ?? 0).toBeLessThanOrEqual(2);
    expect(callsTo.get(healthy.endpoint)).toBe(8);
  });
});
