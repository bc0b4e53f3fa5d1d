/**
 * The JSON an operator route returns for one instance. Output is shown only once the instance
 * has finished (before that it is whatever the last replay left, not a result), and custom
 * status only when the orchestration set one.
 */
import { isFinishedRuntimeStatus, type OrchestrationInstance } from './instance';

export interface InstanceView {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  input?: unknown;
  customStatus?: unknown;
  output?: unknown;
}

export function instanceView(
  instance: OrchestrationInstance,
  options: { input: boolean } = { input: false },
): InstanceView {
  const view: InstanceView = {
    instanceId: instance.instanceId,
    name: instance.name,
    runtimeStatus: instance.runtimeStatus,
    createdTime: instance.createdTime,
    lastUpdatedTime: instance.lastUpdatedTime,
  };
  if (options.input) view.input = instance.input;
  if (instance.customStatus !== null) view.customStatus = instance.customStatus;
  if (isFinishedRuntimeStatus(instance.runtimeStatus)) view.output = instance.output;
  return view;
}
