/**
 * Activity `loadRecord`.
 *
 * Trigger: activity, called by reprocessImage with ACTIVITY_RETRY before it redoes anything.
 * Input: LoadRecordInput `{ imageId }`.
 * Output: `{ ok: true, value: ImageRecord }`, or the permanent failure NOT_FOUND when no record
 *   has that id.
 * Idempotency key: none needed, it only reads.
 * Retry policy: database errors throw and are retried.
 */
import { fail, type Outcome, succeed } from '../domain/outcome';
import type { ImageRecord } from '../domain/record';
import { parseLoadRecordInput } from '../domain/reprocess/reprocess';
import type { RecordStore } from '../ports/record-store';

export interface LoadRecordDeps {
  records: Pick<RecordStore, 'get'>;
}

export function createLoadRecord(deps: LoadRecordDeps) {
  return async (rawInput: unknown): Promise<Outcome<ImageRecord>> => {
    const { imageId } = parseLoadRecordInput(rawInput);
    const record = await deps.records.get(imageId);
    return record === undefined
      ? fail('NOT_FOUND', `Image "${imageId}" was not found`)
      : succeed(record);
  };
}
