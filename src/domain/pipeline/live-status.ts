/**
 * Merges an orchestration's live state into a stored record that is not finished yet. The stored
 * record is only rewritten at a few points; between them the orchestration's custom status is the
 * freshest truth about each step.
 */
import { isErrorCode, shortMessage } from '../errors';
import { type ImageRecord, isFinished, isImageStatus } from '../record';
import { stepsFromCustomStatus } from './steps';
import { isObject } from './validate';

export interface LiveStatus {
  runtimeStatus: string;
  customStatus: unknown;
  output: unknown;
}

const ACTIVE = new Set(['Pending', 'Running', 'Suspended', 'ContinuedAsNew']);

export function mergeLiveStatus(record: ImageRecord, live: LiveStatus | undefined): ImageRecord {
  if (live === undefined || isFinished(record.status)) return record;
  const orchestration = { ...record.orchestration, runtimeStatus: live.runtimeStatus };
  const steps = stepsFromCustomStatus(live.customStatus) ?? record.steps;

  if (ACTIVE.has(live.runtimeStatus)) {
    const status =
      record.status === 'Accepted' && live.runtimeStatus === 'Running'
        ? 'Processing'
        : record.status;
    return { ...record, status, steps, orchestration };
  }
  if (live.runtimeStatus === 'Completed') {
    // The final save happened after our read; report what the run returned.
    const output = isObject(live.output) ? live.output : {};
    const status = isImageStatus(output.status) ? output.status : record.status;
    const merged: ImageRecord = { ...record, status, steps, orchestration };
    if (isObject(output.error) && isErrorCode(output.error.code)) {
      const message = typeof output.error.message === 'string' ? output.error.message : '';
      merged.error = { code: output.error.code, message };
    }
    return merged;
  }
  const terminated = live.runtimeStatus === 'Terminated' || live.runtimeStatus === 'Canceled';
  return {
    ...record,
    status: 'Failed',
    steps,
    orchestration,
    error: terminated
      ? { code: 'PROCESSING_TERMINATED', message: 'Processing was stopped before it finished' }
      : {
          code: 'PROCESSING_FAILED',
          message: shortMessage(live.output, 'Processing failed'),
        },
  };
}
