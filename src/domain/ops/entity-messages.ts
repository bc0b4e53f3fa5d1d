/**
 * Entity calls and signals, and external events, read from history events.
 *
 * An orchestration talks to an entity by sending it a message (`EventSent` to `@name@key`); a
 * call's answer comes back as an `EventRaised` named after the request id, a signal gets no
 * answer. The Durable extension keeps the request (`Input`: id, op, signal) on `EventSent`, so
 * answers are matched exactly. devhost's history leaves the request out; then an answer (an
 * event whose name is a GUID) goes to the latest unanswered message before it, which is right
 * for calls awaited one at a time, and an unanswered message is a signal, unless the instance
 * is still running and nothing happened after it, when it is taken for a call still waiting.
 */
import { type HistoryItem, parsedJson, text } from './history-events';
import { summarize } from './summary';
import type { TimelineEntry } from './timeline-types';
import { isObject } from '../pipeline/validate';
import { shortMessage } from '../errors';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SentMessage {
  item: HistoryItem;
  target: string;
  operation: string;
  requestId?: string;
  signal?: boolean;
  input?: string;
  answer?: HistoryItem;
}

function readSent(item: HistoryItem): SentMessage {
  const request = parsedJson(item.event.Input);
  const name = text(item.event.Name) ?? '';
  const sent: SentMessage = {
    item,
    target: text(item.event.InstanceId) ?? '',
    // The extension names every entity message "op" and keeps the operation in the request.
    operation: (isObject(request) ? text(request.op) : undefined) ?? name,
  };
  if (isObject(request)) {
    const id = text(request.id);
    if (id !== undefined) sent.requestId = id;
    if (typeof request.signal === 'boolean') sent.signal = request.signal;
    const input = summarize(request.input);
    if (input !== undefined) sent.input = input;
  }
  return sent;
}

function isEntity(target: string): boolean {
  return target.startsWith('@');
}

/** `@counter@k1` → `counter@k1`. */
function entityName(target: string): string {
  return isEntity(target) ? target.slice(1) : target;
}

function entry(
  kind: TimelineEntry['kind'],
  name: string,
  from: HistoryItem | undefined,
  to: HistoryItem | undefined,
  status: TimelineEntry['status'],
): TimelineEntry {
  const scheduledAt = from?.at ?? null;
  const completedAt = to?.at ?? null;
  const durationMs =
    from?.ms !== undefined && to?.ms !== undefined ? Math.max(0, to.ms - from.ms) : null;
  return { kind, name, scheduledAt, completedAt, durationMs, status };
}

function answered(sent: SentMessage, answer: HistoryItem): TimelineEntry {
  const result = entry('entityCall', sent.operation, sent.item, answer, 'Completed');
  result.target = entityName(sent.target);
  if (sent.input !== undefined) result.input = sent.input;
  const response = parsedJson(answer.event.Input);
  if (isObject(response)) {
    const details = isObject(response.failureDetails) ? response.failureDetails : undefined;
    const exceptionType = text(response.exceptionType);
    if (exceptionType !== undefined || details !== undefined) {
      result.status = 'Failed';
      const message =
        text(details?.errorMessage) ?? text(parsedJson(response.result)) ?? exceptionType;
      result.error = shortMessage(message ?? 'Failed');
    } else {
      const output = summarize(response.result);
      if (output !== undefined) result.output = output;
    }
  }
  return result;
}

function unanswered(
  sent: SentMessage,
  items: readonly HistoryItem[],
  running: boolean,
): TimelineEntry {
  if (!isEntity(sent.target)) {
    const result = entry('eventSent', sent.operation, sent.item, sent.item, 'Completed');
    result.target = sent.target;
    if (sent.input !== undefined) result.input = sent.input;
    return result;
  }
  const trailing = items.every(
    (item) =>
      item.index <= sent.item.index || item.type === 'EventSent' || item.type === 'TimerCreated',
  );
  const pendingCall = sent.signal === false || (sent.signal === undefined && running && trailing);
  const result = pendingCall
    ? entry('entityCall', sent.operation, sent.item, undefined, running ? 'Pending' : 'Canceled')
    : entry('entitySignal', sent.operation, sent.item, sent.item, 'Completed');
  result.target = entityName(sent.target);
  if (sent.input !== undefined) result.input = sent.input;
  return result;
}

/** Timeline entries for entity messages and external events, each with its history index. */
export function readMessages(
  items: readonly HistoryItem[],
  running: boolean,
): { index: number; entry: TimelineEntry }[] {
  const sent: SentMessage[] = items.filter((item) => item.type === 'EventSent').map(readSent);
  const out: { index: number; entry: TimelineEntry }[] = [];
  for (const item of items) {
    if (item.type !== 'EventRaised') continue;
    const name = text(item.event.Name) ?? '';
    let request = sent.find(
      (message) => message.answer === undefined && message.requestId === name,
    );
    if (request === undefined && GUID.test(name)) {
      request = sent
        .filter(
          (message) =>
            message.answer === undefined &&
            message.requestId === undefined &&
            message.signal !== true &&
            isEntity(message.target) &&
            message.item.index < item.index,
        )
        .pop();
    }
    if (request !== undefined) {
      request.answer = item;
      continue;
    }
    const event = entry('externalEvent', name, undefined, item, 'Completed');
    const input = summarize(item.event.Input);
    if (input !== undefined) event.input = input;
    out.push({ index: item.index, entry: event });
  }
  for (const message of sent) {
    out.push({
      index: message.item.index,
      entry:
        message.answer === undefined
          ? unanswered(message, items, running)
          : answered(message, message.answer),
    });
  }
  return out;
}
