/**
 * Durability of the whole stack: every devhost process (supervisor, host, Azurite, Cosmos
 * emulator) is SIGKILLed at once, at several moments, and `npm start` runs again on the same
 * state directory. Every upload that was answered 202 must end with exactly one terminal record
 * and exactly one finished orchestration, and every started orchestration must resume. Runs its
 * own stacks, since it kills them.
 */
import path from 'node:path';
import sharp from 'sharp';
import { startStack, type Stack } from '../../devhost/testing/stack';
import { uploadOk, waitFinished, type Target } from './client';

interface InstanceStatus {
  instanceId: string;
  runtimeStatus: string;
  output?: unknown;
  historyEvents?: { EventType: string }[];
}

async function photo(i: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 640 + i * 8,
      height: 480,
      channels: 3,
      background: { r: i * 7, g: 90, b: 160 },
    },
  })
    .jpeg()
    .toBuffer();
}

/** Polls until `check` holds (the moment a kill should land), or gives up quietly after `ms`. */
async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function durableApi(stack: Stack, p: string): string {
  return `${stack.baseUrl}/runtime/webhooks/durabletask/${p}${p.includes('?') ? '&' : '?'}code=${stack.functionsKey}`;
}

async function instances(stack: Stack, query: string): Promise<InstanceStatus[]> {
  const res = await fetch(durableApi(stack, `instances?${query}`));
  expect(res.status).toBe(200);
  return (await res.json()) as InstanceStatus[];
}

describe('Durability: kill -9 of every devhost process, then npm start on the same state', () => {
  let stack: Stack | undefined;

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('finishes every acknowledged upload exactly once, whatever moment the whole stack died', async () => {
    stack = await startStack({ removeStateDirOnStop: false, readyTimeoutMs: 120_000 });
    const stateDir = stack.stateDir;
    const ids: string[] = [];
    const target = (s: Stack): Target => ({ baseUrl: s.baseUrl, key: s.functionsKey });

    // The moments: the instant the last upload was answered; once the first images are in their
    // fan-out of resizes; once some have finished and others are still saving.
    const moments: { name: string; wait: (s: Stack, batch: string[]) => Promise<void> }[] = [
      { name: 'right after the 202s', wait: () => Promise.resolve() },
      {
        name: 'mid fan-out',
        wait: (s, batch) =>
          until(async () => {
            const running = await instances(s, 'runtimeStatus=Running');
            return running.length >= Math.min(3, batch.length);
          }, 20_000),
      },
      {
        name: 'while some finish',
        wait: (s) =>
          until(async () => (await instances(s, 'runtimeStatus=Completed')).length >= 12, 30_000),
      },
    ];
    for (const [round, moment] of moments.entries()) {
      const batch: string[] = [];
      for (let i = 0; i < 10; i++)
        batch.push(await uploadOk(target(stack), await photo(round * 10 + i)));
      ids.push(...batch);
      await moment.wait(stack, batch);
      const killed = await stack.killAll();
      expect(killed.length).toBeGreaterThanOrEqual(4);
      stack = await startStack({
        stateDir,
        removeStateDirOnStop: round === moments.length - 1,
        readyTimeoutMs: 120_000,
      });
    }

    for (const id of ids) {
      const { record } = await waitFinished(target(stack), id, 180_000);
      expect(record.status).toBe('Completed');
      expect(record.variants).toHaveLength(3);
    }
    const all = await instances(stack, 'top=1000');
    for (const id of ids) {
      const runs = all.filter((s) => s.instanceId.startsWith(`img-${id}-`));
      expect(runs.map((s) => s.runtimeStatus)).toEqual(['Completed']);
    }
    const listed = (await (await fetch(`${stack.baseUrl}/api/images?limit=100`)).json()) as {
      items: { id: string }[];
    };
    for (const id of ids) expect(listed.items.filter((r) => r.id === id)).toHaveLength(1);
    expect(await instances(stack, 'runtimeStatus=Running,Pending')).toEqual([]);
    // Four cold starts of the whole stack and thirty photos: minutes on a loaded machine.
  }, 600_000);

  it('resumes orchestrations and counts each entity operation once after kills during entity batches', async () => {
    const appDir = path.join(__dirname, '..', 'fixtures', 'chaos-app');
    stack = await startStack({ appDir, removeStateDirOnStop: false, readyTimeoutMs: 120_000 });
    const stateDir = stack.stateDir;
    const N = 30;
    for (let i = 0; i < N; i++) {
      const res = await fetch(durableApi(stack, `orchestrators/chaos/all-${i}`), {
        method: 'POST',
        body: JSON.stringify(i),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(202);
    }
    for (const [round, delay] of [200, 600].entries()) {
      await new Promise((r) => setTimeout(r, delay));
      await stack.killAll();
      stack = await startStack({
        appDir,
        stateDir,
        removeStateDirOnStop: round === 1,
        readyTimeoutMs: 120_000,
      });
    }
    const s = stack;
    let done: InstanceStatus[] = [];
    await until(async () => {
      done = await Promise.all(
        Array.from(
          { length: N },
          async (_, i) =>
            (await (
              await fetch(durableApi(s, `instances/all-${i}?showHistory=true`))
            ).json()) as InstanceStatus,
        ),
      );
      return done.every((d) => d.runtimeStatus === 'Completed');
    }, 150_000);
    done.forEach((d, i) => {
      expect(d.runtimeStatus).toBe('Completed');
      expect(d.output).toBe((i * 3 * 3 + 3) * 2);
      expect(d.historyEvents?.filter((e) => e.EventType === 'ExecutionCompleted')).toHaveLength(1);
    });
    const entity = async (key: string): Promise<number> =>
      (await (await fetch(durableApi(s, `entities/tally/${key}`))).json()) as number;
    expect(await entity('all')).toBe(N);
    await until(async () => (await entity('signals')) === N, 30_000);
    expect(await entity('signals')).toBe(N);
  });
});
