/**
 * Durability at named moments: the host is SIGKILLed exactly (a) while activities run, (b) right
 * after an activity's result is stored and before the orchestration's next step, right after a
 * step is stored and before its work is dispatched, and after a step wrote its work items and
 * messages but before its state row (the step has not happened), (c) while an entity batch is in flight and
 * right after one is stored, before its responses go out. The moments are found through marker
 * files the fixture app writes, or reached through DEVHOST_FAULT, which makes the host end
 * itself at a named point once. After each kill the supervisor starts a new host; every
 * orchestration must complete exactly once and every entity operation must count once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../../devhost/testing/stack';

const FIXTURE_APP = path.join(__dirname, '..', 'fixtures', 'kill-points-app');
const FAULTS = [
  'after-activity-result:checkpoint',
  'after-orchestration-step:stepStored',
  'before-orchestration-state:stepCut',
  'after-entity-batch:tally',
];
const PATIENCE_MS = 60_000;

interface Status {
  instanceId: string;
  runtimeStatus: string;
  output: unknown;
  historyEvents?: { EventType: string }[];
}

interface Ledger {
  total: number;
  seen: Record<string, number>;
}

let stack: Stack;
let markers: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function api(p: string): string {
  return `${stack.baseUrl}/runtime/webhooks/durabletask/${p}${p.includes('?') ? '&' : '?'}code=${stack.functionsKey}`;
}

/** The host is down for a moment after each kill: retry like a patient client. */
async function patiently(url: string, init?: RequestInit): Promise<Response> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
      if (res.status !== 503) return res;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`${url} kept failing`);
    await sleep(200);
  }
}

async function start(name: string, id: string, input: unknown): Promise<void> {
  const res = await patiently(api(`orchestrators/${name}/${id}`), {
    method: 'POST',
    body: JSON.stringify(input),
    headers: { 'content-type': 'application/json' },
  });
  // 409: a host killed after storing the start but before answering; the retry finds it there.
  if (res.status === 409) expect((await status(id)).instanceId).toBe(id);
  else expect(res.status).toBe(202);
}

async function status(id: string): Promise<Status> {
  return (await (await patiently(api(`instances/${id}?showHistory=true`))).json()) as Status;
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function completed(id: string): Promise<Status> {
  return waitFor(`${id} to finish`, async () => {
    const s = await status(id);
    return ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus) ? s : undefined;
  });
}

function markerExists(kind: string, key: string): boolean {
  return fs.existsSync(path.join(markers, kind, key));
}

function release(key: string): void {
  fs.mkdirSync(path.join(markers, 'release'), { recursive: true });
  fs.writeFileSync(path.join(markers, 'release', key), '');
}

/** Executions of an activity, as the fixture counted them. */
function runs(name: string): number {
  const file = path.join(markers, 'runs', name);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').length : 0;
}

async function entity(name: string, key: string): Promise<Ledger> {
  return (await (await patiently(api(`entities/${name}/${key}`))).json()) as Ledger;
}

async function killHostAndWait(): Promise<void> {
  const killed = stack.killHost('SIGKILL');
  await stack.waitForNewHost(killed, PATIENCE_MS);
}

function faultFired(fault: string): boolean {
  return fs.existsSync(path.join(stack.stateDir, 'run', 'faults', fault.replace(':', '--')));
}

/** Completed, once, with its completion side effect written. */
async function expectCompletedOnce(id: string, output?: unknown): Promise<Status> {
  const s = await completed(id);
  expect(s.runtimeStatus).toBe('Completed');
  if (output !== undefined) expect(s.output).toEqual(output);
  expect(s.historyEvents?.filter((e) => e.EventType === 'ExecutionCompleted')).toHaveLength(1);
  expect(markerExists('done', id)).toBe(true);
  return s;
}

function expectEachOnce(ledger: Ledger, ops: string[]): void {
  expect(ledger.seen).toEqual(Object.fromEntries(ops.map((op) => [op, 1])));
  expect(ledger.total).toBe(ops.length);
}

beforeAll(async () => {
  markers = fs.mkdtempSync(path.join(os.tmpdir(), 'kill-points-'));
  stack = await startStack({
    appDir: FIXTURE_APP,
    env: { KILL_POINTS_MARKERS: markers, DEVHOST_FAULT: FAULTS.join(',') },
    readyTimeoutMs: 120_000,
  });
});

afterAll(async () => {
  await stack?.stop();
  if (markers) fs.rmSync(markers, { recursive: true, force: true });
});

describe('Durability: SIGKILL at named points', () => {
  it('(a) while activities are running', async () => {
    const ids = ['a-1', 'a-2'];
    for (const id of ids) await start('activitiesInFlight', id, id);
    await waitFor('both blocking activities to start', () =>
      ids.every((id) => markerExists('started', id)) ? true : undefined,
    );
    for (const id of ids) release(id);
    await killHostAndWait();

    for (const id of ids) {
      await expectCompletedOnce(id, [id, 10, 20, 30]);
      // Killed while running, run again by the new host: at least once, as promised.
      expect(runs(`blockOnce-${id}`)).toBe(2);
    }
  });

  it("(b) after an activity's result is stored, before the orchestration's next step", async () => {
    const before = stack.hostPid();
    await start('resultStored', 'b-result', 'b-result');
    await stack.waitForNewHost(before, PATIENCE_MS);
    expect(faultFired('after-activity-result:checkpoint')).toBe(true);

    await expectCompletedOnce('b-result', 'checked b-result');
    // The stored result is used; the activity is not run again.
    expect(runs('checkpoint-b-result')).toBe(1);
  });

  it('(b) after an orchestration step is stored, before its activities and signals go out', async () => {
    const before = stack.hostPid();
    await start('stepStored', 'b-step', 'b-step');
    await stack.waitForNewHost(before, PATIENCE_MS);
    expect(faultFired('after-orchestration-step:stepStored')).toBe(true);

    await expectCompletedOnce('b-step', [10, 20, 30]);
    // Dispatched by the new host from storage: each work item ran once.
    for (const part of [1, 2, 3]) expect(runs(`work-b-step-${part}`)).toBe(1);
    const ledger = await waitFor('the signal to arrive', async () => {
      const l = await entity('ledger', 'step');
      return l.total >= 1 ? l : undefined;
    });
    expectEachOnce(ledger, ['b-step:signal']);
  });

  it('(b) after a step wrote its work items and signal, before its state row', async () => {
    const before = stack.hostPid();
    await start('stepCut', 'b-cut', 'b-cut');
    await stack.waitForNewHost(before, PATIENCE_MS);
    expect(faultFired('before-orchestration-state:stepCut')).toBe(true);

    // 120 work items: more rows than one table transaction holds, so the step was cut between them.
    const parts = Array.from({ length: 120 }, (_, i) => i + 1);
    await expectCompletedOnce(
      'b-cut',
      parts.map((part) => part * 10),
    );
    // The step had not happened: the new host ran it again, and only that run's work went out.
    for (const part of parts) expect(runs(`work-b-cut-${part}`)).toBe(1);
    const ledger = await waitFor('the signal to arrive', async () => {
      const l = await entity('ledger', 'cut');
      return l.total >= 1 ? l : undefined;
    });
    expectEachOnce(ledger, ['b-cut:signal']);
  });

  it('(c) while an entity batch is in flight', async () => {
    await start('entityOperations', 'c-hold', {
      key: 'c-hold',
      entity: 'ledger',
      ledgerKey: 'busy',
      hold: 'c-hold',
    });
    await waitFor('the held operation to start', () =>
      markerExists('started', 'c-hold') ? true : undefined,
    );
    // More operations queue up behind the batch in flight.
    const queued = ['c-1', 'c-2', 'c-3'];
    for (const id of queued)
      await start('entityOperations', id, { key: id, entity: 'ledger', ledgerKey: 'busy' });
    await waitFor('the queued callers to be waiting', async () => {
      const all = await Promise.all(queued.map(status));
      return all.every((s) => s.runtimeStatus === 'Running') ? true : undefined;
    });
    release('c-hold');
    await killHostAndWait();

    const ids = ['c-hold', ...queued];
    for (const id of ids) await expectCompletedOnce(id, id);
    const ledger = await waitFor('every signal to arrive', async () => {
      const l = await entity('ledger', 'busy');
      return l.total >= ids.length * 2 ? l : undefined;
    });
    expectEachOnce(
      ledger,
      ids.flatMap((id) => [`${id}:call`, `${id}:signal`]),
    );
  });

  it('(c) after an entity batch is stored, before its responses go out', async () => {
    const before = stack.hostPid();
    const ids = ['c-stored-1', 'c-stored-2', 'c-stored-3'];
    for (const id of ids)
      await start('entityOperations', id, { key: id, entity: 'tally', ledgerKey: 'stored' });
    await stack.waitForNewHost(before, PATIENCE_MS);
    expect(faultFired('after-entity-batch:tally')).toBe(true);

    for (const id of ids) await expectCompletedOnce(id, id);
    const tally = await waitFor('every signal to arrive', async () => {
      const l = await entity('tally', 'stored');
      return l.total >= ids.length * 2 ? l : undefined;
    });
    expectEachOnce(
      tally,
      ids.flatMap((id) => [`${id}:call`, `${id}:signal`]),
    );
  });

  it('leaves no instance running or pending, and one completion marker per instance', async () => {
    const stuck = (await (
      await patiently(api('instances?runtimeStatus=Running,Pending'))
    ).json()) as unknown[];
    expect(stuck).toEqual([]);
    expect(fs.readdirSync(path.join(markers, 'done')).sort()).toEqual(
      [
        'a-1',
        'a-2',
        'b-cut',
        'b-result',
        'b-step',
        'c-hold',
        'c-1',
        'c-2',
        'c-3',
        'c-stored-1',
        'c-stored-2',
        'c-stored-3',
      ].sort(),
    );
  });
});
