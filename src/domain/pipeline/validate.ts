/**
 * Tiny shape checks for data that crosses a process boundary (activity inputs, orchestration
 * input, stored documents). They throw `INVALID_INPUT`, a permanent failure: retrying a malformed
 * message cannot fix it.
 */
import { AppError } from '../errors';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectField(value: unknown, what: string): Json {
  if (!isObject(value)) throw new AppError('INVALID_INPUT', `${what} must be an object`);
  return value;
}

export function stringField(source: Json, key: string, what = key): string {
  const value = source[key];
  if (typeof value !== 'string' || value === '') {
    throw new AppError('INVALID_INPUT', `${what} must be a non-empty string`);
  }
  return value;
}

export function optionalString(source: Json, key: string): string | null {
  const value = source[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function positiveIntField(source: Json, key: string, what = key): number {
  const value = source[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new AppError('INVALID_INPUT', `${what} must be a positive integer`);
  }
  return value;
}

export function oneOf<T extends string>(
  source: Json,
  key: string,
  allowed: readonly T[],
  what = key,
): T {
  const value = source[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new AppError('INVALID_INPUT', `${what} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
