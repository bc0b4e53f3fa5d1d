/**
 * The supervisor behind `npm start`, run as a real process with a stand-in host: banner,
 * host.pid, restart after SIGKILL, clean Ctrl-C, busy ports, and no orphans.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { repoRoot } from '../../../devhost/supervisor/paths';
import { findFreePorts } from '../../../devhost/supervisor/ports';
import type { SupervisorState } from '../../../devhost/supervisor/state-file';
import {
  eventually,
  isAlive,
  processesMentioning,
  removeTempDirs,
  requireBuiltDevhost,
  tempDir,
  writeStandInHost,
} from './helpers';
import { isolatedEnv, runSupervisorCli, type SupervisorRun } from './supervisor-process';

jest.setTimeout(20_000);

/** Storage and Cosmos of "the user's own": the supervisor passes them through, starts no emulators. */
const EXTERNAL = {
  AzureWebJobsStorage:
    'DefaultEndpointsProtocol=http;AccountName=mine;AccountKey=bWluZQ==;BlobEndpoint=http://127.0.0.1:9/mine;',
  COSMOS_ENDPOINT: 'http://127.0.0.1:9',
  COSMOS_KEY: 'my-cosmos-key',
};

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const readPid = (stateDir: string): number =>
  Number(readFileSync(path.join(stateDir, 'run', 'host.pid'), 'utf8'));

async function hostAnswer(port: number, route: string): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`);
  return (await response.json()) as Record<string, unknown>;
}

afterAll(removeTempDirs);

describe('devhost supervisor (node dist/devhost/cli.js start)', () => {
  let hostEntry: string;
  const runs: SupervisorRun[] = [];

  beforeAll(() => {
    requireBuiltDevhost(repoRoot());
    hostEntry = writeStandInHost();
  });

  afterEach(() => {
    for (const run of runs.splice(0)) run.child.kill('SIGKILL');
  });

  it('starts emulators and the host, restarts a killed host, and stops cleanly on Ctrl-C', async () => {
    const appDir = tempDir('devhost-app');
    const stateDir = path.join(appDir, '.devhost');
    const [hostPort, blob, queue, table, cosmos] = (await findFreePorts(5)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const run = runSupervisorCli(
      isolatedEnv({
        DEVHOST_HOST_ENTRY: hostEntry,
        DEVHOST_PORT: String(hostPort),
        DEVHOST_BLOB_PORT: String(blob),
        DEVHOST_QUEUE_PORT: String(queue),
        DEVHOST_TABLE_PORT: String(table),
        DEVHOST_COSMOS_PORT: String(cosmos),
      }),
      appDir,
    );
    runs.push(run);
    await run.waitForOutput(/Press Ctrl-C to stop/);

    const key = readJson<{ functionKey: string }>(path.join(stateDir, 'keys.json')).functionKey;
    const banner = run.stdout();
    expect(banner).toContain(`http://127.0.0.1:${hostPort}/api/...`);
    expect(banner).toContain(`http://127.0.0.1:${hostPort}/runtime/webhooks/durabletask`);
    expect(banner).toContain(key);
    expect(banner).toContain(`http://127.0.0.1:${blob}/devstoreaccount1`);
    expect(banner).toContain(`http://127.0.0.1:${cosmos}`);
    expect(banner).toContain(path.join('.devhost', 'logs'));

    const state = readJson<SupervisorState>(path.join(stateDir, 'run', 'supervisor.json'));
    expect(state).toMatchObject({ pid: run.child.pid, state: 'Running', host: { port: hostPort } });
    expect(state.functionKey.keyFile).toBe(path.join(stateDir, 'keys.json'));

    // host.pid names the host process itself, and the host got the documented environment.
    const firstPid = readPid(stateDir);
    expect((await hostAnswer(hostPort, '/admin/host/status')).pid).toBe(firstPid);
    const env = await hostAnswer(hostPort, '/env');
    expect(env).toMatchObject({
      DEVHOST_PORT: String(hostPort),
      DEVHOST_DIR: stateDir,
      DEVHOST_APP_DIR: appDir,
      FUNCTIONS_KEY: key,
      COSMOS_ENDPOINT: `http://127.0.0.1:${cosmos}`,
      COSMOS_KEY:
        'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==',
    });
    expect(env.AzureWebJobsStorage).toContain(
      `BlobEndpoint=http://127.0.0.1:${blob}/devstoreaccount1`,
    );

    // Killed with SIGKILL, the host comes back with a new pid in host.pid.
    process.kill(firstPid, 'SIGKILL');
    const secondPid = await eventually(
      () => {
        const pid = readPid(stateDir);
        return pid !== firstPid ? pid : undefined;
      },
      5000,
      'a new host pid',
    );
    await eventually(
      async () => {
        try {
          return (await hostAnswer(hostPort, '/admin/host/status')).pid === secondPid
            ? true
            : undefined;
        } catch {
          return undefined;
        }
      },
      5000,
      'the restarted host',
    );
    expect(run.stdout()).toMatch(/host was killed by SIGKILL; restarting in 250 ms/);
    expect(readFileSync(path.join(stateDir, 'logs', 'host.log'), 'utf8')).toContain(
      `stand-in host ${secondPid} listening`,
    );

    const children = processesMentioning(stateDir);
    expect(children.length).toBeGreaterThanOrEqual(2);

    run.child.kill('SIGINT');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(isAlive(secondPid)).toBe(false);
    expect(processesMentioning(stateDir)).toEqual([]);
    expect(existsSync(path.join(stateDir, 'run', 'host.pid'))).toBe(false);
    expect(existsSync(path.join(stateDir, 'run', 'supervisor.json'))).toBe(false);
  });

  it('fails with one line naming a busy port and the variable that moves it', async () => {
    const [hostPort] = (await findFreePorts(1)) as [number];
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(hostPort, '127.0.0.1', resolve));
    try {
      const run = runSupervisorCli(
        isolatedEnv({
          ...EXTERNAL,
          DEVHOST_HOST_ENTRY: hostEntry,
          DEVHOST_PORT: String(hostPort),
          DEVHOST_DIR: tempDir('devhost-busy'),
        }),
        tempDir('devhost-app'),
      );
      runs.push(run);
      expect((await run.exit).code).toBe(1);
      expect(run.stderr().trim().split('\n')).toEqual([
        `devhost: Port ${hostPort} (Functions host) is already in use; set DEVHOST_PORT to use another port.`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it("passes the user's own storage, Cosmos and key through, and keeps a generated key", async () => {
    const stateDir = tempDir('devhost-external');
    const [hostPort] = (await findFreePorts(1)) as [number];
    const base = {
      ...EXTERNAL,
      DEVHOST_HOST_ENTRY: hostEntry,
      DEVHOST_PORT: String(hostPort),
      DEVHOST_DIR: stateDir,
    };

    const withKey = runSupervisorCli(
      isolatedEnv({ ...base, FUNCTIONS_KEY: 'my-function-key' }),
      tempDir('devhost-app'),
    );
    runs.push(withKey);
    await withKey.waitForOutput(/Press Ctrl-C to stop/);
    expect(await hostAnswer(hostPort, '/env')).toMatchObject({
      ...EXTERNAL,
      FUNCTIONS_KEY: 'my-function-key',
    });
    expect(withKey.stdout()).toContain('from AzureWebJobsStorage');
    // No emulator was started for this state dir.
    expect(processesMentioning(stateDir)).toEqual([]);
    expect(readJson<SupervisorState>(path.join(stateDir, 'run', 'supervisor.json'))).toMatchObject({
      storage: { external: true },
      cosmos: { external: true, endpoint: EXTERNAL.COSMOS_ENDPOINT },
      functionKey: { source: 'env', keyFile: null },
    });
    withKey.child.kill('SIGTERM');
    expect((await withKey.exit).code).toBe(0);

    const keys: string[] = [];
    for (let start = 0; start < 2; start += 1) {
      const run = runSupervisorCli(isolatedEnv(base), tempDir('devhost-app'));
      runs.push(run);
      await run.waitForOutput(/Press Ctrl-C to stop/);
      keys.push(String((await hostAnswer(hostPort, '/env')).FUNCTIONS_KEY));
      run.child.kill('SIGINT');
      expect((await run.exit).code).toBe(0);
    }
    expect(keys[0]).toBe(
      readJson<{ functionKey: string }>(path.join(stateDir, 'keys.json')).functionKey,
    );
    expect(keys[1]).toBe(keys[0]);
  });

  it('leaves no host behind when the supervisor itself is killed with SIGKILL', async () => {
    const stateDir = tempDir('devhost-orphans');
    const [hostPort] = (await findFreePorts(1)) as [number];
    const run = runSupervisorCli(
      isolatedEnv({
        ...EXTERNAL,
        DEVHOST_HOST_ENTRY: hostEntry,
        DEVHOST_PORT: String(hostPort),
        DEVHOST_DIR: stateDir,
      }),
      tempDir('devhost-app'),
    );
    runs.push(run);
    await run.waitForOutput(/Press Ctrl-C to stop/);
    const hostPid = readPid(stateDir);

    run.child.kill('SIGKILL');
    await run.exit;
    await eventually(
      () => (isAlive(hostPid) ? undefined : true),
      5000,
      'the orphaned host to exit',
    );
  });
});
