import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from '../../../devhost/supervisor/paths';
import { eventually } from './helpers';

/** `node dist/devhost/cli.js start` as a user runs it, with its output captured. */
export interface SupervisorRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function runSupervisorCli(env: NodeJS.ProcessEnv, cwd: string): SupervisorRun {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot(), 'dist', 'devhost', 'cli.js'), 'start'],
    {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    waitForOutput: async (pattern, timeoutMs = 15_000) => {
      await eventually(
        () => (pattern.test(stdout) ? true : undefined),
        timeoutMs,
        `output ${pattern}`,
      );
    },
  };
}

/** The environment of a test supervisor: nothing inherited that points at a user's stack. */
export function isolatedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (
      name.startsWith('DEVHOST_') ||
      ['PORT', 'AzureWebJobsStorage', 'COSMOS_ENDPOINT', 'COSMOS_KEY', 'FUNCTIONS_KEY'].includes(
        name,
      )
    ) {
      delete env[name];
    }
  }
  return { ...env, ...extra };
}
