/**
 * Failures of a request, each rendered as the one line the CLI prints on stderr: what the server
 * said (its stable code, its message, the HTTP status), or why it could not be reached.
 */

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** `NOT_FOUND: No image with id x (HTTP 404)`. */
  line(): string {
    return `${this.code}: ${this.message} (HTTP ${this.status})`;
  }
}

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** One line, no stack: the message of whatever went wrong. */
export function errorLine(error: unknown): string {
  if (error instanceof ApiError) return error.line();
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? 'unexpected error';
}
