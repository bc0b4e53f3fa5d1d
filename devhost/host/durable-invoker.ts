/**
 * Runs orchestrators, activities and entities through the real durable-functions handlers that
 * the app registered, with the trigger payloads the Durable extension sends.
 */
import type {
  ActivityOutcome,
  DurableInvoker,
  EntityBatchRequest,
  EntityBatchResult,
} from '../durable/invoker';
import { failureFromError } from '../durable/history';
import type { SdkOrchestratorState, SdkOutcome } from '../durable/orchestration-episode';
import type { Registry, RegisteredFunction, RpcTypedData } from './functions-core';
import { runWithReadableEntityErrors } from './entity-errors';
import { fromTypedData, type Invoker } from './invoke';

const TRIGGER_TYPES = {
  orchestration: 'orchestrationTrigger',
  activity: 'activityTrigger',
  entity: 'entityTrigger',
} as const;

const OUT_OF_PROC_MARKER = '$OutOfProcData$:';

export class FunctionsDurableInvoker implements DurableInvoker {
  constructor(
    private readonly registry: Registry,
    private readonly invoker: Invoker,
    private readonly clientInput: () => RpcTypedData,
  ) {}

  has(kind: keyof typeof TRIGGER_TYPES, name: string): boolean {
    return this.registry.functions.get(name)?.trigger.type === TRIGGER_TYPES[kind];
  }

  entityFunction(lowerCaseName: string): string | undefined {
    return this.registry
      .byTrigger('entityTrigger')
      .find((f) => f.name.toLowerCase() === lowerCaseName)?.name;
  }

  async runOrchestrator(name: string, payload: unknown): Promise<SdkOutcome> {
    const fn = this.fn(name);
    try {
      const response = await this.invoker.invoke(
        fn,
        this.request(fn, { string: JSON.stringify(payload) }),
      );
      return { ok: true, state: fromTypedData(response.returnValue) as SdkOrchestratorState };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const at = message.indexOf(OUT_OF_PROC_MARKER);
      if (at >= 0) {
        const state = JSON.parse(
          message.slice(at + OUT_OF_PROC_MARKER.length),
        ) as SdkOrchestratorState;
        return { ok: false, state, error: state.error ?? message };
      }
      return { ok: false, error: message };
    }
  }

  async runActivity(name: string, input: string | undefined): Promise<ActivityOutcome> {
    const fn = this.fn(name);
    try {
      const data: RpcTypedData = input === undefined ? { json: 'null' } : { json: input };
      const response = await this.invoker.invoke(fn, this.request(fn, data));
      const value = fromTypedData(response.returnValue);
      return { ok: true, result: value === undefined ? 'null' : JSON.stringify(value) };
    } catch (err) {
      const failure = failureFromError(err);
      return {
        ok: false,
        reason: `Activity function '${name}' failed: ${failure.reason}`,
        details: failure.details,
      };
    }
  }

  async runEntity(name: string, request: EntityBatchRequest): Promise<EntityBatchResult> {
    const fn = this.fn(name);
    const response = await runWithReadableEntityErrors(() =>
      this.invoker.invoke(fn, this.request(fn, { string: JSON.stringify(request) })),
    );
    return fromTypedData(response.returnValue) as EntityBatchResult;
  }

  private fn(name: string): RegisteredFunction {
    const fn = this.registry.functions.get(name);
    if (!fn) throw new Error(`The function '${name}' is not registered.`);
    return fn;
  }

  private request(
    fn: RegisteredFunction,
    trigger: RpcTypedData,
  ): { inputData: { name: string; data: RpcTypedData }[] } {
    return {
      inputData: [{ name: fn.triggerName, data: trigger }, ...clientInputs(fn, this.clientInput)],
    };
  }
}

/** The durableClient bindings a function declared, each given the client payload. */
export function clientInputs(
  fn: RegisteredFunction,
  payload: () => RpcTypedData,
): { name: string; data: RpcTypedData }[] {
  return Object.entries(fn.bindings)
    .filter(
      ([, b]) =>
        b.direction === 'in' && (b.type === 'durableClient' || b.type === 'orchestrationClient'),
    )
    .map(([name]) => ({ name, data: payload() }));
}
