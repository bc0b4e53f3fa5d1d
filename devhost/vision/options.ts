/**
 * The emulator's start options from command-line flags and environment variables. Every flag
 * `--some-name` has a twin `VISION_EMULATOR_SOME_NAME`, so `npm start` (which runs the emulator
 * as a child process) takes the same settings from the environment; a flag wins over its twin.
 */
import { readFileSync } from 'node:fs';
import { parseConfigPatch, type ConfigPatch, type EndpointConfig } from './endpoint-config';
import type { VisionEmulatorOptions } from './server';
import type { OutageMode } from './virtual-endpoint';

export const DEFAULT_PORT = 7080;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Flags that set a numeric field of every endpoint's configuration. */
const CONFIG_FLAGS: readonly (readonly [flag: string, field: keyof EndpointConfig])[] = [
  ['quota', 'quotaPerMinute'],
  ['window-seconds', 'windowSeconds'],
  ['rate-429', 'rate429'],
  ['rate-500', 'rate500'],
  ['rate-503', 'rate503'],
  ['timeout-rate', 'timeoutRate'],
  ['timeout-seconds', 'timeoutSeconds'],
  ['reset-rate', 'resetRate'],
  ['latency-ms', 'latencyMs'],
  ['jitter-ms', 'jitterMs'],
  ['retry-after-seconds', 'retryAfterSeconds'],
];

const OTHER_FLAGS = [
  'port',
  'endpoints',
  'keys',
  'seed',
  'config',
  'outage-seconds',
  'outage-mode',
  'outage-start-in-seconds',
] as const;

const KNOWN = new Set<string>([...CONFIG_FLAGS.map(([flag]) => flag), ...OTHER_FLAGS, 'help']);

export const USAGE = `Usage: npm run vision-emulator -- [options]

Emulates Azure AI Vision Image Analysis 4.0 on 127.0.0.1, with quotas and injected faults.
Each option can also be set with the environment variable VISION_EMULATOR_<NAME>
(for example --rate-503 0.2 or VISION_EMULATOR_RATE_503=0.2).

  --port N                   port (default ${DEFAULT_PORT}; 0 picks a free one)
  --endpoints N|a,b          how many endpoints (r1, r2, ...) or their names (default 1)
  --keys k1,k2               one key per endpoint (default vision-emulator-key-<name>)
  --quota N                  calls per window per key; 0 means no quota (default 20)
  --window-seconds N         length of the sliding quota window (default 60)
  --rate-429 R               share of calls (0..1) answered 429 besides the quota
  --rate-500 R               share of calls answered 500
  --rate-503 R               share of calls answered 503
  --timeout-rate R           share of calls held without an answer
  --timeout-seconds N        drop a held call after N seconds (0: hold until the client gives up)
  --reset-rate R             share of calls whose connection is reset
  --latency-ms N             added to every answer
  --jitter-ms N              plus up to N ms more, at random
  --retry-after-seconds N    Retry-After of injected 429s (default 1)
  --outage-seconds N         an outage of N seconds on every endpoint ...
  --outage-mode M            ... answering 503 (default), or reset, or timeout ...
  --outage-start-in-seconds N ... starting N seconds after start (default 0)
  --seed N                   seed of the fault dice (default 1)
  --config FILE              JSON { "<endpoint>": { <config fields> } } for single endpoints
  --help                     this text`;

function readFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new UsageError(`unexpected argument "${arg}"`);
    const name = match[1] ?? '';
    if (!KNOWN.has(name)) throw new UsageError(`unknown option --${name}`);
    if (name === 'help') {
      flags.set('help', 'true');
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}

const envName = (flag: string): string =>
  `VISION_EMULATOR_${flag.toUpperCase().replace(/-/g, '_')}`;

function numberOf(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`--${flag} (${envName(flag)}) must be a number, got "${raw}"`);
  }
  return value;
}

const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

export interface ParsedOptions {
  help: boolean;
  options: VisionEmulatorOptions & { port: number };
}

export function parseEmulatorOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ParsedOptions {
  const flags = readFlags(argv);
  const get = (flag: string): string | undefined => {
    const fromEnv = env[envName(flag)];
    return (
      flags.get(flag) ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : undefined)
    );
  };

  const options: VisionEmulatorOptions & { port: number } = { port: DEFAULT_PORT };
  const port = get('port');
  if (port !== undefined) {
    options.port = numberOf('port', port);
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
      throw new UsageError(`--port must be a port number, got "${port}"`);
    }
  }
  const endpoints = get('endpoints');
  if (endpoints !== undefined) {
    options.endpoints = /^\d+$/.test(endpoints.trim()) ? Number(endpoints) : list(endpoints);
  }
  const keys = get('keys');
  if (keys !== undefined) options.keys = list(keys);
  const seed = get('seed');
  if (seed !== undefined) options.seed = numberOf('seed', seed);

  const patch: Record<string, number> = {};
  for (const [flag, field] of CONFIG_FLAGS) {
    const raw = get(flag);
    if (raw !== undefined) patch[field] = numberOf(flag, raw);
  }
  try {
    options.config = parseConfigPatch(patch);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const outageSeconds = get('outage-seconds');
  if (outageSeconds !== undefined) {
    const mode = get('outage-mode') ?? '503';
    if (!['503', 'reset', 'timeout'].includes(mode)) {
      throw new UsageError(`--outage-mode must be 503, reset or timeout, got "${mode}"`);
    }
    options.outage = {
      seconds: numberOf('outage-seconds', outageSeconds),
      mode: mode as OutageMode,
      startInSeconds: numberOf('outage-start-in-seconds', get('outage-start-in-seconds') ?? '0'),
    };
  }

  const configFile = get('config');
  if (configFile !== undefined) {
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(configFile, 'utf8')) as unknown;
    } catch (error) {
      throw new UsageError(`cannot read --config ${configFile}: ${(error as Error).message}`);
    }
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      throw new UsageError(`--config ${configFile} must hold a JSON object of endpoint names`);
    }
    const perEndpoint: Record<string, ConfigPatch> = {};
    for (const [name, value] of Object.entries(content)) {
      try {
        perEndpoint[name] = parseConfigPatch(value);
      } catch (error) {
        throw new UsageError(
          `--config ${configFile}, endpoint ${name}: ${(error as Error).message}`,
        );
      }
    }
    options.perEndpoint = perEndpoint;
  }
  return { help: flags.has('help'), options };
}

/** What a caller (devhost's test stack, a benchmark) sets for an emulator started by devhost. */
export interface EmulatorSettings {
  endpoints?: number | readonly string[];
  keys?: readonly string[];
  seed?: number;
  /** For every endpoint. */
  config?: ConfigPatch;
  /** A JSON file of per-endpoint configuration (the --config flag). */
  configFile?: string;
}

/** The VISION_EMULATOR_* variables that give an emulator child process these settings. */
export function emulatorEnvironment(settings: EmulatorSettings): Record<string, string> {
  const env: Record<string, string> = {};
  if (settings.endpoints !== undefined) {
    env[envName('endpoints')] =
      typeof settings.endpoints === 'number'
        ? String(settings.endpoints)
        : settings.endpoints.join(',');
  }
  if (settings.keys !== undefined) env[envName('keys')] = settings.keys.join(',');
  if (settings.seed !== undefined) env[envName('seed')] = String(settings.seed);
  if (settings.configFile !== undefined) env[envName('config')] = settings.configFile;
  const patch = parseConfigPatch(settings.config ?? {});
  if (patch.keys !== undefined) {
    throw new UsageError('give keys as one key per endpoint (keys), not in the shared config');
  }
  for (const [flag, field] of CONFIG_FLAGS) {
    const value = patch[field];
    if (typeof value === 'number') env[envName(flag)] = String(value);
  }
  return env;
}
