/**
 * Reads the `{batchId}` of a reprocessing route and finds that batch's instance, or answers
 * `404 NOT_FOUND`: an id no batch could have, an unknown id, and an instance that is not a
 * reprocessBatch (e.g. one image's child instance) all look the same to the caller.
 */
import type { HttpRequest } from '@azure/functions';
import { isImageId } from '../../domain/ids';
import type { OrchestrationInstance } from '../../domain/ops/instance';
import { batchInstanceId } from '../../domain/reprocess/batch';
import { API_PREFIX, Orchestrators } from '../../names';
import { notFound } from '../http-errors';
import type { ReprocessClient } from './reprocess-client';

export interface BatchTarget {
  batchId: string;
  instanceId: string;
  instance: OrchestrationInstance;
}

export async function findBatch(
  request: HttpRequest,
  client: ReprocessClient,
): Promise<BatchTarget> {
  const batchId = request.params.batchId ?? '';
  const missing = notFound(`Reprocessing batch ${JSON.stringify(batchId.slice(0, 80))}`);
  if (!isImageId(batchId)) throw missing;
  const instanceId = batchInstanceId(batchId);
  const instance = await client.getInstance(instanceId);
  if (instance?.name.toLowerCase() !== Orchestrators.reprocessBatch.toLowerCase()) throw missing;
  return { batchId, instanceId, instance };
}

/** Where an operator follows a batch: `GET /api/ops/reprocess/{batchId}`. */
export function batchUrl(request: HttpRequest, batchId: string): string {
  return `${new URL(request.url).origin}${API_PREFIX}/ops/reprocess/${encodeURIComponent(batchId)}`;
}
