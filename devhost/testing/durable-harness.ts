/**
 * Runs orchestrations in-process through devhost's real task hub and the real durable-functions
 * handlers, with whatever activities the test registers (stubs or real ones). Storage is in
 * memory unless a store is given, so a test needs no emulator; everything else is the engine the
 * host runs, the Durable HTTP API included (called directly, or over a loopback listener for the
 * SDK's DurableClient).
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { durableClientPayload } from '../host/client-payload';
import { FunctionsDurableInvoker } from '../host/durable-invoker';
import { globalRegistry, type Registry } from '../host/functions-core';
import { createRpcServer } from '../host/http-server';
import { Invoker } from '../host/invoke';
import { handleDurableApi, type ApiOptions, type ApiResponse } from '../durable/http-api';
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

const HUB_NAME = 'harness';
/** Only the loopback API is real; public URLs are never called in-process. */
const PUBLIC_BASE_URL = 'http://127.0.0.1:7071';

export class DurableHarness {
  readonly hub: TaskHub;
  readonly store: HubStore;
  private counter = 0;
  private readonly apiOptions: ApiOptions;
  private server: http.Server | undefined;
  private rpcBaseUrl = '';

  constructor(
    readonly registry: Registry = globalRegistry(),
    options: HarnessOptions = {},
  ) {
    this.store = options.store ?? new MemoryStore();
    const log = options.log ?? ((level, message) => level === 'error' && console.error(message));
    const invoker = new Invoker(registry, log);
    const clientInput = () => ({ string: JSON.stringify(this.clientPayload()) });
    this.hub = new TaskHub({
      store: this.store,
      invoker: new FunctionsDurableInvoker(registry, invoker, clientInput),
      log,
      maxConcurrentActivities: options.maxConcurrentActivities ?? 8,
      maxConcurrentOrchestrations: 8,
    });
    this.apiOptions = {
      hub: this.hub,
      hubName: HUB_NAME,
      managementUrls: (instanceId) => {
        const urls = this.clientPayload().managementUrls as Record<string, string>;
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(urls))
          out[k] = v.replace('INSTANCEID', encodeURIComponent(instanceId));
        return out;
      },
    };
  }

  async start(): Promise<this> {
    await this.hub.start();
    return this;
  }

  stop(): void {
    this.hub.stop();
    this.server?.close();
  }

  /**
   * The durable client binding payload, as the host hands it to client functions. Its
   * `rpcBaseUrl` is live once `listen()` has run.
   */
  clientPayload(): Record<string, unknown> {
    return durableClientPayload({
      hubName: HUB_NAME,
      publicBaseUrl: PUBLIC_BASE_URL,
      rpcBaseUrl: this.rpcBaseUrl,
      systemKey: 'harness-key',
    });
  }

  /** Serves the Durable HTTP API on a loopback port, so the SDK's DurableClient can talk to it. */
  async listen(): Promise<string> {
    if (this.server) return this.rpcBaseUrl;
    const server = createRpcServer(this.apiOptions, (level, message) => {
      if (level === 'error') console.error(message);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    this.server = server;
    this.rpcBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/durabletask/`;
    return this.rpcBaseUrl;
  }

  /** One Durable HTTP API call, without the network: `path` is below the API root. */
  api(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const url = new URL(path, 'http://harness/');
    return handleDurableApi(
      {
        method,
        path: url.pathname.slice(1),
        query: url.searchParams,
        headers: {},
        body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
      },
      this.apiOptions,
    );
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
    return this.waitForState(
      instanceId,
      (s) => ['Completed', 'Failed', 'Terminated'].includes(s.status),
      timeoutMs,
      'finish',
    );
  }

  /** Waits until the instance's stored state satisfies `ready` and returns that state. */
  async waitForState(
    instanceId: string,
    ready: (state: OrchestrationState) => boolean,
    timeoutMs = 10_000,
    what = 'reach the expected state',
  ): Promise<OrchestrationState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.hub.getOrchestration(instanceId);
      if (state && ready(state)) return state;
      if (Date.now() > deadline)
        throw new Error(
          `Instance ${instanceId} did not ${what} within ${timeoutMs} ms (status ${state?.status ?? 'unknown'}).`,
        );
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Resolves when the hub has nothing running or ready to run (future timers aside). */
  whenIdle(): Promise<void> {
    return this.hub.whenIdle();
  }

  output<T>(state: OrchestrationState): T {
    return JSON.parse(state.output ?? 'null') as T;
  }

  history(state: OrchestrationState): HistoryEvent[] {
    return state.history;
  }
}
