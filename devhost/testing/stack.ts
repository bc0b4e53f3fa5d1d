/**
 * Starts the whole local stack (Azurite, the Cosmos emulator, the Functions host) for tests
 * and benchmarks, on free ports and a fresh state directory, through the same supervisor
 * `npm start` runs, so tests also pass while a developer's own stack holds the default ports.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnNodeChild, asRunningProcess } from '../supervisor/child-process';
import { hostPidFile } from '../supervisor/host-process';
import { compiledDevhostFile } from '../supervisor/paths';
import { findFreePorts, LOOPBACK, sleep } from '../supervisor/ports';
import { isHostRunning } from '../supervisor/readiness';
import { readSupervisorState, type SupervisorState } from '../supervisor/state-file';

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
}

export interface Stack {
  baseUrl: string;
  functionsKey: string;
  stateDir: string;
  storageConnectionString: string;
  cosmosEndpoint: string;
  cosmosKey: string;
  /** The supervisor's process id. */
  supervisorPid: number;
  /** The current host process id, read from run/host.pid. */
  hostPid(): number;
  /** Kills the current host process; returns the pid it killed. */
  killHost(signal?: NodeJS.Signals): number;
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
];

const SUPERVISOR_STOP_GRACE_MS = 30_000;

export function readHostPid(stateDir: string): number {
  const pid = Number(readFileSync(hostPidFile(stateDir), 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0)
    throw new Error(`no host pid in ${hostPidFile(stateDir)}`);
  return pid;
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

async function supervisorEnv(options: StackOptions, stateDir: string): Promise<NodeJS.ProcessEnv> {
  const [host, blob, queue, table, cosmos] = await findFreePorts(5);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of NOT_INHERITED) delete env[name];
  return {
    ...env,
    DEVHOST_DIR: stateDir,
    DEVHOST_PORT: String(host),
    DEVHOST_BLOB_PORT: String(blob),
    DEVHOST_QUEUE_PORT: String(queue),
    DEVHOST_TABLE_PORT: String(table),
    DEVHOST_COSMOS_PORT: String(cosmos),
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
    supervisorPid: supervisor.pid,
    hostPid,
    killHost: (signal: NodeJS.Signals = 'SIGKILL') => killHost(stateDir, signal),
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
