import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** `<stateDir>/run/supervisor.json`: how tools find a running stack and its parts. */
export interface SupervisorState {
  /** The supervisor's own process id. */
  pid: number;
  /** `Starting` until the host first answers Running, then `Running`. */
  state: 'Starting' | 'Running';
  startedAt: string;
  stateDir: string;
  appDir: string;
  logsDir: string;
  host: { port: number; baseUrl: string; pidFile: string };
  functionKey: { source: 'env' | 'file'; keyFile: string | null };
  storage:
    | {
        external: false;
        blobPort: number;
        queuePort: number;
        tablePort: number;
        connectionString: string;
      }
    | { external: true };
  cosmos:
    | { external: false; port: number; endpoint: string; key: string }
    | { external: true; endpoint: string };
  /** Present when the Vision emulator runs. */
  vision?: {
    port: number;
    url: string;
    adminUrl: string;
    endpoints: { name: string; url: string; keys: string[] }[];
  };
}

export function supervisorStateFile(stateDir: string): string {
  return path.join(stateDir, 'run', 'supervisor.json');
}

export function readSupervisorState(stateDir: string): SupervisorState | undefined {
  const file = supervisorStateFile(stateDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SupervisorState;
  } catch {
    return undefined;
  }
}

export function writeSupervisorState(state: SupervisorState): void {
  const file = supervisorStateFile(state.stateDir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}

export function removeSupervisorState(stateDir: string): void {
  rmSync(supervisorStateFile(stateDir), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where /proc exists, make sure a live pid is really a devhost supervisor, not a reused id. */
function looksLikeSupervisor(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('cli');
  } catch {
    return true;
  }
}

/** The pid of another supervisor that still runs on this state dir, if any. */
export function runningSupervisorPid(stateDir: string): number | undefined {
  const state = readSupervisorState(stateDir);
  if (state === undefined || state.pid === process.pid) return undefined;
  return isAlive(state.pid) && looksLikeSupervisor(state.pid) ? state.pid : undefined;
}
