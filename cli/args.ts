/**
 * Command-line parsing: the command, its positional arguments and its options, with every
 * option checked against what the command accepts, so a misplaced flag is an error rather than
 * silently ignored.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error';

export const COMMANDS = [
  'status',
  'list',
  'orchestrations',
  'history',
  'terminate',
  'restart',
  'purge',
  'delete',
  'reprocess',
  'gate',
] as const;

export type CommandName = (typeof COMMANDS)[number];

const OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  status: { type: 'string' },
  limit: { type: 'string' },
  continuation: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  name: { type: 'string' },
  prefix: { type: 'string' },
  reason: { type: 'string' },
  'same-id': { type: 'boolean' },
  'analysis-status': { type: 'string' },
  ids: { type: 'string' },
  steps: { type: 'string' },
  'max-concurrency': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

const GLOBAL: readonly OptionName[] = ['url', 'key', 'json', 'help'];

/** Options each command accepts besides the global ones, and how many positionals it takes. */
const SPEC: Record<
  CommandName,
  { options: readonly OptionName[]; positionals: readonly string[] }
> = {
  status: { options: [], positionals: ['imageId'] },
  list: { options: ['status', 'limit', 'continuation'], positionals: [] },
  orchestrations: {
    options: ['status', 'since', 'until', 'name', 'prefix', 'limit', 'continuation'],
    positionals: [],
  },
  history: { options: [], positionals: ['instanceId'] },
  terminate: { options: ['reason'], positionals: ['instanceId'] },
  restart: { options: ['same-id'], positionals: ['instanceId'] },
  purge: { options: [], positionals: ['instanceId'] },
  delete: { options: [], positionals: ['imageId'] },
  reprocess: {
    options: [
      'status',
      'analysis-status',
      'since',
      'until',
      'ids',
      'steps',
      'max-concurrency',
      'dry-run',
    ],
    positionals: [],
  },
  // `gate` alone lists; `gate reset <id>` resets (checked by the command).
  gate: { options: [], positionals: [] },
};

export interface CommandLine {
  command: CommandName | undefined;
  args: string[];
  options: Partial<Record<OptionName, string | boolean>>;
  help: boolean;
}

function isCommand(value: string | undefined): value is CommandName {
  return (COMMANDS as readonly string[]).includes(value ?? '');
}

function parseRaw(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages are precise ("Unknown option '--lmit'"); keep them, minus the advice.
    const raw = (error as { message?: unknown }).message;
    const message = typeof raw === 'string' ? raw.split('. ')[0] : undefined;
    throw new UsageError(message ?? 'Invalid arguments');
  }
}

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const parsed = parseRaw(argv);
  const [first, ...args] = parsed.positionals;
  const options = parsed.values as CommandLine['options'];
  const help = options.help === true;
  if (first === undefined) {
    if (help) return { command: undefined, args: [], options, help };
    throw new UsageError('Missing command');
  }
  if (first === 'help') return { command: undefined, args: [], options, help: true };
  if (!isCommand(first)) throw new UsageError(`Unknown command "${first}"`);
  const spec = SPEC[first];
  for (const name of Object.keys(options) as OptionName[]) {
    if (!GLOBAL.includes(name) && !spec.options.includes(name)) {
      throw new UsageError(`--${name} does not apply to ${first}`);
    }
  }
  if (!help && first !== 'gate' && args.length !== spec.positionals.length) {
    throw new UsageError(
      spec.positionals.length === 0
        ? `${first} takes no arguments`
        : `${first} needs exactly: ${spec.positionals.map((p) => `<${p}>`).join(' ')}`,
    );
  }
  return { command: first, args, options, help };
}

/** A string option, or undefined; an empty value is a mistake, not "no filter". */
export function stringOption(line: CommandLine, name: OptionName): string | undefined {
  const value = line.options[name];
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (value.trim() === '') throw new UsageError(`--${name} needs a value`);
  return value.trim();
}

export function flagOption(line: CommandLine, name: OptionName): boolean {
  return line.options[name] === true;
}

export function positiveIntOption(
  line: CommandLine,
  name: OptionName,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = stringOption(line, name);
  if (value === undefined) return undefined;
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= max)) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  }
  return n;
}

/** `a,b , c` → ['a', 'b', 'c']; empty items are a mistake. */
export function listOption(line: CommandLine, name: OptionName): string[] | undefined {
  const value = stringOption(line, name);
  if (value === undefined) return undefined;
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new UsageError(`--${name} has an empty item`);
  return items;
}
