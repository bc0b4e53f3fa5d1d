/** The part of the Durable client the triggers use. */
import type { LiveStatus } from '../domain/pipeline/live-status';
import type { OrchestrationInstance } from '../domain/ops/instance';
import type { InstanceFilter } from '../domain/ops/page';

export interface OrchestrationClient {
  /** Undefined when no instance with that id exists. */
  getStatus(instanceId: string): Promise<LiveStatus | undefined>;
  startNew(orchestrator: string, instanceId: string, input: unknown): Promise<void>;
}

/** An instance with its history, as the Durable HTTP API returns it (`historyEvents`). */
export interface InstanceHistory {
  instance: OrchestrationInstance;
  history: unknown[];
}

/** What the operator routes need: queries, history and lifecycle actions on any instance. */
export interface OrchestrationAdmin {
  /** Every orchestration instance that matches the filter (the backend applies it). */
  listInstances(filter: InstanceFilter): Promise<OrchestrationInstance[]>;
  /** Status with input; undefined when no instance with that id exists. */
  getInstance(instanceId: string): Promise<OrchestrationInstance | undefined>;
  /** Status with every history event and its outputs; undefined for an unknown instance. */
  getHistory(instanceId: string): Promise<InstanceHistory | undefined>;
  /** Asks a running instance to stop; it turns Terminated asynchronously. */
  terminate(instanceId: string, reason: string): Promise<void>;
  /** Deletes a finished instance's state and history; the number of instances deleted. */
  purge(instanceId: string): Promise<number>;
  startNew(orchestrator: string, instanceId: string, input: unknown): Promise<void>;
}
