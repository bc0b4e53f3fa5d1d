/** The part of the Durable client the triggers use. */
import type { LiveStatus } from '../domain/live-status';

export interface OrchestrationClient {
  /** Undefined when no instance with that id exists. */
  getStatus(instanceId: string): Promise<LiveStatus | undefined>;
  startNew(orchestrator: string, instanceId: string, input: unknown): Promise<void>;
}
