/**
 * Error codes and the one error class the app throws on purpose.
 *
 * Every code has a fixed HTTP status and a fixed permanence. Permanent failures are facts about
 * the input (a corrupt file stays corrupt), so activities return them as values instead of
 * throwing: Durable retries cannot filter by error type and would otherwise retry them.
 */

interface CodeInfo {
  readonly status: number;
  readonly permanent: boolean;
}

const CATALOGUE = {
  EMPTY_BODY: { status: 400, permanent: true },
  INVALID_BODY: { status: 400, permanent: true },
  INVALID_REQUEST: { status: 400, permanent: true },
  INVALID_QUERY: { status: 400, permanent: true },
  INVALID_INPUT: { status: 400, permanent: true },
  NOT_FOUND: { status: 404, permanent: true },
  PAYLOAD_TOO_LARGE: { status: 413, permanent: true },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, permanent: true },
  UNSUPPORTED_FORMAT: { status: 415, permanent: true },
  IMAGE_TOO_LARGE: { status: 413, permanent: true },
  CORRUPT_IMAGE: { status: 422, permanent: true },
  SOURCE_NOT_FOUND: { status: 404, permanent: true },
  SOURCE_LOST: { status: 404, permanent: true },
  ANALYSIS_DEFERRED: { status: 503, permanent: true },
  ANALYSIS_FAILED: { status: 502, permanent: true },
  PROCESSING_FAILED: { status: 500, permanent: true },
  PROCESSING_TERMINATED: { status: 500, permanent: true },
  DEPENDENCY_UNAVAILABLE: { status: 503, permanent: false },
  INTERNAL: { status: 500, permanent: false },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof CATALOGUE;

/** The JSON shape of an error wherever it is shown: HTTP bodies, records, steps. */
export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(CATALOGUE, value);
}

export function httpStatusOf(code: ErrorCode): number {
  return CATALOGUE[code].status;
}

export function isPermanent(code: ErrorCode): boolean {
  return CATALOGUE[code].permanent;
}

/** An error with a stable code; renders itself as `{ error: { code, message } }`. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = httpStatusOf(code);
  }

  get permanent(): boolean {
    return isPermanent(this.code);
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function errorBody(info: ErrorInfo): { error: ErrorInfo } {
  return { error: { code: info.code, message: info.message } };
}

/** A message safe to keep in a record: first line only, bounded, never a stack trace. */
export function shortMessage(error: unknown, fallback = 'Unexpected error'): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : fallback;
  const firstLine = raw.split('\n').find((line) => line.trim() !== '') ?? fallback;
  const trimmed = firstLine.trim();
  return trimmed.length > 300 ? `${trimmed.slice(0, 297)}...` : trimmed;
}
