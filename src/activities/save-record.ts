/**
 * Activity `saveRecord`.
 *
 * Trigger: activity, called by processImage with ACTIVITY_RETRY: once with a Processing record
 *   after inspection and once with the final record.
 * Input: SaveRecordInput `{ record: ImageRecord }`.
 * Output: `{ saved: boolean }`; false when the write was skipped because the same run already
 *   stored a finished record (a late duplicate delivery).
 * Idempotency key: the record id (partition `/id`). A rerun writes the same document again; the
 *   first `createdAt` and source facts from the upload are kept.
 * Retry policy: database errors throw and are retried. The write is conditional on the ETag of
 *   the version it was merged with, and merged again if another write came first.
 */
import type { InvocationContext } from '@azure/functions';
import { mergeForSave } from '../domain/record';
import { parseSaveRecordInput, type SaveRecordOutput } from '../domain/pipeline/pipeline';
import { updateRecord } from '../adapters/update-record';
import type { ConditionalRecordStore } from '../ports/record-store';

export interface SaveRecordDeps {
  records: ConditionalRecordStore;
  clock: () => Date;
}

export function createSaveRecord(deps: SaveRecordDeps) {
  return async (rawInput: unknown, context: InvocationContext): Promise<SaveRecordOutput> => {
    const { record } = parseSaveRecordInput(rawInput);
    const next = { ...record, updatedAt: deps.clock().toISOString() };
    const { written } = await updateRecord(deps.records, record.id, (existing) =>
      mergeForSave(existing, next),
    );
    if (written === undefined) {
      context.log(`saveRecord: ${record.id} already finished by this run; not moving it back`);
      return { saved: false };
    }
    return { saved: true };
  };
}
