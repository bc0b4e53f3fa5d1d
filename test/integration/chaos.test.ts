/**
 * Durability under SIGKILL: the host is killed repeatedly while a batch runs (activities in
 * flight, results waiting for their orchestrator, entity operations queued). Every orchestration
 * must complete exactly once, the entity must count each operation once, and nothing may be left
 * running. A work item that kills the host every time is failed after a bounded number of tries
 * without blocking the rest. Runs its own stack with a small fixture app.
 */
import path from 'node:path';
import { startStack, type Stack } from '../../devhost/testing/stack';

const N = 40;

interface Status {
  instanceId: string;
  runtimeStatus: string;
  output: unknown;
  historyEvents?: { EventType: string }[];
}

/** The host may be down for a moment while it is being restarted: retry like a patient client. */
async function patiently(url: string, init?: RequestInit): Promise<Response> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await fetch(url, init);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('Durability: SIGKILL during a batch', () => {
  let stack: Stack;
  const api = (p: string): string =>
    `${stack.baseUrl}/runtime/webhooks/durabletask/${p}${p.includes('?') ? '&' : '?'}code=${stack.functionsKey}`;
  // The poison item ends the host at any moment, so every read is patient.
  const status = async (id: string, history = false): Promise<Status> =>
    (await (
      await patiently(api(`instances/${id}${history ? '?showHistory=true' : ''}`))
    ).json()) as Status;
  const start = async (name: string, id: string, input: unknown): Promise<void> => {
    const res = await patiently(api(`orchestrators/${name}/${id}`), {
      method: 'POST',
      body: JSON.stringify(input),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(202);
  };
  const entity = async (key: string): Promise<number> =>
    (await (await patiently(api(`entities/tally/${key}`))).json()) as number;

  beforeAll(async () => {
    stack = await startStack({
      appDir: path.join(__dirname, '..', 'fixtures', 'chaos-app'),
      readyTimeoutMs: 120_000,
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('completes every orchestration exactly once and counts each entity operation once', async () => {
    for (let i = 0; i < N; i++) await start('chaos', `chaos-${i}`, i);
    for (const delay of [150, 400, 250]) {
      await new Promise((r) => setTimeout(r, delay));
      const killed = stack.killHost('SIGKILL');
      await stack.waitForNewHost(killed, 60_000);
    }
    const deadline = Date.now() + 90_000;
    let done: Status[] = [];
    while (Date.now() < deadline) {
      done = await Promise.all(Array.from({ length: N }, (_, i) => status(`chaos-${i}`, true)));
      if (done.every((s) => s.runtimeStatus === 'Completed')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    done.forEach((s, i) => {
      expect(s.runtimeStatus).toBe('Completed');
      expect(s.output).toBe((i * 3 * 3 + 3) * 2);
      expect(s.historyEvents?.filter((e) => e.EventType === 'ExecutionCompleted')).toHaveLength(1);
      expect(s.historyEvents?.filter((e) => e.EventType === 'TaskCompleted')).toHaveLength(3);
    });
    expect(await entity('all')).toBe(N);
    const signalsDeadline = Date.now() + 30_000;
    while ((await entity('signals')) !== N && Date.now() < signalsDeadline)
      await new Promise((r) => setTimeout(r, 300));
    expect(await entity('signals')).toBe(N);
    const stuck = (await (
      await fetch(api('instances?runtimeStatus=Running,Pending'))
    ).json()) as unknown[];
    expect(stuck).toEqual([]);
  });

  it('fails a work item that kills the host every time, after a bounded number of tries, and keeps going', async () => {
    await start('chaos', 'after-poison', 100);
    await start('poisoned', 'poison-1', null);
    const deadline = Date.now() + 120_000;
    let poisoned: Status = await status('poison-1');
    while (poisoned.runtimeStatus !== 'Failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      poisoned = await status('poison-1').catch(() => poisoned);
    }
    expect(poisoned.runtimeStatus).toBe('Failed');
    expect(JSON.stringify(poisoned.output)).toMatch(/poison/i);
    // The other instance lost its host as often as the poison item did, and resumes after the
    // last restart: it finishes, though not necessarily before the poison item is failed.
    let other: Status = await status('after-poison');
    while (other.runtimeStatus !== 'Completed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      other = await status('after-poison').catch(() => other);
    }
    expect(other.runtimeStatus).toBe('Completed');
  });
});
