import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { asRunningProcess, spawnNodeChild, type RunningProcess } from '../supervisor/child-process';
import { compiledDevhostFile } from '../supervisor/paths';
import { LOOPBACK, waitForPorts } from '../supervisor/ports';
import { COSMOS_EMULATOR_KEY } from './well-known-keys';

export interface CosmosOptions {
  port: number;
  stateDir: string;
  /** Replaying a large journal takes a while; the port opens only when it is done. */
  startTimeoutMs?: number;
  /** Aborting stops waiting (and the child) at once, e.g. on Ctrl-C during a long start. */
  signal?: AbortSignal;
}

export interface RunningCosmos extends RunningProcess {
  port: number;
  endpoint: string;
  key: string;
  child: ChildProcess;
}

const STOP_GRACE_MS = 5000;

export function cosmosLogFile(stateDir: string): string {
  return path.join(stateDir, 'logs', 'cosmos.log');
}

/** Starts the durable Cosmos emulator (devhost/emulators/cosmos-server) as a child process. */
export async function startCosmos(options: CosmosOptions): Promise<RunningCosmos> {
  const logFile = cosmosLogFile(options.stateDir);
  const child = spawnNodeChild({
    script: compiledDevhostFile('emulators', 'cosmos-server.js'),
    args: ['--port', String(options.port), '--state-dir', options.stateDir],
    output: { logFile },
  });
  const running = asRunningProcess(child, STOP_GRACE_MS);
  let exitedEarly: string | undefined;
  void running.exited.then((exit) => {
    exitedEarly = `Cosmos emulator exited during start (code ${String(exit.code)}, signal ${String(exit.signal)}); see ${logFile}`;
  });
  try {
    await waitForPorts([options.port], {
      timeoutMs: options.startTimeoutMs ?? 300_000,
      giveUp: () => (options.signal?.aborted ? 'start aborted' : exitedEarly),
    });
  } catch (error) {
    await running.stop();
    throw error;
  }
  return {
    ...running,
    port: options.port,
    endpoint: `http://${LOOPBACK}:${options.port}`,
    key: COSMOS_EMULATOR_KEY,
    child,
  };
}
