import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import * as path from 'node:path';
import { superviseVision } from '../vision/process';
import { formatBanner } from './banner';
import { allowPageUploads } from './page-cors';
import type { RunningProcess } from './child-process';
import type { SupervisorConfig } from './config';
import { loadOrCreateFunctionKey } from './function-key';
import { hostLogFile, launchHost, removeHostPid, writeHostPid } from './host-process';
import { Keeper } from './keeper';
import { assertPortsFree } from './ports';
import { waitForHostRunning } from './readiness';
import { startEmulators } from './start-emulators';
import { removeSupervisorState, runningSupervisorPid, writeSupervisorState } from './state-file';
import { describeState, hostEnvironment, portClaims } from './wiring';

export interface SupervisorIo {
  /** devhost's own messages. */
  info: (line: string) => void;
  error: (line: string) => void;
  /** One line of the host's output. */
  host: (stream: 'stdout' | 'stderr', line: string) => void;
}

export const terminalIo: SupervisorIo = {
  info: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
  host: (stream, line) => process[stream].write(`[host] ${line}\n`),
};

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** What has been started so far, so that stopping knows what to stop. */
interface StartedParts {
  emulators: { stop(): Promise<void> }[];
  host?: Keeper<RunningProcess>;
  hostLog?: WriteStream;
  ownsStateFiles: boolean;
}

/** Brings the stack up and waits for the stop signal (returns early if stopped while starting). */
async function runUntilStopped(
  config: SupervisorConfig,
  baseEnv: NodeJS.ProcessEnv,
  io: SupervisorIo,
  stop: AbortSignal,
  parts: StartedParts,
): Promise<void> {
  const log = (line: string): void => io.info(`[devhost] ${line}`);
  const { stateDir } = config;
  mkdirSync(path.join(stateDir, 'run'), { recursive: true });
  mkdirSync(path.join(stateDir, 'logs'), { recursive: true });
  const other = runningSupervisorPid(stateDir);
  if (other !== undefined) {
    throw new Error(
      `devhost is already running on ${stateDir} (pid ${other}); stop it or set DEVHOST_DIR.`,
    );
  }
  parts.ownsStateFiles = true;
  if (!existsSync(config.hostEntry)) {
    throw new Error(
      `The host entry ${config.hostEntry} does not exist; run "npm run build" first.`,
    );
  }
  await assertPortsFree(portClaims(config));
  const key = loadOrCreateFunctionKey(stateDir, baseEnv.FUNCTIONS_KEY);

  const [azurite, cosmos] = await startEmulators(config, stop, log, parts.emulators);
  if (stop.aborted) return;
  if (azurite !== undefined) await allowPageUploads(azurite.connectionString, config.hostPort);
  const vision =
    config.vision === undefined
      ? undefined
      : await superviseVision({ port: config.vision.port, stateDir }, stop, log, parts.emulators);
  if (stop.aborted) return;
  const state = describeState(config, key, azurite, cosmos, vision);
  writeSupervisorState(state);

  const hostLog = createWriteStream(hostLogFile(stateDir), { flags: 'a' });
  parts.hostLog = hostLog;
  const env = hostEnvironment(config, baseEnv, key, azurite, cosmos, vision);
  const host = new Keeper<RunningProcess>({
    name: 'host',
    launch: () =>
      Promise.resolve(
        launchHost({
          entry: config.hostEntry,
          appDir: config.appDir,
          env,
          output: { logFile: hostLog, terminal: io.host },
        }),
      ),
    log,
    onLaunched: (process) => writeHostPid(stateDir, process.pid),
  });
  parts.host = host;
  await host.start();

  const running = await waitForHostRunning(
    { port: config.hostPort, functionKey: key.key },
    {
      signal: stop,
      onSlow: (ms) =>
        log(
          `still waiting for the host to answer on ${state.host.baseUrl} ` +
            `(${Math.round(ms / 1000)} s); see ${hostLogFile(stateDir)}`,
        ),
    },
  );
  if (!running) return;
  writeSupervisorState({ ...state, state: 'Running' });
  for (const line of formatBanner(state, key.key, config.appDir)) io.info(line);

  await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve()));
}

/** Stops the host first (it may still be writing to the emulators), then the emulators. */
async function stopParts(config: SupervisorConfig, parts: StartedParts): Promise<void> {
  await parts.host?.stop();
  await Promise.all(parts.emulators.map((keeper) => keeper.stop()));
  parts.hostLog?.end();
  if (parts.ownsStateFiles) {
    removeHostPid(config.stateDir);
    removeSupervisorState(config.stateDir);
  }
}

/**
 * Runs the local stack until SIGINT/SIGTERM/SIGHUP: Azurite and the Cosmos emulator (unless
 * the environment points elsewhere), then the Functions host, each restarted if it dies.
 * Resolves with the process exit code: 0 after a requested stop, 1 when starting failed.
 */
export async function runSupervisor(
  config: SupervisorConfig,
  baseEnv: NodeJS.ProcessEnv,
  io: SupervisorIo = terminalIo,
): Promise<number> {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) return;
    io.info(`[devhost] ${signal}: stopping`);
    stop.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  const parts: StartedParts = { emulators: [], ownsStateFiles: false };
  let exitCode = 0;
  try {
    await runUntilStopped(config, baseEnv, io, stop.signal, parts);
  } catch (error) {
    if (!stop.signal.aborted) {
      io.error(`devhost: ${messageOf(error)}`);
      exitCode = 1;
    }
  } finally {
    await stopParts(config, parts);
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
  if (stop.signal.aborted) io.info('[devhost] stopped');
  return exitCode;
}
