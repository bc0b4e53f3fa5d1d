/**
 * Starts the whole local stack (Azurite, the Cosmos emulator, the Functions host, and on request
 * the Vision emulator) for tests and benchmarks, on free ports and a fresh state directory,
 * through the same supervisor `npm start` runs, so tests also pass while a developer's own stack
 * holds the default ports.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnNodeChild, asRunningProcess } from '../supervisor/child-process';
import { hostPidFile } from '../supervisor/host-process';
import { compiledDevhostFile } from '../supervisor/paths';
import { findFreePorts, LOOPBACK, sleep } from '../supervisor/ports';
import { isHostRunning } from '../supervisor/readiness';
import { readSupervisorState, type SupervisorState } from '../supervisor/state-file';
import { visionAdmin, type VisionAdmin } from '../vision/admin-client';
import type { ConfigPatch } from '../vision/endpoint-config';
import { emulatorEnvironment } from '../vision/options';

/** The Vision emulator a stack starts: its endpoints (regions) and their quota and faults. */
export interface StackVisionOptions {
  /** How many endpoints (r1, r2, ...) or their names. Default 1. */
  endpoints?: number | string[];
  /** One key per endpoint; default `vision-emulator-key-{name}`. */
  keys?: string[];
  /** Calls per window per key (default 20; 0: no quota). */
  quotaPerMinute?: number;
  windowSeconds?: number;
  /** Faults and latency for every endpoint: the fields of `PUT /emulator/config`. */
  config?: Omit<ConfigPatch, 'keys' | 'quotaPerMinute' | 'windowSeconds'>;
  /** Configuration of single endpoints by name, applied after `config`. */
  perEndpoint?: Record<string, ConfigPatch>;
  /** Seed of the fault dice. */
  seed?: number;
}

/** Where a stack's Vision emulator is. The host gets VISION_ENDPOINTS and VISION_KEYS from it. */
export interface StackVision {
  /** Endpoint URLs in order, as in VISION_ENDPOINTS. */
  endpoints: string[];
  /** The first key of each endpoint, as in VISION_KEYS. */
  keys: string[];
  /** Endpoint names (r1, r2, ...), in the same order. */
  names: string[];
  /** `http://127.0.0.1:{port}/emulator`: counters, config, outages, reset for every endpoint. */
  adminUrl: string;
  admin: VisionAdmin;
}

export interface StackOptions {
  /** Reuse this state directory (e.g. to test a restart); default: a new temporary one. */
  stateDir?: string;
  /** The Functions app to load (its package.json#main); default the current directory. */
  appDir?: string;
  /** Added to the supervisor's environment (and so the host's), after the free ports. */
  env?: Record<string, string>;
  /** How long to wait for the host to answer Running. Default 120 s. */
  readyTimeoutMs?: number;
  /** Remove the state directory on stop; default true only for a temporary one. */
  removeStateDirOnStop?: boolean;
  /** Start the Vision emulator too (`true`: one endpoint with the defaults). */
  vision?: StackVisionOptions | true;
}

export interface Stack {
  baseUrl: string;
  functionsKey: string;
  stateDir: string;
  storageConnectionString: string;
  cosmosEndpoint: string;
  cosmosKey: string;
  /** Present when the stack was started with `vision`. */
  vision?: StackVision;
  /** The supervisor's process id. */
  supervisorPid: number;
  /** The current host process id, read from run/host.pid. */
  hostPid(): number;
  /** Kills the current host process; returns the pid it killed. */
  killHost(signal?: NodeJS.Signals): number;
  /**
   * SIGKILLs every process of this stack at once (supervisor, host, Azurite, Cosmos emulator,
   * Vision emulator), as a power cut would, and waits until they are gone; returns their pids.
   */
  killAll(): Promise<number[]>;
  /** Waits until a host other than `previousPid` answers Running; returns its pid. */
  waitForNewHost(previousPid: number, timeoutMs?: number): Promise<number>;
  /** Stops the supervisor (host, then emulators) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Inherited variables that would point the stack at someone else's ports or services. */
const NOT_INHERITED = [
  'PORT',
  'AzureWebJobsStorage',
  'COSMOS_ENDPOINT',
  'COSMOS_KEY',
  'FUNCTIONS_KEY',
  'DEVHOST_DIR',
  'DEVHOST_PORT',
  'DEVHOST_BLOB_PORT',
  'DEVHOST_QUEUE_PORT',
  'DEVHOST_TABLE_PORT',
  'DEVHOST_COSMOS_PORT',
  'DEVHOST_VISION',
  'DEVHOST_VISION_PORT',
  'VISION_ENDPOINTS',
  'VISION_KEYS',
];

const SUPERVISOR_STOP_GRACE_MS = 30_000;

export function readHostPid(stateDir: string): number {
  const pid = Number(readFileSync(hostPidFile(stateDir), 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0)
    throw new Error(`no host pid in ${hostPidFile(stateDir)}`);
  return pid;
}

/**
 * Every live process started for the stack in `stateDir`: the supervisor and each child inherit
 * `DEVHOST_DIR` in their environment (Linux /proc; none elsewhere).
 */
export function stackProcesses(stateDir: string): number[] {
  if (!existsSync('/proc')) return [];
  const marker = `\0DEVHOST_DIR=${stateDir}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = '\0' + readFileSync(`/proc/${entry}/environ`, 'utf8');
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (environ.includes(marker) && !/State:\s+Z/.test(status)) pids.push(Number(entry));
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return pids;
}

/** Kills the host process a stack in `stateDir` currently runs; returns its pid. */
export function killHost(stateDir: string, signal: NodeJS.Signals = 'SIGKILL'): number {
  const pid = readHostPid(stateDir);
  process.kill(pid, signal);
  return pid;
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** The variables that start the Vision emulator with these options. */
function visionEnv(
  vision: StackVisionOptions | true,
  port: number,
  stateDir: string,
): Record<string, string> {
  const options = vision === true ? {} : vision;
  let configFile: string | undefined;
  if (options.perEndpoint !== undefined) {
    mkdirSync(stateDir, { recursive: true });
    configFile = path.join(stateDir, 'vision-config.json');
    writeFileSync(configFile, JSON.stringify(options.perEndpoint));
  }
  return {
    DEVHOST_VISION: '1',
    DEVHOST_VISION_PORT: String(port),
    ...emulatorEnvironment({
      ...(options.endpoints === undefined ? {} : { endpoints: options.endpoints }),
      ...(options.keys === undefined ? {} : { keys: options.keys }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(configFile === undefined ? {} : { configFile }),
      config: {
        ...options.config,
        ...(options.quotaPerMinute === undefined ? {} : { quotaPerMinute: options.quotaPerMinute }),
        ...(options.windowSeconds === undefined ? {} : { windowSeconds: options.windowSeconds }),
      },
    }),
  };
}

async function supervisorEnv(options: StackOptions, stateDir: string): Promise<NodeJS.ProcessEnv> {
  const [host, blob, queue, table, cosmos, vision] = await findFreePorts(6);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of NOT_INHERITED) delete env[name];
  // The developer's own emulator settings must not leak into a test's emulator.
  for (const name of Object.keys(env)) if (name.startsWith('VISION_EMULATOR_')) delete env[name];
  return {
    ...env,
    DEVHOST_DIR: stateDir,
    DEVHOST_PORT: String(host),
    DEVHOST_BLOB_PORT: String(blob),
    DEVHOST_QUEUE_PORT: String(queue),
    DEVHOST_TABLE_PORT: String(table),
    DEVHOST_COSMOS_PORT: String(cosmos),
    ...(options.vision === undefined ? {} : visionEnv(options.vision, vision ?? 0, stateDir)),
    ...options.env,
  };
}

function functionKeyOf(state: SupervisorState, env: NodeJS.ProcessEnv): string {
  if (state.functionKey.source === 'env') return env.FUNCTIONS_KEY ?? '';
  const content = JSON.parse(readFileSync(state.functionKey.keyFile ?? '', 'utf8')) as {
    functionKey: string;
  };
  return content.functionKey;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const cli = compiledDevhostFile('cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} does not exist; run "npm run build" first.`);
  const temporary = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'devhost-stack-'));
  const env = await supervisorEnv(options, stateDir);
  const outputFile = path.join(stateDir, 'logs', 'supervisor.log');

  const child = spawnNodeChild({
    script: cli,
    args: ['start'],
    cwd: options.appDir ?? process.cwd(),
    env,
    output: { logFile: outputFile },
  });
  const supervisor = asRunningProcess(child, SUPERVISOR_STOP_GRACE_MS);
  let exited = false;
  void supervisor.exited.then(() => (exited = true));

  const removeStateDir = options.removeStateDirOnStop ?? temporary;
  const stop = async (): Promise<void> => {
    await supervisor.stop();
    if (removeStateDir) rmSync(stateDir, { recursive: true, force: true });
  };

  let state: SupervisorState | undefined;
  let functionsKey = '';
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  try {
    for (;;) {
      if (exited)
        throw new Error(`the devhost supervisor exited during start:\n${tail(outputFile)}`);
      if (Date.now() > deadline)
        throw new Error(`the devhost stack was not ready in time:\n${tail(outputFile)}`);
      const current = readSupervisorState(stateDir);
      if (current?.pid === supervisor.pid && current.state === 'Running') {
        functionsKey = functionKeyOf(current, env);
        if (await isHostRunning({ port: current.host.port, functionKey: functionsKey })) {
          state = current;
          break;
        }
      }
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const ready = state;
  const hostPid = (): number => readHostPid(stateDir);
  return {
    baseUrl: ready.host.baseUrl,
    functionsKey,
    stateDir,
    storageConnectionString: ready.storage.external
      ? (env.AzureWebJobsStorage ?? '')
      : ready.storage.connectionString,
    cosmosEndpoint: ready.cosmos.endpoint,
    cosmosKey: ready.cosmos.external ? (env.COSMOS_KEY ?? '') : ready.cosmos.key,
    ...(ready.vision === undefined
      ? {}
      : {
          vision: {
            endpoints: ready.vision.endpoints.map((endpoint) => endpoint.url),
            keys: ready.vision.endpoints.map((endpoint) => endpoint.keys[0] ?? ''),
            names: ready.vision.endpoints.map((endpoint) => endpoint.name),
            adminUrl: ready.vision.adminUrl,
            admin: visionAdmin(ready.vision.adminUrl),
          },
        }),
    supervisorPid: supervisor.pid,
    hostPid,
    killHost: (signal: NodeJS.Signals = 'SIGKILL') => killHost(stateDir, signal),
    killAll: async () => {
      const pids = stackProcesses(stateDir);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      await supervisor.exited;
      const until = Date.now() + 30_000;
      while (stackProcesses(stateDir).length > 0 && Date.now() < until) await sleep(50);
      return pids;
    },
    waitForNewHost: async (previousPid: number, timeoutMs = 30_000) => {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        let pid: number | undefined;
        try {
          pid = hostPid();
        } catch {
          pid = undefined;
        }
        if (pid !== undefined && pid !== previousPid) {
          if (await isHostRunning({ port: ready.host.port, functionKey: functionsKey })) return pid;
        }
        await sleep(100);
      }
      throw new Error(
        `no new host answered on ${LOOPBACK}:${ready.host.port} within ${timeoutMs} ms`,
      );
    },
    stop,
  };
}
