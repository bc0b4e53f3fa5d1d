/**
 * The SDK returns every action since the start of the execution, nested for Task.all/any. The
 * backend flattens them depth-first (the order the SDK assigns task ids in), compares the prefix
 * it has already recorded, and turns the new tail into history and messages.
 */
export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface SdkAction {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  version?: string;
  operation?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  retryOptions?: {
    firstRetryIntervalInMilliseconds: number;
    maxNumberOfAttempts: number;
    backoffCoefficient?: number;
    maxRetryIntervalInMilliseconds?: number;
    retryTimeoutInMilliseconds?: number;
  };
  lockSet?: unknown[];
  compoundActions?: SdkAction[];
}

export function flattenActions(actions: unknown): SdkAction[] {
  const out: SdkAction[] = [];
  const visit = (action: SdkAction): void => {
    if (action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny) {
      for (const child of action.compoundActions ?? []) visit(child);
      return;
    }
    out.push(action);
  };
  if (Array.isArray(actions)) {
    for (const group of actions as unknown[]) {
      if (Array.isArray(group)) for (const a of group as SdkAction[]) visit(a);
      else if (group && typeof group === 'object') visit(group as SdkAction);
    }
  }
  return out;
}

/** What must stay the same on replay: the kind of step and what it targets. */
export function actionSignature(action: SdkAction): string {
  const type = ActionType[action.actionType] ?? String(action.actionType);
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return `${type}:${action.functionName ?? ''}`;
    case ActionType.CallEntity:
    case ActionType.SignalEntity:
      return `${type}:${action.instanceId ?? ''}:${action.operation ?? ''}`;
    case ActionType.WaitForExternalEvent:
      return `${type}:${action.externalEventName ?? ''}`;
    default:
      return type;
  }
}

/** Task ids an action consumes, as `trackOpenTask` / `recordFireAndForgetAction` count them. */
export function idsConsumed(action: SdkAction): number {
  switch (action.actionType) {
    case ActionType.ContinueAsNew:
    case ActionType.WaitForExternalEvent:
      return 0;
    case ActionType.ReleaseEntities:
      return Array.isArray(action.lockSet) ? action.lockSet.length : 0;
    default:
      return 1;
  }
}

/** Activity and continue-as-new inputs arrive JSON-encoded when they were strings (processInput). */
export function decodeProcessedInput(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'string') {
    try {
      JSON.parse(input);
      return input;
    } catch {
      return JSON.stringify(input);
    }
  }
  return JSON.stringify(input);
}

/** Sub-orchestration and entity inputs are raw values. */
export function encodeRawInput(input: unknown): string | undefined {
  return input === undefined ? undefined : JSON.stringify(input);
}

/** The delay before the next attempt, as DTFx computes it. */
export function retryDelayMs(
  options: NonNullable<SdkAction['retryOptions']>,
  attemptsMade: number,
): number {
  const backoff = options.backoffCoefficient ?? 1;
  let delay = options.firstRetryIntervalInMilliseconds * Math.pow(backoff, attemptsMade - 1);
  if (options.maxRetryIntervalInMilliseconds && options.maxRetryIntervalInMilliseconds > 0) {
    delay = Math.min(delay, options.maxRetryIntervalInMilliseconds);
  }
  return Math.max(0, delay);
}
