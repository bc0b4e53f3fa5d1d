import { mkdirSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import { asRunningProcess, spawnNodeChild, type RunningProcess } from './child-process';

/** The host drains in-flight work on SIGTERM; after this it is killed. */
const HOST_STOP_GRACE_MS = 10_000;

export function hostPidFile(stateDir: string): string {
  return path.join(stateDir, 'run', 'host.pid');
}

export function hostLogFile(stateDir: string): string {
  return path.join(stateDir, 'logs', 'host.log');
}

export interface HostOutput {
  /** host.log, shared by every host instance of this supervisor run. */
  logFile: WriteStream;
  terminal: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface HostLaunch {
  entry: string;
  appDir: string;
  env: NodeJS.ProcessEnv;
  output: HostOutput;
}

function forwardLines(
  stream: Readable | null,
  name: 'stdout' | 'stderr',
  output: HostOutput,
): void {
  if (stream === null) return;
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => {
    // The last lines of a stopped host can arrive after the supervisor closed host.log.
    if (!output.logFile.writableEnded) output.logFile.write(`${line}\n`);
    output.terminal(name, line);
  });
}

/** Starts one instance of the Functions host; its output goes to the terminal and host.log. */
export function launchHost(launch: HostLaunch): RunningProcess {
  const child = spawnNodeChild({
    script: launch.entry,
    cwd: launch.appDir,
    env: launch.env,
    output: 'pipe',
  });
  forwardLines(child.stdout, 'stdout', launch.output);
  forwardLines(child.stderr, 'stderr', launch.output);
  return asRunningProcess(child, HOST_STOP_GRACE_MS);
}

/** host.pid always names the live host process, for tools and for tests that kill it. */
export function writeHostPid(stateDir: string, pid: number): void {
  const file = hostPidFile(stateDir);
  mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so a reader never sees an empty or half-written file.
  writeFileSync(`${file}.tmp`, `${pid}\n`);
  renameSync(`${file}.tmp`, file);
}

export function removeHostPid(stateDir: string): void {
  rmSync(hostPidFile(stateDir), { force: true });
}
