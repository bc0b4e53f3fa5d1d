/**
 * Activity `saveRecord`.
 *
 * Trigger: activity, called by processImage with ACTIVITY_RETRY: once with a Processing record
 *   after inspection and once with the final record.
 * Input: SaveRecordInput `{ record: ImageRecord }`.
 * Output: `{ saved: boolean }`; false when the write was skipped because the same run already
 *   stored a finished record (a late duplicate delivery).
 * Idempotency key: the record id (Cosmos upsert on id, partition `/id`). A rerun writes the same
 *   document again; the first `createdAt` and source facts from the upload are kept.
 * Retry policy: database errors throw and are retried.
 */
import type { InvocationContext } from '@azure/functions';
import { mergeForSave } from '../domain/record';
import { parseSaveRecordInput, type SaveRecordOutput } from '../domain/pipeline';
import type { RecordStore } from '../ports/record-store';

export interface SaveRecordDeps {
  records: RecordStore;
  clock: () => Date;
}

export function createSaveRecord(deps: SaveRecordDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<SaveRecordOutput> => {
    const { record } = parseSaveRecordInput(rawInput);
    const existing = await deps.records.get(record.id);
    const merged = mergeForSave(existing, { ...record, updatedAt: deps.clock().toISOString() });
    if (merged === undefined) {
      context.log(`saveRecord: ${record.id} already finished by this run; not moving it back`);
      return { saved: false };
    }
    await deps.records.upsert(merged);
    return { saved: true };
  };
}
