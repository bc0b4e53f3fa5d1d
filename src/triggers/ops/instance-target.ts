/**
 * Reads the `{instanceId}` of an operator route and finds that instance, or answers 404: an id
 * that no instance could have is as unknown as one that was purged.
 */
import type { HttpRequest } from '@azure/functions';
import { AppError } from '../../domain/errors';
import { isInstanceId } from '../../domain/ops/instance-id';
import type { OrchestrationInstance } from '../../domain/ops/instance';
import { API_PREFIX } from '../../names';
import type { OrchestrationAdmin } from '../../ports/orchestration-client';
import { notFound } from '../http-errors';

export function instanceIdParam(request: HttpRequest): string {
  const instanceId = request.params.instanceId ?? '';
  if (!isInstanceId(instanceId)) {
    throw notFound(`Orchestration instance ${JSON.stringify(instanceId.slice(0, 80))}`);
  }
  return instanceId;
}

export async function findInstance(
  admin: OrchestrationAdmin,
  instanceId: string,
): Promise<OrchestrationInstance> {
  const instance = await admin.getInstance(instanceId);
  if (instance === undefined) throw notFound(`Orchestration instance "${instanceId}"`);
  return instance;
}

/** Where an operator follows an instance: `GET /api/ops/orchestrations/{instanceId}`. */
export function instanceUrl(request: HttpRequest, instanceId: string): string {
  return `${new URL(request.url).origin}${API_PREFIX}/ops/orchestrations/${encodeURIComponent(instanceId)}`;
}

/** `true`/`false` query flags, case-insensitive; anything else is a mistake worth reporting. */
export function booleanParam(request: HttpRequest, name: string, fallback: boolean): boolean {
  const value = request.query.get(name);
  if (value === null) return fallback;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new AppError(
    'INVALID_QUERY',
    `${name} must be true or false; got ${JSON.stringify(value.slice(0, 40))}`,
  );
}
