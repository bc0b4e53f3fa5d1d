/** An in-memory OrchestrationAdmin: instances in a map, every action recorded. */
import type { OrchestrationInstance } from '../../../../src/domain/ops/instance';
import type { InstanceFilter } from '../../../../src/domain/ops/page';
import type {
  InstanceHistory,
  OrchestrationAdmin,
} from '../../../../src/ports/orchestration-client';

export class FakeOrchestrationAdmin implements OrchestrationAdmin {
  readonly instances = new Map<string, OrchestrationInstance>();
  readonly histories = new Map<string, unknown[]>();
  readonly filters: InstanceFilter[] = [];
  readonly terminated: { instanceId: string; reason: string }[] = [];
  readonly started: { orchestrator: string; instanceId: string; input: unknown }[] = [];
  readonly purged: string[] = [];

  add(instance: Partial<OrchestrationInstance> & { instanceId: string }): this {
    this.instances.set(instance.instanceId, {
      name: 'processImage',
      runtimeStatus: 'Completed',
      createdTime: '2026-11-01T08:00:00.000Z',
      lastUpdatedTime: '2026-11-01T08:00:05.000Z',
      input: { imageId: instance.instanceId },
      customStatus: null,
      output: { status: 'Completed' },
      ...instance,
    });
    return this;
  }

  listInstances(filter: InstanceFilter): Promise<OrchestrationInstance[]> {
    this.filters.push(filter);
    return Promise.resolve([...this.instances.values()]);
  }

  getInstance(instanceId: string): Promise<OrchestrationInstance | undefined> {
    return Promise.resolve(this.instances.get(instanceId));
  }

  getHistory(instanceId: string): Promise<InstanceHistory | undefined> {
    const instance = this.instances.get(instanceId);
    return Promise.resolve(
      instance === undefined
        ? undefined
        : { instance, history: this.histories.get(instanceId) ?? [] },
    );
  }

  terminate(instanceId: string, reason: string): Promise<void> {
    this.terminated.push({ instanceId, reason });
    return Promise.resolve();
  }

  purge(instanceId: string): Promise<number> {
    this.purged.push(instanceId);
    return Promise.resolve(this.instances.delete(instanceId) ? 1 : 0);
  }

  startNew(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
    this.started.push({ orchestrator, instanceId, input });
    return Promise.resolve();
  }
}
