/**
 * Runs orchestrations in-process through devhost's real task hub and the real durable-functions
 * handlers, with whatever activities the test registers (stubs or real ones). Storage is in
 * memory unless a store is given, so a test needs no emulator; everything else is the engine the
 * host runs.
 */
import { FunctionsDurableInvoker } from '../host/durable-invoker';
import { globalRegistry, type Registry } from '../host/functions-core';
import { Invoker } from '../host/invoke';
import { MemoryStore } from '../durable/memory-store';
import type { HistoryEvent } from '../durable/history';
import type { HubStore } from '../durable/table-store';
import type { OrchestrationState } from '../durable/orchestration-state';
import { TaskHub } from '../durable/task-hub';

export interface HarnessOptions {
  maxConcurrentActivities?: number;
  log?: (level: string, message: string) => void;
  /** Where the hub keeps its rows; default a fresh MemoryStore. */
  store?: HubStore;
}

export class DurableHarness {
  readonly hub: TaskHub;
  readonly store: HubStore;
  private counter = 0;

  constructor(
    readonly registry: Registry = globalRegistry(),
    options: HarnessOptions = {},
  ) {
    this.store = options.store ?? new MemoryStore();
    const log = options.log ?? ((level, message) => level === 'error' && console.error(message));
    const invoker = new Invoker(registry, log);
    const clientPayload = () => ({
      string: JSON.stringify({ taskHubName: 'harness', creationUrls: {}, managementUrls: {} }),
    });
    this.hub = new TaskHub({
      store: this.store,
      invoker: new FunctionsDurableInvoker(registry, invoker, clientPayload),
      log,
      maxConcurrentActivities: options.maxConcurrentActivities ?? 8,
      maxConcurrentOrchestrations: 8,
    });
  }

  async start(): Promise<this> {
    await this.hub.start();
    return this;
  }

  stop(): void {
    this.hub.stop();
  }

  async startOrchestration(
    name: string,
    input?: unknown,
    instanceId = `test-${++this.counter}`,
  ): Promise<string> {
    const ok = await this.hub.startNew(
      name,
      instanceId,
      input === undefined ? undefined : JSON.stringify(input),
    );
    if (!ok) throw new Error(`Instance ${instanceId} is already running.`);
    return instanceId;
  }

  async raiseEvent(instanceId: string, name: string, data?: unknown): Promise<void> {
    await this.hub.send(instanceId, {
      kind: 'EventRaised',
      name,
      input: JSON.stringify(data ?? null),
    });
  }

  async status(instanceId: string): Promise<OrchestrationState | undefined> {
    return this.hub.getOrchestration(instanceId);
  }

  /** Waits until the instance finishes (or the deadline passes) and returns its final state. */
  async waitForCompletion(instanceId: string, timeoutMs = 10_000): Promise<OrchestrationState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.hub.getOrchestration(instanceId);
      if (state && ['Completed', 'Failed', 'Terminated'].includes(state.status)) return state;
      if (Date.now() > deadline)
        throw new Error(
          `Instance ${instanceId} did not finish within ${timeoutMs} ms (status ${state?.status ?? 'unknown'}).`,
        );
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  output<T>(state: OrchestrationState): T {
    return JSON.parse(state.output ?? 'null') as T;
  }

  history(state: OrchestrationState): HistoryEvent[] {
    return state.history;
  }
}
