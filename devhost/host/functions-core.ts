/**
 * Our implementation of `@azure/functions-core`, the module the Functions worker injects. The
 * `@azure/functions` library registers every `app.*` call through it, so installing it before the
 * app loads captures each function unchanged, with the handler the library built.
 */
import Module from 'node:module';

export interface BindingInfo {
  type: string;
  direction?: string;
  name?: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
  path?: string;
  connection?: string;
  source?: string;
  [key: string]: unknown;
}

export interface RegisteredFunction {
  name: string;
  bindings: Record<string, BindingInfo>;
  callback: (...args: unknown[]) => unknown;
  triggerName: string;
  trigger: BindingInfo;
}

export type HookName = 'preInvocation' | 'postInvocation' | 'appStart' | 'appTerminate' | 'log';

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: unknown): InvocationModel;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(
    context: unknown,
    inputs: unknown[],
    handler: (...args: unknown[]) => unknown,
  ): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  http?: RpcHttpData;
  int?: number;
  double?: number;
}

export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: RpcTypedData;
  statusCode?: string;
  cookies?: unknown[];
}

export interface RpcInvocationResponse {
  invocationId: string;
  outputData?: { name: string; data: RpcTypedData }[];
  returnValue?: RpcTypedData | null;
}

export class Registry {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, ((ctx: unknown) => unknown)[]> = {
    preInvocation: [],
    postInvocation: [],
    appStart: [],
    appTerminate: [],
    log: [],
  };
  programmingModel: ProgrammingModel | undefined;
  logSink: (level: string, category: string, message: string) => void = () => undefined;

  byTrigger(type: string): RegisteredFunction[] {
    return [...this.functions.values()].filter((f) => f.trigger.type === type);
  }
}

function isTriggerType(type: string): boolean {
  return type.toLowerCase().endsWith('trigger');
}

/** Builds the module object the worker would provide. */
export function createCoreApi(registry: Registry): Record<string, unknown> {
  class Disposable {
    constructor(private readonly callOnDispose: () => void) {}
    dispose(): void {
      this.callOnDispose();
    }
  }
  return {
    version: '3.10.1',
    hostVersion: '4.1037.0',
    Disposable,
    setProgrammingModel(pm: ProgrammingModel) {
      registry.programmingModel = pm;
    },
    getProgrammingModel() {
      return registry.programmingModel;
    },
    registerFunction(
      metadata: { name: string; bindings: Record<string, BindingInfo> },
      callback: (...args: unknown[]) => unknown,
    ) {
      const entry = Object.entries(metadata.bindings).find(([, b]) => isTriggerType(b.type));
      if (!entry) throw new Error(`Function "${metadata.name}" has no trigger binding.`);
      if (registry.functions.has(metadata.name)) {
        throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
      }
      registry.functions.set(metadata.name, {
        name: metadata.name,
        bindings: metadata.bindings,
        callback,
        triggerName: entry[0],
        trigger: entry[1],
      });
      return new Disposable(() => registry.functions.delete(metadata.name));
    },
    registerHook(name: HookName, callback: (ctx: unknown) => unknown) {
      registry.hooks[name].push(callback);
      return new Disposable(() => {
        const list = registry.hooks[name];
        const i = list.indexOf(callback);
        if (i >= 0) list.splice(i, 1);
      });
    },
    log(level: string, category: string, message: string) {
      registry.logSink(level, category, message);
    },
  };
}

/**
 * Makes `require('@azure/functions-core')` return our module, as the worker does. Must run before
 * the app (and so `@azure/functions`) is loaded: the library caches a missing module forever.
 */
export function installCoreApi(registry: Registry): void {
  const coreApi = createCoreApi(registry);
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  proto.require = new Proxy(proto.require, {
    apply(target, thisArg, args: [string]) {
      if (args[0] === '@azure/functions-core') return coreApi;
      const loaded: unknown = Reflect.apply(target, thisArg, args);
      return loaded;
    },
  });
}

const REGISTRY_KEY = Symbol.for('devhost.functions-core.registry');

/** One registry per process (or per test file): what `@azure/functions-core` registers into. */
export function globalRegistry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[REGISTRY_KEY] ??= new Registry());
}
