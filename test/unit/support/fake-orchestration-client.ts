/** An in-memory stand-in for the Durable client, with the race a real task hub can produce. */
import type { LiveStatus } from '../../../src/domain/pipeline/live-status';
import type { OrchestrationClient } from '../../../src/ports/orchestration-client';

export class FakeOrchestrationClient implements OrchestrationClient {
  readonly instances = new Map<string, LiveStatus & { name: string; input: unknown }>();
  startCalls = 0;
  statusCalls = 0;
  /** Runs just before a start lands, e.g. to simulate a concurrent start of the same instance. */
  beforeStart: (instanceId: string) => void = () => undefined;
  failStatus = false;

  getStatus(instanceId: string): Promise<LiveStatus | undefined> {
    this.statusCalls += 1;
    if (this.failStatus) return Promise.reject(new Error('task hub unreachable'));
    const instance = this.instances.get(instanceId);
    return Promise.resolve(
      instance === undefined
        ? undefined
        : {
            runtimeStatus: instance.runtimeStatus,
            customStatus: instance.customStatus,
            output: instance.output,
          },
    );
  }

  startNew(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
    this.startCalls += 1;
    this.beforeStart(instanceId);
    if (this.instances.has(instanceId)) {
      return Promise.reject(new Error(`An instance with ID '${instanceId}' already exists.`));
    }
    this.instances.set(instanceId, {
      name: orchestrator,
      input,
      runtimeStatus: 'Pending',
      customStatus: null,
      output: null,
    });
    return Promise.resolve();
  }
}
