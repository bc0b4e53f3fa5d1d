/**
 * Timer triggers in devhost: functions run on their NCRONTAB (every 2 seconds here) or TimeSpan
 * schedule with the Timer object the Functions host passes; runOnStartup runs once at start; no
 * occurrence runs twice, across a SIGKILL of the host or a full stop; and an occurrence missed
 * while nothing ran fires once at the next start, with isPastDue. Runs its own stack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../../devhost/testing/stack';

const FIXTURE_APP = path.join(__dirname, '..', 'fixtures', 'timer-app');
const NEVER = '0001-01-01T00:00:00.000Z';

interface Invocation {
  name: string;
  pid: number;
  at: string;
  timer: {
    isPastDue: boolean;
    schedule: { adjustForDST: boolean };
    scheduleStatus: { last: string; next: string; lastUpdated: string };
  };
}

let stack: Stack;
let work: string;
let logFile: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function invocations(name = 'everyTwoSeconds'): Invocation[] {
  if (!fs.existsSync(logFile)) return [];
  return fs
    .readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Invocation)
    .filter((i) => i.name === name);
}

async function waitForInvocations(
  what: string,
  ready: (all: Invocation[]) => boolean,
  name?: string,
): Promise<Invocation[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const all = invocations(name);
    if (ready(all)) return all;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(all)}`);
    await sleep(200);
  }
}

/** Every host's first run is its start-up run (past due or runOnStartup); the rest are scheduled. */
function scheduledRuns(all: Invocation[]): Invocation[] {
  const firsts = new Set<Invocation>();
  const seenPids = new Set<number>();
  for (const i of all) {
    if (!seenPids.has(i.pid)) firsts.add(i);
    seenPids.add(i.pid);
  }
  return all.filter((i) => !firsts.has(i));
}

function expectEachOccurrenceOnce(all: Invocation[]): void {
  const scheduled = scheduledRuns(all).map((i) => i.timer.scheduleStatus.next);
  expect(new Set(scheduled).size).toBe(scheduled.length);
  for (const next of scheduled) {
    const t = new Date(next);
    expect(t.getUTCMilliseconds()).toBe(0);
    expect(t.getUTCSeconds() % 2).toBe(0);
  }
  // Occurrences only move forward.
  const times = scheduled.map((n) => Date.parse(n));
  expect([...times].sort((a, b) => a - b)).toEqual(times);
}

const stackOptions = () => ({
  appDir: FIXTURE_APP,
  env: { TIMER_APP_LOG: logFile, TIMER_APP_SCHEDULE: '*/5 * * * * *' },
  readyTimeoutMs: 120_000,
});

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'timer-trigger-'));
  logFile = path.join(work, 'invocations.ndjson');
  stack = await startStack({ ...stackOptions(), stateDir: path.join(work, 'state') });
});

afterAll(async () => {
  await stack?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('Timer triggers', () => {
  it('runs on start-up, then on schedule, with the Timer object the host passes', async () => {
    const all = await waitForInvocations('four runs', (a) => a.length >= 4);
    const [startup, ...scheduled] = all;
    expect(startup?.timer).toEqual({
      isPastDue: false,
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: NEVER,
        next: expect.any(String) as unknown,
        lastUpdated: expect.any(String) as unknown,
      },
    });
    for (const run of scheduled) {
      expect(run.timer.isPastDue).toBe(false);
      // The status a run sees names the occurrence it stands for, and the one before it.
      expect(Date.parse(run.at)).toBeGreaterThanOrEqual(Date.parse(run.timer.scheduleStatus.next));
    }
    for (let i = 1; i < scheduled.length; i++) {
      expect(scheduled[i]!.timer.scheduleStatus.last).toBe(
        scheduled[i - 1]!.timer.scheduleStatus.next,
      );
    }
    expectEachOccurrenceOnce(all);
  });

  it('runs TimeSpan schedules and schedules named by an app setting', async () => {
    const interval = await waitForInvocations(
      'two interval runs',
      (a) => a.length >= 2,
      'interval',
    );
    expect(
      Date.parse(interval[1]!.timer.scheduleStatus.next) -
        Date.parse(interval[0]!.timer.scheduleStatus.next),
    ).toBe(3000);
    const fromSetting = await waitForInvocations(
      'a run of fromSetting',
      (a) => a.length >= 1,
      'fromSetting',
    );
    expect(new Date(fromSetting[0]!.timer.scheduleStatus.next).getUTCSeconds() % 5).toBe(0);
  });

  it('runs no occurrence twice when the host is killed', async () => {
    const before = invocations().length;
    const killed = stack.killHost('SIGKILL');
    await stack.waitForNewHost(killed, 60_000);
    const all = await waitForInvocations(
      'runs by the new host',
      (a) => a.length >= before + 3 && a.filter((i) => i.pid !== killed).length >= 3,
    );
    expectEachOccurrenceOnce(all);
    // At most the one start-up run of the new host is past due.
    expect(all.filter((i) => i.timer.isPastDue).length).toBeLessThanOrEqual(1);
  });

  it('fires an occurrence missed while nothing ran once, past due, at the next start', async () => {
    const stateDir = stack.stateDir;
    await stack.stop();
    // Long enough to miss several occurrences.
    await sleep(5000);
    stack = await startStack({ ...stackOptions(), stateDir });
    const pid = stack.hostPid();

    const all = await waitForInvocations(
      'runs after the restart',
      (a) => a.filter((i) => i.pid === pid).length >= 3,
    );
    const before = all.filter((i) => i.pid !== pid);
    const lastBefore = before.at(-1)!;
    const [first, ...rest] = all.filter((i) => i.pid === pid);
    expect(first?.timer.isPastDue).toBe(true);
    // The missed occurrence is the one that was due next when the host stopped.
    expect(Date.parse(first!.timer.scheduleStatus.next)).toBe(
      Date.parse(lastBefore.timer.scheduleStatus.next) + 2000,
    );
    expect(all.filter((i) => i.timer.isPastDue)).toHaveLength(
      before.filter((i) => i.timer.isPastDue).length + 1,
    );
    expect(rest.every((i) => !i.timer.isPastDue)).toBe(true);
    // The next run carries on from the occurrence the past-due run stood for.
    expect(rest[0]!.timer.scheduleStatus.last).toBe(first!.timer.scheduleStatus.next);
    expectEachOccurrenceOnce(all);
  });
});
