/**
 * Where the CLI sends requests and with which function key: flags first, then the environment,
 * then (for the key) the file devhost keeps it in, so `npm start` in one terminal and the CLI in
 * another work together without copying the key around.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './usage-error';

export const DEFAULT_URL = 'http://127.0.0.1:7071';

export interface Target {
  baseUrl: string;
  key?: string;
  /** Where the key came from, for messages; never the key itself. */
  keySource: 'flag' | 'IMAGE_PIPELINE_KEY' | 'FUNCTIONS_KEY' | 'keys.json' | 'none';
}

export interface TargetInput {
  url?: string;
  key?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/** devhost's key file: `{ "functionKey": "..." }` under DEVHOST_DIR (default `.devhost`). */
export function devhostKey(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const stateDir = path.resolve(cwd, nonEmpty(env.DEVHOST_DIR) ?? '.devhost');
  try {
    const content = JSON.parse(readFileSync(path.join(stateDir, 'keys.json'), 'utf8')) as unknown;
    if (typeof content !== 'object' || content === null) return undefined;
    const key = (content as { functionKey?: unknown }).functionKey;
    return typeof key === 'string' ? nonEmpty(key) : undefined;
  } catch {
    return undefined;
  }
}

function baseUrlOf(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url / IMAGE_PIPELINE_URL is not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url / IMAGE_PIPELINE_URL must be http or https: ${raw}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function resolveTarget(input: TargetInput): Target {
  const baseUrl = baseUrlOf(
    nonEmpty(input.url) ?? nonEmpty(input.env.IMAGE_PIPELINE_URL) ?? DEFAULT_URL,
  );
  const candidates: [Target['keySource'], string | undefined][] = [
    ['flag', nonEmpty(input.key)],
    ['IMAGE_PIPELINE_KEY', nonEmpty(input.env.IMAGE_PIPELINE_KEY)],
    ['FUNCTIONS_KEY', nonEmpty(input.env.FUNCTIONS_KEY)],
  ];
  for (const [keySource, key] of candidates) {
    if (key !== undefined) return { baseUrl, key, keySource };
  }
  const stored = devhostKey(input.env, input.cwd);
  return stored === undefined
    ? { baseUrl, keySource: 'none' }
    : { baseUrl, key: stored, keySource: 'keys.json' };
}
