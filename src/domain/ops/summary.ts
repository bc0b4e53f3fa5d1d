/**
 * Short, safe renderings of payloads and failures for operators: bounded in length, first line
 * only for errors, never a stack trace.
 */
import { shortMessage } from '../errors';
import { parsedJson, text } from './history-events';
import { isObject } from '../pipeline/validate';

export const SUMMARY_CHARS = 200;

/** Compact JSON of a value, cut at SUMMARY_CHARS; undefined when there is nothing to show. */
export function summarize(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const json = JSON.stringify(parsedJson(value));
  if (json === undefined) return undefined;
  return json.length > SUMMARY_CHARS ? `${json.slice(0, SUMMARY_CHARS - 3)}...` : json;
}

/** The message of a TaskFailed / SubOrchestrationInstanceFailed / ExecutionFailed event. */
export function failureOf(event: Record<string, unknown>): string {
  const details = event.FailureDetails;
  const message = isObject(details) ? text(details.ErrorMessage) : undefined;
  return shortMessage(message ?? text(event.Reason) ?? 'Failed without a reason');
}
