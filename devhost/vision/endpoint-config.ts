/**
 * What one virtual endpoint of the emulator does: which keys it accepts, its quota, and the
 * faults it injects. The same flat JSON object is used at start (flags, env, a config file) and
 * at run time (`PUT /emulator/config`), and every field is checked, so a typo in a test's config
 * fails loudly instead of silently injecting nothing.
 */

export interface EndpointConfig {
  /** Accepted `Ocp-Apim-Subscription-Key` values. */
  keys: string[];
  /** Calls accepted per key in any window; 0: no quota. */
  quotaPerMinute: number;
  /** Length of the sliding quota window. */
  windowSeconds: number;
  /** Share of calls (0..1) answered 429 (injected, besides the quota), 500, 503. */
  rate429: number;
  rate500: number;
  rate503: number;
  /** Share of calls held without an answer (a timeout). */
  timeoutRate: number;
  /** How long a held call waits before its connection is dropped; 0: until the client gives up. */
  timeoutSeconds: number;
  /** Share of calls whose connection is reset without an answer. */
  resetRate: number;
  /** Added to every answer: `latencyMs` plus a uniform share of `jitterMs`. */
  latencyMs: number;
  jitterMs: number;
  /** Retry-After sent with injected 429s (quota 429s compute theirs from the window). */
  retryAfterSeconds: number;
}

export type ConfigPatch = Partial<EndpointConfig>;

export const DEFAULT_CONFIG: Omit<EndpointConfig, 'keys'> = {
  // The free tier's limit, so a default run shows throttling as a real F0 resource does.
  quotaPerMinute: 20,
  windowSeconds: 60,
  rate429: 0,
  rate500: 0,
  rate503: 0,
  timeoutRate: 0,
  timeoutSeconds: 0,
  resetRate: 0,
  latencyMs: 0,
  jitterMs: 0,
  retryAfterSeconds: 1,
};

const RATES = ['rate429', 'rate500', 'rate503', 'timeoutRate', 'resetRate'] as const;
const COUNTS = ['quotaPerMinute', 'timeoutSeconds', 'latencyMs', 'jitterMs'] as const;
const POSITIVE = ['windowSeconds', 'retryAfterSeconds'] as const;
const FIELDS: readonly string[] = ['keys', ...RATES, ...COUNTS, ...POSITIVE];

export class ConfigPatchError extends Error {
  override readonly name = 'ConfigPatchError';
}

function number(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigPatchError(`${field} must be a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks an untrusted JSON value and returns it as a patch; throws ConfigPatchError. */
export function parseConfigPatch(value: unknown): ConfigPatch {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigPatchError('the configuration must be a JSON object');
  }
  const input = value as Record<string, unknown>;
  const unknown = Object.keys(input).filter((field) => !FIELDS.includes(field));
  if (unknown.length > 0) {
    throw new ConfigPatchError(
      `unknown field(s) ${unknown.join(', ')}; known: ${FIELDS.join(', ')}`,
    );
  }
  const patch: ConfigPatch = {};
  if (input.keys !== undefined) {
    const keys = input.keys;
    if (
      !Array.isArray(keys) ||
      keys.length === 0 ||
      !keys.every((k) => typeof k === 'string' && k !== '')
    ) {
      throw new ConfigPatchError('keys must be a non-empty array of non-empty strings');
    }
    patch.keys = [...(keys as string[])];
  }
  for (const field of RATES) {
    if (input[field] === undefined) continue;
    const rate = number(input[field], field);
    if (rate < 0 || rate > 1)
      throw new ConfigPatchError(`${field} must be between 0 and 1, got ${rate}`);
    patch[field] = rate;
  }
  for (const field of COUNTS) {
    if (input[field] === undefined) continue;
    const count = number(input[field], field);
    if (count < 0) throw new ConfigPatchError(`${field} must be 0 or more, got ${count}`);
    patch[field] = count;
  }
  for (const field of POSITIVE) {
    if (input[field] === undefined) continue;
    const count = number(input[field], field);
    if (count <= 0) throw new ConfigPatchError(`${field} must be more than 0, got ${count}`);
    patch[field] = count;
  }
  return patch;
}

/** The patch applied to `config`; throws when the fault rates would add up to more than 1. */
export function applyPatch(config: EndpointConfig, patch: ConfigPatch): EndpointConfig {
  const next: EndpointConfig = { ...config, ...patch, keys: [...(patch.keys ?? config.keys)] };
  const total = RATES.reduce((sum, field) => sum + next[field], 0);
  if (total > 1 + 1e-9) {
    throw new ConfigPatchError(
      `the fault rates (${RATES.join(', ')}) add up to ${total}, more than 1`,
    );
  }
  return next;
}
