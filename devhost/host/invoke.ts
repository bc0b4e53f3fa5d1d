/**
 * Invokes a registered function the way the Node.js worker does: through the library's own
 * programming model (argument conversion, context, hooks, response conversion), so the app sees
 * exactly the objects it would see in Azure.
 */
import { randomUUID } from 'node:crypto';
import type {
  Registry,
  RegisteredFunction,
  RpcInvocationResponse,
  RpcTypedData,
} from './functions-core';

export interface InvocationRequest {
  inputData: { name: string; data: RpcTypedData }[];
  triggerMetadata?: Record<string, RpcTypedData>;
}

export class Invoker {
  private readonly appHookData: Record<string, unknown> = {};

  constructor(
    private readonly registry: Registry,
    private readonly log: (level: string, message: string) => void,
  ) {}

  async runAppStartHooks(functionAppDirectory: string): Promise<void> {
    for (const hook of this.registry.hooks.appStart) {
      await hook({
        hookData: this.appHookData,
        appHookData: this.appHookData,
        functionAppDirectory,
      });
    }
  }

  async runAppTerminateHooks(): Promise<void> {
    for (const hook of this.registry.hooks.appTerminate) {
      await hook({ hookData: this.appHookData, appHookData: this.appHookData });
    }
  }

  /** Returns the worker's response; a handler error is rethrown as it was thrown. */
  async invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<RpcInvocationResponse> {
    const pm = this.registry.programmingModel;
    if (!pm)
      throw new Error('The app did not load @azure/functions: no programming model was set.');
    const invocationId = randomUUID();
    const coreCtx = {
      invocationId,
      request: {
        invocationId,
        functionId: fn.name,
        inputData: request.inputData,
        triggerMetadata: request.triggerMetadata ?? {},
      },
      metadata: { name: fn.name, bindings: fn.bindings },
      state: undefined as string | undefined,
      log: (level: string, category: string, message: string) => {
        if (category === 'system' && level !== 'error' && level !== 'warning') return;
        this.log(level, `[${fn.name}] ${message}`);
      },
    };
    const model = pm.getInvocationModel(coreCtx);
    const { context, inputs } = await model.getArguments();
    const hookData: Record<string, unknown> = {};
    const pre = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      functionCallback: fn.callback,
      inputs,
    };
    coreCtx.state = 'preInvocationHooks';
    for (const hook of this.registry.hooks.preInvocation) await hook(pre);
    coreCtx.state = 'invocation';
    let result: unknown;
    let error: unknown;
    try {
      result = await model.invokeFunction(context, pre.inputs, pre.functionCallback);
    } catch (err) {
      error = err;
    }
    coreCtx.state = 'postInvocationHooks';
    const post = {
      hookData,
      appHookData: this.appHookData,
      invocationContext: context,
      inputs: pre.inputs,
      result,
      error,
    };
    for (const hook of this.registry.hooks.postInvocation) await hook(post);
    coreCtx.state = undefined;
    // Rethrow exactly what the handler threw: the caller reports it as the function's failure.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (post.error !== undefined) throw post.error;
    return model.getResponse(context, post.result);
  }
}

export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.json !== undefined) return JSON.parse(data.json) as unknown;
  if (data.string !== undefined) {
    try {
      return JSON.parse(data.string) as unknown;
    } catch {
      return data.string;
    }
  }
  if (data.bytes !== undefined) return Buffer.from(data.bytes);
  if (data.int !== undefined) return data.int;
  if (data.double !== undefined) return data.double;
  return undefined;
}

export function jsonData(value: unknown): RpcTypedData {
  return { json: JSON.stringify(value) };
}
