/**
 * Golden-history replay: a history recorded from a real run of `processImage` is kept in the
 * repository and replayed through the current orchestrator code. If a change alters the sequence
 * of actions the orchestrator takes for that history, in-flight instances would fail to replay
 * after a deployment; this test fails first. Record again on purpose with UPDATE_GOLDEN=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as df from 'durable-functions';
import { actionSignature, flattenActions } from '../../devhost/durable/actions';
import type { HistoryEvent } from '../../devhost/durable/history';
import { ORCHESTRATION_TRIGGER_DEFAULTS } from '../../devhost/durable/orchestration-episode';
import { DurableHarness } from '../../devhost/testing/durable-harness';
import { FunctionsDurableInvoker } from '../../devhost/host/durable-invoker';
import { globalRegistry } from '../../devhost/host/functions-core';
import { Invoker } from '../../devhost/host/invoke';
import { succeed } from '../../src/domain/outcome';
import type { ProcessImageInput } from '../../src/domain/pipeline/pipeline';
import { variantSpecs } from '../../src/domain/pipeline/variants';
import { Activities, Orchestrators } from '../../src/names';
import { processImage } from '../../src/orchestrators/process-image';

interface Golden {
  input: ProcessImageInput;
  instanceId: string;
  history: HistoryEvent[];
  actions: string[];
}

const GOLDEN = path.join(__dirname, '..', 'golden', 'process-image.completed.json');

df.app.orchestration(Orchestrators.processImage, processImage);
df.app.activity(Activities.inspectImage, {
  handler: () =>
    succeed({
      format: 'jpeg',
      contentType: 'image/jpeg',
      width: 3000,
      height: 2000,
      orientedWidth: 3000,
      orientedHeight: 2000,
      bytes: 1000,
      sha256: 'a'.repeat(64),
      exif: null,
    }),
});
df.app.activity(Activities.resizeImage, {
  handler: (input: { variant: { name: string } }) =>
    succeed({
      name: input.variant.name,
      width: 100,
      height: 67,
      format: 'webp',
      contentType: 'image/webp',
      bytes: 10,
    }),
});
df.app.activity(Activities.analyzeImage, {
  handler: () =>
    succeed({
      status: 'Completed',
      provider: 'local',
      text: '',
      colors: [],
      blurhash: 'x',
      phash: '0'.repeat(16),
    }),
});
df.app.activity(Activities.findTwin, { handler: () => ({ twin: null }) });
df.app.activity(Activities.saveRecord, { handler: () => ({ saved: true }) });

async function record(): Promise<Golden> {
  const harness = await new DurableHarness().start();
  try {
    const input: ProcessImageInput = {
      imageId: 'golden',
      blobName: 'golden',
      source: { filename: 'golden.jpg', contentType: 'image/jpeg' },
      variants: variantSpecs('webp'),
      analyzer: 'local',
      maxInputPixels: 50_000_000,
    };
    const instanceId = 'img-golden-000000000000';
    await harness.startOrchestration(Orchestrators.processImage, input, instanceId);
    const state = await harness.waitForCompletion(instanceId);
    if (state.status !== 'Completed') throw new Error(`recording run ended ${state.status}`);
    return { input, instanceId, history: state.history, actions: state.actions };
  } finally {
    harness.stop();
  }
}

describe('Orchestrator: processImage golden history', () => {
  it('replays the recorded history with the same action sequence', async () => {
    // Prepare
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
      if (process.env.CI) throw new Error(`${GOLDEN} is missing; record it with UPDATE_GOLDEN=1.`);
      writeFileSync(GOLDEN, JSON.stringify(await record(), null, 2) + '\n');
    }
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden;
    const registry = globalRegistry();
    const invoker = new FunctionsDurableInvoker(
      registry,
      new Invoker(registry, () => undefined),
      () => ({
        string: JSON.stringify({ taskHubName: 'replay', creationUrls: {}, managementUrls: {} }),
      }),
    );

    // Act
    const outcome = await invoker.runOrchestrator(Orchestrators.processImage, {
      history: golden.history.map((e) => ({ ...e, IsPlayed: true })),
      input: golden.input,
      instanceId: golden.instanceId,
      isReplaying: true,
      ...ORCHESTRATION_TRIGGER_DEFAULTS,
    });

    // Assess
    expect(outcome.ok).toBe(true);
    expect(outcome.state?.isDone).toBe(true);
    expect(flattenActions(outcome.state?.actions).map(actionSignature)).toEqual(golden.actions);
  });
});
