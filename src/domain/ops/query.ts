/**
 * `GET /api/ops/orchestrations` query parsing. Unknown parameters are ignored (Azure adds
 * `code`); known ones must be valid, and the message names the parameter at fault, because a
 * mistyped filter that silently matched everything would mislead whoever acts on the answer.
 */
import { type InstanceCursor, decodeCursor } from './cursor';
import { RUNTIME_STATUSES, type RuntimeStatus } from './instance';
import { AppError } from '../errors';

export const OPS_DEFAULT_LIMIT = 50;
export const OPS_MAX_LIMIT = 100;

export interface OrchestrationQuery {
  runtimeStatus?: RuntimeStatus[];
  /** ISO 8601, UTC; inclusive. */
  createdFrom?: string;
  /** ISO 8601, UTC; inclusive. */
  createdTo?: string;
  /** Orchestrator function name, compared case-insensitively as function names are. */
  name?: string;
  instanceIdPrefix?: string;
  limit: number;
  after?: InstanceCursor;
}

/** A calendar day (midnight UTC) or a date-time with an explicit zone: never local time. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const ID_PREFIX = /^[A-Za-z0-9._~:@!$'()*+,;=-]{1,256}$/;

function invalid(message: string): AppError {
  return new AppError('INVALID_QUERY', message);
}

function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
}

export function parseIsoDate(value: string, parameter: string): string {
  const ms = ISO_DATE.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw invalid(
      `${parameter} must be an ISO 8601 date (2026-11-01) or date-time with a zone ` +
        `(2026-11-01T08:00:00Z); got ${shown(value)}`,
    );
  }
  return new Date(ms).toISOString();
}

function parseStatuses(value: string): RuntimeStatus[] {
  const names = value.split(',').map((part) => part.trim());
  const statuses = names.map((name) => {
    const status = RUNTIME_STATUSES.find((known) => known.toLowerCase() === name.toLowerCase());
    if (status === undefined) {
      throw invalid(
        `runtimeStatus ${shown(name)} is not a runtime status; use one or more of ` +
          `${RUNTIME_STATUSES.join(', ')}, comma-separated`,
      );
    }
    return status;
  });
  return [...new Set(statuses)];
}

function parseLimit(value: string): number {
  const limit = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= OPS_MAX_LIMIT)) {
    throw invalid(`limit must be an integer from 1 to ${OPS_MAX_LIMIT}; got ${shown(value)}`);
  }
  return limit;
}

export function parseOrchestrationQuery(params: URLSearchParams): OrchestrationQuery {
  const query: OrchestrationQuery = { limit: OPS_DEFAULT_LIMIT };
  const runtimeStatus = params.get('runtimeStatus');
  if (runtimeStatus !== null) query.runtimeStatus = parseStatuses(runtimeStatus);

  const createdFrom = params.get('createdFrom');
  if (createdFrom !== null) query.createdFrom = parseIsoDate(createdFrom, 'createdFrom');
  const createdTo = params.get('createdTo');
  if (createdTo !== null) query.createdTo = parseIsoDate(createdTo, 'createdTo');
  if (query.createdFrom !== undefined && query.createdTo !== undefined) {
    if (query.createdFrom > query.createdTo)
      throw invalid('createdFrom must not be after createdTo');
  }

  const name = params.get('name');
  if (name !== null) {
    if (!FUNCTION_NAME.test(name)) {
      throw invalid(`name must be an orchestrator function name; got ${shown(name)}`);
    }
    query.name = name;
  }
  const prefix = params.get('instanceIdPrefix');
  if (prefix !== null) {
    if (!ID_PREFIX.test(prefix)) {
      throw invalid(
        `instanceIdPrefix must be 1 to 256 URL-safe characters (letters, digits, - _ . ~ : @ ...); ` +
          `got ${shown(prefix)}`,
      );
    }
    query.instanceIdPrefix = prefix;
  }
  const limit = params.get('limit');
  if (limit !== null) query.limit = parseLimit(limit);
  const token = params.get('continuationToken');
  if (token !== null) query.after = decodeCursor(token);
  return query;
}
