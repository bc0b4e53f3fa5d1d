/**
 * OrchestrationClient over the durable-functions client binding. The SDK reports an unknown
 * instance as a thrown error mentioning HTTP 404; that is turned into `undefined` here so callers
 * can tell "not started yet" from "the task hub is down".
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { OrchestrationClient } from '../ports/orchestration-client';

export function isInstanceNotFound(error: unknown): boolean {
  return error instanceof Error && /\b404\b/.test(error.message);
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
