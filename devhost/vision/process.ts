/**
 * The Vision emulator as one of devhost's supervised child processes: started with the port the
 * supervisor chose (every other option from the VISION_EMULATOR_* environment), restarted by a
 * Keeper if it dies. Its state (counters, quota windows) lives in memory and starts afresh after
 * a restart, as a real service's rate-limit state is not the client's to keep.
 */
import * as path from 'node:path';
import { asRunningProcess, spawnNodeChild, type RunningProcess } from '../supervisor/child-process';
import { Keeper } from '../supervisor/keeper';
import { compiledDevhostFile } from '../supervisor/paths';
import { LOOPBACK, waitForPorts } from '../supervisor/ports';
import { visionAdmin, type EmulatorDescription } from './admin-client';

export interface VisionProcessOptions {
  port: number;
  stateDir: string;
  /** Aborting stops waiting (and the child) at once, e.g. on Ctrl-C during the start. */
  signal?: AbortSignal;
  startTimeoutMs?: number;
}

export interface RunningVision extends RunningProcess {
  port: number;
  url: string;
  adminUrl: string;
  endpoints: EmulatorDescription['endpoints'];
  /** The smallest per-minute quota of the endpoints (none when a window is not a minute). */
  quotaPerMinute?: number;
}

const STOP_GRACE_MS = 3000;

export function visionLogFile(stateDir: string): string {
  return path.join(stateDir, 'logs', 'vision.log');
}

export async function startVisionProcess(options: VisionProcessOptions): Promise<RunningVision> {
  const logFile = visionLogFile(options.stateDir);
  const child = spawnNodeChild({
    script: compiledDevhostFile('vision', 'main.js'),
    args: ['--port', String(options.port)],
    output: { logFile },
  });
  const running = asRunningProcess(child, STOP_GRACE_MS);
  let exitedEarly: string | undefined;
  void running.exited.then((exit) => {
    exitedEarly = `the Vision emulator exited during start (code ${String(exit.code)}, signal ${String(exit.signal)}); see ${logFile}`;
  });
  const url = `http://${LOOPBACK}:${options.port}`;
  try {
    await waitForPorts([options.port], {
      timeoutMs: options.startTimeoutMs ?? 30_000,
      giveUp: () => (options.signal?.aborted ? 'start aborted' : exitedEarly),
    });
    const description = await visionAdmin(`${url}/emulator`).describe();
    const perMinute = description.endpoints.map((e) =>
      e.windowSeconds === 60 && e.quotaPerMinute > 0 ? e.quotaPerMinute : undefined,
    );
    const quotas = perMinute.filter((quota) => quota !== undefined);
    return {
      ...running,
      port: options.port,
      url,
      adminUrl: description.adminUrl,
      endpoints: description.endpoints,
      ...(quotas.length === perMinute.length ? { quotaPerMinute: Math.min(...quotas) } : {}),
    };
  } catch (error) {
    await running.stop();
    throw error;
  }
}

/**
 * Starts the emulator under a Keeper (added to `started`, so the caller stops it with the other
 * emulators) and returns the first running instance.
 */
export async function superviseVision(
  options: { port: number; stateDir: string },
  stopSignal: AbortSignal,
  log: (line: string) => void,
  started: { stop(): Promise<void> }[],
): Promise<RunningVision> {
  const startup = new AbortController();
  const abort = (): void => startup.abort();
  stopSignal.addEventListener('abort', abort);
  const keeper = new Keeper<RunningVision>({
    name: 'Vision emulator',
    launch: () => startVisionProcess({ ...options, signal: startup.signal }),
    log,
  });
  started.push(keeper);
  try {
    return await keeper.start();
  } finally {
    stopSignal.removeEventListener('abort', abort);
  }
}
