/**
 * An orchestration instance as operators see it, read defensively from what the Durable client
 * returns: the SDK hands back raw JSON from list queries and class instances (with `Date`s) from
 * single reads, and the task hub may hold entity instances, which are not orchestrations.
 */
import { isObject } from '../pipeline/validate';

/** The SDK's OrchestrationRuntimeStatus names (a unit test keeps them in step with the SDK). */
export const RUNTIME_STATUSES = [
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Pending',
  'Suspended',
] as const;

export type RuntimeStatus = (typeof RUNTIME_STATUSES)[number];

const FINISHED: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Canceled', 'Terminated']);

/** Whether the instance will not run again by itself: its output is final, it can be purged. */
export function isFinishedRuntimeStatus(status: string): boolean {
  return FINISHED.has(status);
}

export interface OrchestrationInstance {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  /** ISO 8601, UTC. */
  createdTime: string;
  lastUpdatedTime: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
}

function isoTime(value: unknown): string | undefined {
  if (!(typeof value === 'string' || value instanceof Date)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Undefined for anything that is not an orchestration status (entities included). */
export function instanceFromStatus(value: unknown): OrchestrationInstance | undefined {
  if (!isObject(value)) return undefined;
  const { instanceId, name, runtimeStatus } = value;
  const createdTime = isoTime(value.createdTime);
  if (
    typeof instanceId !== 'string' ||
    instanceId.startsWith('@') ||
    typeof name !== 'string' ||
    typeof runtimeStatus !== 'string' ||
    createdTime === undefined
  ) {
    return undefined;
  }
  return {
    instanceId,
    name,
    runtimeStatus,
    createdTime,
    lastUpdatedTime: isoTime(value.lastUpdatedTime) ?? createdTime,
    input: value.input ?? null,
    customStatus: value.customStatus ?? null,
    output: value.output ?? null,
  };
}
