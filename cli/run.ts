/**
 * The CLI without the process: parses the command line, finds the server and key, runs the
 * command and maps every failure to one line on stderr and an exit code (1 server or
 * connection, 2 usage). Everything it touches comes in through `io`, so tests can drive it.
 */
import { createApiClient, type FetchFn } from './api-client';
import { ApiError, errorLine } from './api-error';
import { type CommandName, parseCommandLine } from './args';
import type { Command } from './commands/context';
import { deleteImage } from './commands/delete-image';
import { gate } from './commands/gate';
import { history } from './commands/history';
import { purge, restart, terminate } from './commands/instance-actions';
import { list } from './commands/list';
import { orchestrations } from './commands/orchestrations';
import { reprocess } from './commands/reprocess';
import { status } from './commands/status';
import { resolveTarget, type Target } from './target';
import { USAGE } from './usage';
import { UsageError } from './usage-error';

const COMMANDS: Record<CommandName, Command> = {
  status,
  list,
  orchestrations,
  history,
  terminate,
  restart,
  purge,
  delete: deleteImage,
  reprocess,
  gate,
};

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTTY: boolean;
  fetch?: FetchFn;
  sleep?: (ms: number) => Promise<void>;
}

function hint(error: unknown, target: Target | undefined): string {
  if (!(error instanceof ApiError) || error.status !== 401 || target === undefined) return '';
  return target.keySource === 'none'
    ? ' (no function key: pass --key or set IMAGE_PIPELINE_KEY)'
    : ` (the key from ${target.keySource} was refused)`;
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let target: Target | undefined;
  try {
    const line = parseCommandLine(argv);
    if (line.help || line.command === undefined) {
      io.stdout(USAGE);
      return 0;
    }
    const flag = (name: 'url' | 'key'): string | undefined => {
      const value = line.options[name];
      return typeof value === 'string' ? value : undefined;
    };
    const url = flag('url');
    const key = flag('key');
    target = resolveTarget({
      ...(url === undefined ? {} : { url }),
      ...(key === undefined ? {} : { key }),
      env: io.env,
      cwd: io.cwd,
    });
    const api = createApiClient(target, io.fetch);
    return await COMMANDS[line.command]({
      api,
      line,
      json: line.options.json === true,
      print: (text) => io.stdout(`${text}\n`),
      write: io.stdout,
      isTTY: io.isTTY,
      sleep: io.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`error: ${errorLine(error)}${hint(error, target)}\n`);
    return 1;
  }
}
