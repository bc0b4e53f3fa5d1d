/**
 * OrchestrationClient and OrchestrationAdmin over the durable-functions client binding. The SDK
 * reports an unknown instance as a thrown error mentioning HTTP 404; that is turned into
 * `undefined` here so callers can tell "not started yet" from "the task hub is down".
 *
 * Two SDK gaps are bridged through the Durable HTTP API the client itself uses (its management
 * URLs, which carry the task hub, connection and system key): durable-functions 3.x drops the
 * history of `getStatus(..., { showHistory })` (it reads `history`, the API answers
 * `historyEvents`), and `terminate` pastes the reason into the URL without encoding it.
 */
import { randomUUID } from 'node:crypto';
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { instanceFromStatus, type OrchestrationInstance } from '../domain/ops/instance';
import type { InstanceFilter } from '../domain/ops/page';
import type { OrchestrationAdmin, OrchestrationClient } from '../ports/orchestration-client';

/** A history request that takes longer than this means the task hub is not answering. */
const HISTORY_TIMEOUT_MS = 30_000;

export function isInstanceNotFound(error: unknown): boolean {
  return error instanceof Error && /\b404\b/.test(error.message);
}

/** A new instance id in the extension's own format (a GUID without dashes). */
export function randomInstanceId(): string {
  return randomUUID().replace(/-/g, '');
}

export function durableClientFor(context: InvocationContext): OrchestrationClient {
  const client = df.getClient(context);
  return {
    async getStatus(instanceId: string) {
      try {
        const status = await client.getStatus(instanceId);
        return {
          runtimeStatus: String(status.runtimeStatus),
          customStatus: status.customStatus,
          output: status.output,
        };
      } catch (error) {
        if (isInstanceNotFound(error)) return undefined;
        throw error;
      }
    },

    async startNew(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
      await client.startNew(orchestrator, { instanceId, input });
    },
  };
}

function toSdkFilter(filter: InstanceFilter): df.OrchestrationFilter {
  const sdk: df.OrchestrationFilter = {};
  if (filter.runtimeStatus !== undefined) {
    sdk.runtimeStatus = filter.runtimeStatus.map((name) => df.OrchestrationRuntimeStatus[name]);
  }
  if (filter.createdFrom !== undefined) sdk.createdTimeFrom = new Date(filter.createdFrom);
  if (filter.createdTo !== undefined) sdk.createdTimeTo = new Date(filter.createdTo);
  return sdk;
}

export function durableAdminFor(context: InvocationContext): OrchestrationAdmin {
  const client = df.getClient(context);
  const base = durableClientFor(context);

  async function getInstance(instanceId: string): Promise<OrchestrationInstance | undefined> {
    try {
      return instanceFromStatus(await client.getStatus(instanceId, { showInput: true }));
    } catch (error) {
      if (isInstanceNotFound(error)) return undefined;
      throw error;
    }
  }

  return {
    async listInstances(filter) {
      const statuses = await client.getStatusBy(toSdkFilter(filter));
      return statuses
        .map(instanceFromStatus)
        .filter((instance): instance is OrchestrationInstance => instance !== undefined);
    },

    getInstance,

    async getHistory(instanceId) {
      const url = new URL(client.createHttpManagementPayload(instanceId).statusQueryGetUri);
      url.searchParams.set('showHistory', 'true');
      url.searchParams.set('showHistoryOutput', 'true');
      url.searchParams.set('showInput', 'true');
      const response = await fetch(url, { signal: AbortSignal.timeout(HISTORY_TIMEOUT_MS) });
      if (response.status === 404) return undefined;
      if (response.status !== 200 && response.status !== 202) {
        throw new Error(`The Durable HTTP API answered ${response.status} for ${instanceId}`);
      }
      const body = (await response.json()) as Record<string, unknown>;
      const instance = instanceFromStatus(body);
      if (instance === undefined) return undefined;
      const history = Array.isArray(body.historyEvents) ? (body.historyEvents as unknown[]) : [];
      return { instance, history };
    },

    async terminate(instanceId, reason) {
      await client.terminate(instanceId, encodeURIComponent(reason));
    },

    async purge(instanceId) {
      const result = await client.purgeInstanceHistory(instanceId);
      return result.instancesDeleted;
    },

    startNew: (orchestrator, instanceId, input) => base.startNew(orchestrator, instanceId, input),
  };
}
