import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import * as path from 'node:path';
import { PARENT_WATCH_FD_ENV } from './parent-watch';
import { compiledDevhostFile } from './paths';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started child process as the supervisor sees it: an id, how it ends, and how to end it. */
export interface RunningProcess {
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

export interface NodeChildOptions {
  /** The JS file to run with this same Node binary. */
  script: string;
  args?: readonly string[];
  /** Modules loaded with --require before the script (after the parent watch). */
  preload?: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where stdout and stderr go: appended to this file, or piped back to the parent. */
  output: { logFile: string } | 'pipe';
}

const PARENT_WATCH_FD = 3;

/**
 * Runs a Node script as a child of this process. The child gets its own process group, so a
 * Ctrl-C in the terminal reaches only the supervisor, which then stops children in the right
 * order, and so stopping a child also stops anything it started. A parent-watch pipe makes the
 * child exit if this process dies without stopping it.
 */
export function spawnNodeChild(options: NodeChildOptions): ChildProcess {
  let logFd: number | undefined;
  let stdio: StdioOptions;
  if (options.output === 'pipe') {
    stdio = ['ignore', 'pipe', 'pipe', 'pipe'];
  } else {
    mkdirSync(path.dirname(options.output.logFile), { recursive: true });
    logFd = openSync(options.output.logFile, 'a');
    stdio = ['ignore', logFd, logFd, 'pipe'];
  }
  try {
    return spawn(
      process.execPath,
      [
        '--require',
        compiledDevhostFile('supervisor', 'parent-watch.js'),
        ...(options.preload ?? []).flatMap((file) => ['--require', file]),
        options.script,
        ...(options.args ?? []),
      ],
      {
        cwd: options.cwd,
        env: { ...(options.env ?? process.env), [PARENT_WATCH_FD_ENV]: String(PARENT_WATCH_FD) },
        stdio,
        detached: true,
      },
    );
  } finally {
    // The child holds its own copy of the log file descriptor.
    if (logFd !== undefined) closeSync(logFd);
  }
}

/** Resolves when the child has exited (or failed to start at all). */
function exitOf(child: ChildProcess): Promise<ProcessExit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: child.exitCode ?? -1, signal: child.signalCode }));
  });
}

/** Sends a signal to a child's whole process group; quiet when the group is already gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // No group left. Signal the child itself through its handle, which knows whether it is
    // still ours (a bare pid could by now belong to another process).
    child.kill(signal);
  }
}

/** Asks the child (and its group) to stop with SIGTERM, and forces SIGKILL after `graceMs`. */
async function stopChild(
  child: ChildProcess,
  exited: Promise<ProcessExit>,
  graceMs: number,
): Promise<void> {
  if (child.pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup(child, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        signalGroup(child, 'SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([exited, forced]);
    clearTimeout(timer);
  }
  await exited;
}

/** Kills whatever the child started and left behind in its process group. */
function sweepGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Nothing left.
  }
}

/**
 * Wraps a spawned child as a RunningProcess. However the child ends (crash and SIGKILL
 * included), what it left behind in its process group is killed with it.
 */
export function asRunningProcess(child: ChildProcess, graceMs: number): RunningProcess {
  const exited = exitOf(child).then((exit) => {
    sweepGroup(child);
    return exit;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('child process has no pid: it failed to start');
  return { pid, exited, stop: () => stopChild(child, exited, graceMs) };
}
