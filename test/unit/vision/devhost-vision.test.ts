/**
 * The Vision emulator inside devhost: asked for with DEVHOST_VISION=1, started and kept running
 * by the supervisor like the other emulators, announced in the banner and supervisor.json, and
 * wired into the host's environment unless the user chose endpoints of their own. The stack
 * test runs a stand-in host, so it depends on devhost alone.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { formatBanner } from '../../../devhost/supervisor/banner';
import { readSupervisorConfig } from '../../../devhost/supervisor/config';
import { repoRoot } from '../../../devhost/supervisor/paths';
import type { SupervisorState } from '../../../devhost/supervisor/state-file';
import { portClaims, visionEnvironment } from '../../../devhost/supervisor/wiring';
import { startStack, type Stack } from '../../../devhost/testing/stack';
import {
  eventually,
  isAlive,
  processesMentioning,
  removeTempDirs,
  requireBuiltDevhost,
  writeStandInHost,
} from '../devhost/helpers';
import { analyze, solid } from './support';

jest.setTimeout(60_000);

const endpoints = [
  { name: 'r1', url: 'http://127.0.0.1:7080/r1', keys: ['k1'] },
  { name: 'r2', url: 'http://127.0.0.1:7080/r2', keys: ['k2'] },
];

describe('devhost configuration for the Vision emulator', () => {
  it('starts it only when asked, on 7080 or DEVHOST_VISION_PORT', () => {
    expect(readSupervisorConfig({}, '/app').vision).toBeUndefined();
    expect(readSupervisorConfig({ DEVHOST_VISION: '0' }, '/app').vision).toBeUndefined();
    expect(readSupervisorConfig({ DEVHOST_VISION: '1' }, '/app').vision).toEqual({ port: 7080 });
    const config = readSupervisorConfig(
      { DEVHOST_VISION: 'true', DEVHOST_VISION_PORT: '9100' },
      '/app',
    );
    expect(config.vision).toEqual({ port: 9100 });
    expect(portClaims(config)).toContainEqual({
      port: 9100,
      envVar: 'DEVHOST_VISION_PORT',
      what: 'Vision emulator',
    });
  });

  it('points the host at the emulator, with its quota as the calls per minute', () => {
    expect(visionEnvironment({}, { endpoints, quotaPerMinute: 20 })).toEqual({
      VISION_ENDPOINTS: 'http://127.0.0.1:7080/r1,http://127.0.0.1:7080/r2',
      VISION_KEYS: 'k1,k2',
      VISION_CALLS_PER_MINUTE: '20',
    });
  });

  it('leaves endpoints and a quota the user set alone', () => {
    expect(visionEnvironment({ VISION_ENDPOINTS: 'https://mine' }, { endpoints })).toEqual({});
    expect(
      visionEnvironment({ VISION_CALLS_PER_MINUTE: '600' }, { endpoints, quotaPerMinute: 20 }),
    ).not.toHaveProperty('VISION_CALLS_PER_MINUTE');
  });

  it('shows every endpoint, its key and the admin URL in the banner', () => {
    const state = {
      host: { port: 7071, baseUrl: 'http://127.0.0.1:7071', pidFile: '/app/.devhost/run/host.pid' },
      functionKey: { source: 'env', keyFile: null },
      storage: { external: true },
      cosmos: { external: true, endpoint: 'https://cosmos' },
      logsDir: '/app/.devhost/logs',
      vision: {
        port: 7080,
        url: 'http://127.0.0.1:7080',
        adminUrl: 'http://127.0.0.1:7080/emulator',
        endpoints,
      },
    } as unknown as SupervisorState;

    const banner = formatBanner(state, 'key', '/app').join('\n');

    expect(banner).toContain('Vision r1      http://127.0.0.1:7080/r1  (key k1)');
    expect(banner).toContain('Vision admin   http://127.0.0.1:7080/emulator');
    expect(banner).toContain('vision.log');
  });
});

describe('startStack with the Vision emulator (stand-in host)', () => {
  let stack: Stack | undefined;

  afterAll(async () => {
    await stack?.stop();
    removeTempDirs();
  });

  it('supervises the emulator, wires the host to it and stops it with the stack', async () => {
    // Prepare
    requireBuiltDevhost(repoRoot());
    stack = await startStack({
      env: { DEVHOST_HOST_ENTRY: writeStandInHost() },
      vision: { endpoints: 2, quotaPerMinute: 4, perEndpoint: { r2: { rate503: 1 } } },
    });
    const vision = stack.vision!;
    const image = await solid(120, 80, { r: 0, g: 90, b: 200 });

    // Act
    const hostEnv = (await (await fetch(`${stack.baseUrl}/env`)).json()) as NodeJS.ProcessEnv;
    const r1 = await analyze(vision.endpoints[0]!, image, { key: vision.keys[0]! });
    const r2 = await analyze(vision.endpoints[1]!, image, { key: vision.keys[1]! });
    const first = await vision.admin.describe();
    process.kill(first.pid, 'SIGKILL');
    const second = await eventually(
      async () => {
        try {
          const description = await vision.admin.describe();
          return description.pid !== first.pid ? description : undefined;
        } catch {
          return undefined;
        }
      },
      30_000,
      'a restarted Vision emulator',
    );
    const afterRestart = await analyze(vision.endpoints[0]!, image, { key: vision.keys[0]! });

    // Assess
    expect(vision.names).toEqual(['r1', 'r2']);
    expect(vision.endpoints).toEqual([
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/r1$/),
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/r2$/),
    ]);
    expect(vision.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/emulator$/);
    expect(hostEnv).toMatchObject({
      VISION_ENDPOINTS: vision.endpoints.join(','),
      VISION_KEYS: vision.keys.join(','),
      VISION_CALLS_PER_MINUTE: '4',
    });
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(503);
    expect(second.endpoints.map((e) => e.url)).toEqual(vision.endpoints);
    expect(afterRestart.status).toBe(200);

    const { stateDir } = stack;
    await stack.stop();
    stack = undefined;
    expect(isAlive(second.pid)).toBe(false);
    expect(processesMentioning(stateDir)).toEqual([]);
  });
});

describe('npm run vision-emulator (dist/devhost/vision/main.js)', () => {
  const main = (): string => path.join(repoRoot(), 'dist', 'devhost', 'vision', 'main.js');

  it('prints its endpoints, keys and the variables for the app, and stops on SIGTERM', async () => {
    requireBuiltDevhost(repoRoot());
    const child = spawn(
      process.execPath,
      [main(), '--port', '0', '--endpoints', '2', '--quota', '7'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    const ready = new Promise<void>((resolve) => {
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith('Press Ctrl-C')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

    await ready;
    const endpointsLine = lines.find((line) => line.includes('VISION_ENDPOINTS='));
    const keysLine = lines.find((line) => line.includes('VISION_KEYS='));
    const image = await solid(100, 100, { r: 50, g: 50, b: 50 });
    const url = endpointsLine!.split('=')[1]!.split(',')[0]!;
    const answer = await analyze(url, image, { key: keysLine!.split('=')[1]!.split(',')[0]! });
    child.kill('SIGTERM');

    expect(lines.join('\n')).toMatch(/Quota {8}7 calls per 60 s per key/);
    expect(endpointsLine).toMatch(
      /VISION_ENDPOINTS=http:\/\/127\.0\.0\.1:\d+\/r1,http:\/\/127\.0\.0\.1:\d+\/r2/,
    );
    expect(keysLine).toContain('VISION_KEYS=vision-emulator-key-r1,vision-emulator-key-r2');
    expect(answer.status).toBe(200);
    expect(await exited).toBe(0);
  });

  it('explains its options and refuses unknown ones', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [main(), ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.once('exit', (code) => resolve({ code, out }));
      });

    const help = await run(['--help']);
    const bad = await run(['--bogus', '1']);

    expect(help.code).toBe(0);
    expect(help.out).toContain('--rate-503 R');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('unknown option --bogus');
  });
});
