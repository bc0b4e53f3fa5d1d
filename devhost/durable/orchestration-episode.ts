/**
 * One orchestration episode: feed the SDK the recorded history plus a batch of new messages, then
 * turn what it answers into new history, activity work items, timers and outgoing messages.
 * Pure apart from the `invoke` callback, so it can be tested without storage.
 */
import {
  ActionType,
  actionSignature,
  decodeProcessedInput,
  encodeRawInput,
  flattenActions,
  idsConsumed,
  retryDelayMs,
  type SdkAction,
} from './actions';
import { EventType, failureMessage, type FailureDetails, type HistoryEvent } from './history';
import { deterministicId } from './inbox';
import type { Message, StoredMessage } from './messages';
import type { OrchestrationState, RetryState } from './orchestration-state';

/** What the SDK's orchestrator handler produced: its state, or the state carried by its error. */
export interface SdkOrchestratorState {
  isDone: boolean;
  actions: unknown;
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  /** PascalCase on the wire (toFailureDetailsPayload); camelCase accepted too. */
  failureDetails?: Record<string, unknown>;
}

export type SdkOutcome =
  | { ok: true; state: SdkOrchestratorState }
  | { ok: false; state?: SdkOrchestratorState; error: string };

export interface OutboundMessage {
  target: string;
  message: Message;
  /** Stable id, so a step re-run after a crash re-sends the same message. */
  id: string;
}

export interface EpisodeEffects {
  activities: { taskId: number; name: string; input?: string; attempt: number }[];
  timers: { timerId: number; fireAt: string }[];
  /** Messages to this same instance (e.g. the new execution after continue-as-new). */
  selfMessages: { message: Message; visibleAt: number; id: string }[];
  outbound: OutboundMessage[];
}

/**
 * Trigger payload fields the extension sends; durations make createTimer work under schema V3.
 * Schema V4 only adds entity locks: declaring it lets `context.df.lock` produce its action, which
 * the engine refuses with its own message, instead of the SDK telling users to upgrade a .NET
 * package that devhost does not have.
 */
export const ORCHESTRATION_TRIGGER_DEFAULTS = {
  upperSchemaVersion: 1,
  upperSchemaVersionNew: 3,
  longRunningTimerIntervalDuration: '3.00:00:00',
  // Huge, so the SDK never splits a timer: the task hub stores any fire time as it is.
  maximumShortTimerDuration: '36500.00:00:00',
  defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
};

export function isRetryEvent(state: OrchestrationState, message: Message): boolean {
  switch (message.kind) {
    case 'TaskFailed':
    case 'SubOrchestrationFailed':
      return state.retries[String(message.taskId)]?.phase === 'running';
    case 'TimerFired':
      return state.retries[String(message.timerId)]?.phase === 'waiting';
    default:
      return false;
  }
}

export function messageToEvent(message: Message, timestamp: string): HistoryEvent | undefined {
  const base = { EventId: -1, IsPlayed: false, Timestamp: timestamp };
  switch (message.kind) {
    case 'ExecutionStarted':
      return {
        ...base,
        EventType: EventType.ExecutionStarted,
        Name: message.name,
        Input: message.input,
        Version: message.version ?? '',
        ...(message.parent
          ? {
              ParentInstance: {
                InstanceId: message.parent.instanceId,
                TaskScheduledId: message.parent.taskId,
              },
            }
          : {}),
      };
    case 'TaskCompleted':
    case 'SubOrchestrationCompleted':
      return {
        ...base,
        EventType:
          message.kind === 'TaskCompleted'
            ? EventType.TaskCompleted
            : EventType.SubOrchestrationInstanceCompleted,
        TaskScheduledId: message.taskId,
        Result: message.result ?? 'null',
      };
    case 'TaskFailed':
    case 'SubOrchestrationFailed':
      return failureEvent(
        base,
        message.kind === 'TaskFailed'
          ? EventType.TaskFailed
          : EventType.SubOrchestrationInstanceFailed,
        message.taskId,
        message.reason,
        message.details,
      );
    case 'TimerFired':
      return {
        ...base,
        EventType: EventType.TimerFired,
        TimerId: message.timerId,
        FireAt: message.fireAt,
      };
    case 'EventRaised':
      return {
        ...base,
        EventType: EventType.EventRaised,
        Name: message.name,
        Input: message.input,
      };
    default:
      return undefined;
  }
}

function failureEvent(
  base: { EventId: number; IsPlayed: boolean; Timestamp: string },
  type: EventType,
  taskId: number,
  reason: string,
  details: FailureDetails | undefined,
): HistoryEvent {
  return {
    ...base,
    EventType: type,
    TaskScheduledId: taskId,
    Reason: reason,
    Details: details?.StackTrace ?? '',
    ...(details ? { FailureDetails: details } : {}),
  };
}

export interface EpisodeResult {
  events: HistoryEvent[];
  effects: EpisodeEffects;
  outcome:
    | { kind: 'running' }
    | { kind: 'completed'; output: string }
    | { kind: 'failed'; message: string; details?: FailureDetails }
    | { kind: 'continuedAsNew'; input?: string };
  customStatus?: string;
}

/**
 * Runs one episode. Mutates `state` (history, ids, actions, retries) to what it will be once the
 * returned effects are committed; the caller persists both together.
 */
export async function runEpisode(
  state: OrchestrationState,
  batch: StoredMessage[],
  now: Date,
  invoke: (payload: unknown) => Promise<SdkOutcome>,
): Promise<EpisodeResult> {
  const timestamp = now.toISOString();
  const started: HistoryEvent = {
    EventType: EventType.OrchestratorStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
  };
  const newEvents: HistoryEvent[] = [started];
  for (const msg of batch) {
    const event = messageToEvent(msg.body, timestamp);
    if (event) newEvents.push({ ...event, MessageId: msg.id });
  }
  const replayed = state.history.map((e) => ({ ...e, IsPlayed: true }));
  const payload = {
    history: [...replayed, ...newEvents],
    input: state.input === undefined ? undefined : (JSON.parse(state.input) as unknown),
    instanceId: state.instanceId,
    isReplaying: replayed.length > 0,
    parentInstanceId: state.parent?.instanceId,
    ...ORCHESTRATION_TRIGGER_DEFAULTS,
  };

  const effects: EpisodeEffects = { activities: [], timers: [], selfMessages: [], outbound: [] };
  const sdk = await invoke(payload);
  const sdkState = sdk.state;
  const actionEvents: HistoryEvent[] = [];
  const end = (
    outcome: EpisodeResult['outcome'],
    events: HistoryEvent[] = actionEvents,
  ): EpisodeResult =>
    finish(state, newEvents, events, effects, timestamp, outcome, sdkState?.customStatus);

  // Ids the SDK took while applying a retry event come before any new user action.
  const retryEvent =
    batch.length === 1 && batch[0] && isRetryEvent(state, batch[0].body)
      ? batch[0].body
      : undefined;
  if (retryEvent) applyRetryEvent(state, retryEvent, now, actionEvents, effects);

  let nonDeterminism: string | undefined;
  let continueAsNewInput: string | undefined;
  let continued = false;
  if (sdkState) {
    const flat = flattenActions(sdkState.actions);
    nonDeterminism = findDivergence(state.actions, flat);
    if (!nonDeterminism) {
      for (const action of flat.slice(state.actions.length)) {
        if (action.actionType === ActionType.ContinueAsNew) {
          continued = true;
          continueAsNewInput = decodeProcessedInput(action.input);
          continue;
        }
        const unsupported = scheduleAction(state, action, now, actionEvents, effects);
        if (unsupported) {
          return end({ kind: 'failed', message: unsupported });
        }
        state.actions.push(actionSignature(action));
      }
    }
  }

  if (nonDeterminism) {
    return end({ kind: 'failed', message: nonDeterminism }, []);
  }
  if (!sdk.ok) {
    const details = sdkFailureDetails(sdkState?.failureDetails);
    const message = `Orchestrator function '${state.name}' failed: ${sdkState?.error ?? sdk.error}`;
    return end({ kind: 'failed', message, details });
  }
  if (sdkState?.isDone && continued) {
    return end({ kind: 'continuedAsNew', input: continueAsNewInput });
  }
  if (sdkState?.isDone) {
    const output = sdkState.output === undefined ? 'null' : JSON.stringify(sdkState.output);
    return end({ kind: 'completed', output });
  }
  return end({ kind: 'running' });
}

function finish(
  state: OrchestrationState,
  newEvents: HistoryEvent[],
  actionEvents: HistoryEvent[],
  effects: EpisodeEffects,
  timestamp: string,
  outcome: EpisodeResult['outcome'],
  customStatus: unknown,
): EpisodeResult {
  const events = [...newEvents, ...actionEvents];
  const base = { EventId: -1, IsPlayed: false, Timestamp: timestamp };
  if (outcome.kind === 'completed') {
    events.push({ ...base, EventType: EventType.ExecutionCompleted, Result: outcome.output });
  } else if (outcome.kind === 'failed') {
    events.push({
      ...base,
      EventType: EventType.ExecutionFailed,
      Reason: outcome.message,
      FailureDetails: outcome.details,
    });
  } else if (outcome.kind === 'continuedAsNew') {
    events.push({ ...base, EventType: EventType.ContinueAsNew, Input: outcome.input });
  }
  events.push({ ...base, EventType: EventType.OrchestratorCompleted });
  for (const e of events) {
    if (e.MessageId) state.consumed.add(e.MessageId);
  }
  state.history.push(...events.map((e) => ({ ...e, IsPlayed: true })));
  if (outcome.kind !== 'running') {
    // A finished execution runs nothing more of its own; messages to others still go out.
    effects.activities = [];
    effects.timers = [];
  }
  return {
    events,
    effects,
    outcome,
    customStatus:
      customStatus === undefined || customStatus === null
        ? undefined
        : JSON.stringify(customStatus),
  };
}

function findDivergence(recorded: string[], flat: SdkAction[]): string | undefined {
  for (let i = 0; i < recorded.length; i++) {
    const action = flat[i];
    const actual = action ? actionSignature(action) : '(nothing)';
    if (actual !== recorded[i]) {
      return (
        `Non-deterministic workflow detected: step ${i} was '${recorded[i]}' when first run ` +
        `but the replay produced '${actual}'. The orchestrator code must make the same calls ` +
        `in the same order on every replay.`
      );
    }
  }
  return undefined;
}

function nextTaskId(state: OrchestrationState, count = 1): number {
  const id = state.nextId;
  state.nextId += count;
  return id;
}

/** Returns an error message for actions this host cannot run. */
function scheduleAction(
  state: OrchestrationState,
  action: SdkAction,
  now: Date,
  events: HistoryEvent[],
  effects: EpisodeEffects,
): string | undefined {
  const timestamp = now.toISOString();
  const base = { IsPlayed: true, Timestamp: timestamp };
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry: {
      const id = nextTaskId(state);
      const name = action.functionName ?? '';
      const input = decodeProcessedInput(action.input);
      events.push({
        ...base,
        EventType: EventType.TaskScheduled,
        EventId: id,
        Name: name,
        Input: input,
      });
      effects.activities.push({ taskId: id, name, input, attempt: 1 });
      if (action.actionType === ActionType.CallActivityWithRetry && action.retryOptions) {
        state.retries[String(id)] = {
          kind: 'activity',
          name,
          input,
          options: action.retryOptions,
          attempt: 1,
          firstAttemptAt: now.getTime(),
          phase: 'running',
        };
      }
      return undefined;
    }
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry: {
      const id = nextTaskId(state);
      const name = action.functionName ?? '';
      const childId =
        action.instanceId || `${state.instanceId}:${id.toString(16).padStart(16, '0')}`;
      const input = encodeRawInput(action.input);
      events.push({
        ...base,
        EventType: EventType.SubOrchestrationInstanceCreated,
        EventId: id,
        Name: name,
        InstanceId: childId,
        Input: input,
        Version: action.version,
      });
      startChild(state, effects, childId, name, input, action.version, id);
      if (action.actionType === ActionType.CallSubOrchestratorWithRetry && action.retryOptions) {
        state.retries[String(id)] = {
          kind: 'subOrchestration',
          name,
          input,
          childId,
          version: action.version,
          options: action.retryOptions,
          attempt: 1,
          firstAttemptAt: now.getTime(),
          phase: 'running',
        };
      }
      return undefined;
    }
    case ActionType.CreateTimer: {
      const id = nextTaskId(state);
      const fireAt = new Date(action.fireAt ?? timestamp).toISOString();
      events.push({ ...base, EventType: EventType.TimerCreated, EventId: id, FireAt: fireAt });
      if (!action.isCanceled) effects.timers.push({ timerId: id, fireAt });
      return undefined;
    }
    case ActionType.CallEntity:
    case ActionType.SignalEntity: {
      const id = nextTaskId(state);
      const requestId = deterministicId(state.instanceId, state.executionId, 'request', id);
      const signal = action.actionType === ActionType.SignalEntity;
      const input = encodeRawInput(action.input);
      const target = action.instanceId ?? '';
      events.push({
        ...base,
        EventType: EventType.EventSent,
        EventId: id,
        Name: action.operation,
        InstanceId: target,
        Input: JSON.stringify({
          id: requestId,
          op: action.operation,
          signal,
          input,
          parent: state.instanceId,
        }),
      });
      effects.outbound.push({
        target,
        id: requestId,
        message: {
          kind: 'EntityOperation',
          id: requestId,
          operation: action.operation ?? '',
          input,
          signal,
          parent: signal ? undefined : state.instanceId,
        },
      });
      return undefined;
    }
    case ActionType.WaitForExternalEvent:
      return undefined;
    case ActionType.CallHttp:
      nextTaskId(state);
      return 'callHttp is not supported by devhost: call the endpoint from an activity instead.';
    case ActionType.LockEntities:
    case ActionType.ReleaseEntities:
      nextTaskId(state, idsConsumed(action));
      return (
        'Entity locks (context.df.lock) are not supported by devhost: make the update a single ' +
        'entity operation, or have one entity coordinate the others.'
      );
    default:
      nextTaskId(state, idsConsumed(action));
      return `Unknown action type ${String(action.actionType)}.`;
  }
}

function startChild(
  state: OrchestrationState,
  effects: EpisodeEffects,
  childId: string,
  name: string,
  input: string | undefined,
  version: string | undefined,
  taskId: number,
): void {
  effects.outbound.push({
    target: childId,
    id: deterministicId(state.instanceId, state.executionId, 'start', taskId),
    message: {
      kind: 'ExecutionStarted',
      name,
      input,
      version,
      parent: { instanceId: state.instanceId, executionId: state.executionId, taskId },
    },
  });
}

/**
 * The SDK's RetryableTask takes one id for the timer after every failed attempt (the last one
 * included) and one id for each re-attempt when that timer fires. Mirror it exactly.
 */
function applyRetryEvent(
  state: OrchestrationState,
  message: Message,
  now: Date,
  events: HistoryEvent[],
  effects: EpisodeEffects,
): void {
  const base = { IsPlayed: true, Timestamp: now.toISOString() };
  if (message.kind === 'TaskFailed' || message.kind === 'SubOrchestrationFailed') {
    const retry = state.retries[String(message.taskId)];
    if (!retry) return;
    delete state.retries[String(message.taskId)];
    const timerId = nextTaskId(state);
    const options = retry.options;
    const more = retry.attempt < options.maxNumberOfAttempts;
    const timeout = options.retryTimeoutInMilliseconds ?? 0;
    const nextDelay = more ? retryDelayMs(options, retry.attempt) : 0;
    const timedOut =
      retry.timedOut === true ||
      (timeout > 0 && now.getTime() + nextDelay - retry.firstAttemptAt > timeout);
    // Out of time, the attempts the SDK still counts on fail at once: no timer waits any more.
    const delay = timedOut ? 0 : nextDelay;
    const fireAt = new Date(now.getTime() + delay).toISOString();
    events.push({ ...base, EventType: EventType.TimerCreated, EventId: timerId, FireAt: fireAt });
    effects.timers.push({ timerId, fireAt });
    state.retries[String(timerId)] = {
      ...retry,
      phase: 'waiting',
      lastFailure: { reason: message.reason, details: message.details },
      ...(timedOut ? { timedOut: true } : {}),
    };
    return;
  }
  if (message.kind === 'TimerFired') {
    const retry = state.retries[String(message.timerId)];
    if (!retry) return;
    delete state.retries[String(message.timerId)];
    if (retry.attempt >= retry.options.maxNumberOfAttempts) return; // the SDK fails the task now
    const id = nextTaskId(state);
    const next: RetryState = { ...retry, attempt: retry.attempt + 1, phase: 'running' };
    state.retries[String(id)] = next;
    if (retry.timedOut) {
      // Out of time: the SDK still waits for this attempt, so answer it with the last failure.
      const failure = retry.lastFailure ?? { reason: 'Retry timeout expired.' };
      effects.selfMessages.push({
        visibleAt: now.getTime(),
        id: deterministicId(state.instanceId, state.executionId, 'timeout', id),
        message: {
          kind: retry.kind === 'activity' ? 'TaskFailed' : 'SubOrchestrationFailed',
          executionId: state.executionId,
          taskId: id,
          reason: failure.reason,
          details: failure.details,
        },
      });
      return;
    }
    if (retry.kind === 'activity') {
      events.push({
        ...base,
        EventType: EventType.TaskScheduled,
        EventId: id,
        Name: retry.name,
        Input: retry.input,
      });
      effects.activities.push({
        taskId: id,
        name: retry.name,
        input: retry.input,
        attempt: next.attempt,
      });
    } else {
      const childId = retry.childId ?? `${state.instanceId}:${id.toString(16).padStart(16, '0')}`;
      events.push({
        ...base,
        EventType: EventType.SubOrchestrationInstanceCreated,
        EventId: id,
        Name: retry.name,
        InstanceId: childId,
        Input: retry.input,
      });
      startChild(state, effects, childId, retry.name, retry.input, retry.version, id);
    }
  }
}

export function describeFailure(
  reason: string | undefined,
  details: FailureDetails | undefined,
): string {
  return failureMessage(reason, details);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The failure details the SDK attaches when an orchestrator fails on a task's error. */
export function sdkFailureDetails(
  raw: Record<string, unknown> | undefined,
): FailureDetails | undefined {
  if (!raw) return undefined;
  return {
    ErrorType: text(raw.ErrorType) ?? text(raw.errorType) ?? 'Error',
    ErrorMessage: text(raw.ErrorMessage) ?? text(raw.errorMessage) ?? '',
    StackTrace: text(raw.StackTrace) ?? text(raw.stackTrace),
  };
}
