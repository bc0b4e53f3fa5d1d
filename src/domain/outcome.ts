/**
 * Activity results. Permanent failures travel as values so the orchestrator can act on them
 * (save the record as Failed) instead of the retry policy replaying a hopeless call; transient
 * failures throw and are retried.
 */
import { AppError, type ErrorCode, type ErrorInfo, isErrorCode } from './errors';
import { isObject } from './pipeline/validate';

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Failure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
}

export type Outcome<T> = Success<T> | Failure;

export function succeed<T>(value: T): Success<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): Failure {
  return { ok: false, code, message };
}

/** The permanent failure an error stands for, or undefined when it should be retried. */
export function permanentFailureOf(error: unknown): Failure | undefined {
  return error instanceof AppError && error.permanent ? fail(error.code, error.message) : undefined;
}

export function failureInfo(failure: Failure): ErrorInfo {
  return { code: failure.code, message: failure.message };
}

/** Reads an outcome that came back through the durable history (plain JSON). */
export function asOutcome<T>(value: unknown): Outcome<T> {
  if (isObject(value) && value.ok === true && 'value' in value) {
    return { ok: true, value: value.value as T };
  }
  if (isObject(value) && value.ok === false && isErrorCode(value.code)) {
    const message = typeof value.message === 'string' ? value.message : value.code;
    return fail(value.code, message);
  }
  return fail('INVALID_INPUT', 'The activity returned an unexpected result');
}
