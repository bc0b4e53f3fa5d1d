/**
 * InstancePages over the Durable HTTP API (`GET /instances` with `instanceIdPrefix`, `top` and the
 * `x-ms-continuation-token` header), reached through the management URL the durable client
 * builds (it carries the task hub, the connection and the system key). durable-functions 3.x
 * `getStatusBy` follows every continuation token and has no prefix filter, so it cannot page.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { isObject } from '../domain/pipeline/validate';
import type { InstancePages, InstanceRef } from '../ports/instance-pages';
import { isInstanceNotFound } from './durable-orchestration-client';

const TIMEOUT_MS = 30_000;

function toRef(value: unknown): InstanceRef | undefined {
  if (!isObject(value)) return undefined;
  const { instanceId, runtimeStatus, createdTime } = value;
  if (typeof instanceId !== 'string' || instanceId.startsWith('@')) return undefined;
  if (typeof runtimeStatus !== 'string' || typeof createdTime !== 'string') return undefined;
  return { instanceId, runtimeStatus, createdTime };
}

export function durableInstancePagesFor(context: InvocationContext): InstancePages {
  const client = df.getClient(context);
  const listUrl = (): URL => {
    const url = new URL(client.createHttpManagementPayload('x').statusQueryGetUri);
    url.pathname = url.pathname.replace(/\/instances\/x$/, '/instances');
    return url;
  };
  return {
    async page(query) {
      const url = listUrl();
      url.searchParams.set('top', String(query.top));
      url.searchParams.set('showInput', 'false');
      if (query.instanceIdPrefix !== undefined) {
        url.searchParams.set('instanceIdPrefix', query.instanceIdPrefix);
      }
      if (query.createdTo !== undefined) url.searchParams.set('createdTimeTo', query.createdTo);
      if (query.runtimeStatus !== undefined) {
        url.searchParams.set('runtimeStatus', query.runtimeStatus.join(','));
      }
      const response = await fetch(url, {
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers:
          query.continuationToken === undefined
            ? {}
            : { 'x-ms-continuation-token': query.continuationToken },
      });
      if (response.status !== 200) {
        throw new Error(`The Durable HTTP API answered ${response.status} to an instance query`);
      }
      const body: unknown = await response.json();
      const items = (Array.isArray(body) ? body : [])
        .map(toRef)
        .filter((ref): ref is InstanceRef => ref !== undefined);
      const next = response.headers.get('x-ms-continuation-token');
      return next === null || next === '' ? { items } : { items, continuationToken: next };
    },

    async terminate(instanceId, reason) {
      try {
        await client.terminate(instanceId, encodeURIComponent(reason));
      } catch (error) {
        // Gone or already finished: nothing left to stop.
        if (isInstanceNotFound(error) || /\b410\b/.test(String(error))) return;
        throw error;
      }
    },

    async purge(instanceId) {
      try {
        return (await client.purgeInstanceHistory(instanceId)).instancesDeleted > 0;
      } catch (error) {
        if (isInstanceNotFound(error)) return false;
        throw error;
      }
    },
  };
}
