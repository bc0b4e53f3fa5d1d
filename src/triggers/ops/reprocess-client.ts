/**
 * What the reprocessing routes and the deferred-analysis sweep need from the Durable client:
 * read an instance (with its input), start one, and raise an event on one. Built over the
 * durable-functions client binding; the SDK reports an unknown instance as an error mentioning
 * HTTP 404, which becomes `undefined` here.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { instanceFromStatus, type OrchestrationInstance } from '../../domain/ops/instance';

export interface ReprocessClient {
  /** Undefined when no instance has that id. */
  getInstance(instanceId: string): Promise<OrchestrationInstance | undefined>;
  startNew(orchestrator: string, instanceId: string, input: unknown): Promise<void>;
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void>;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /\b404\b/.test(error.message);
}

export function reprocessClientFor(context: InvocationContext): ReprocessClient {
  const client = df.getClient(context);
  return {
    async getInstance(instanceId) {
      try {
        return instanceFromStatus(await client.getStatus(instanceId, { showInput: true }));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async startNew(orchestrator, instanceId, input) {
      await client.startNew(orchestrator, { instanceId, input });
    },

    async raiseEvent(instanceId, eventName, data) {
      await client.raiseEvent(instanceId, eventName, data);
    },
  };
}
