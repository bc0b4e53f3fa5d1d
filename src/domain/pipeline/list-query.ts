/**
 * `GET /api/images` query parsing. Unknown parameters are ignored (Azure adds `code`), known ones
 * must be valid: a typo in `status` silently returning everything would mislead the caller.
 */
import { AppError } from '../errors';
import { IMAGE_STATUSES, type ImageStatus, isImageStatus } from '../record';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export interface ListQuery {
  status?: ImageStatus;
  limit: number;
  continuationToken?: string;
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,8192}$/;

export function parseListQuery(params: URLSearchParams): ListQuery {
  const query: ListQuery = { limit: DEFAULT_LIMIT };
  const status = params.get('status');
  if (status !== null) {
    if (!isImageStatus(status)) {
      throw new AppError(
        'INVALID_QUERY',
        `status must be one of ${IMAGE_STATUSES.join(', ')}; got "${status.slice(0, 40)}"`,
      );
    }
    query.status = status;
  }
  const limit = params.get('limit');
  if (limit !== null) {
    const value = /^\d{1,3}$/.test(limit) ? Number(limit) : NaN;
    if (!(value >= 1 && value <= MAX_LIMIT)) {
      throw new AppError('INVALID_QUERY', `limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
    query.limit = value;
  }
  const token = params.get('continuationToken');
  if (token !== null) {
    if (!TOKEN_PATTERN.test(token)) {
      throw new AppError('INVALID_QUERY', 'continuationToken is not a token this API returned');
    }
    query.continuationToken = token;
  }
  return query;
}

/** Database continuation tokens are JSON; the API hands them out as base64url so they fit a URL. */
export function encodeContinuation(token: string): string {
  return Buffer.from(token, 'utf8').toString('base64url');
}

export function decodeContinuation(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (decoded === '' || decoded.includes('\uFFFD')) {
    throw new AppError('INVALID_QUERY', 'continuationToken is not a token this API returned');
  }
  return decoded;
}
