/**
 * Activity `saveReprocessedRecord`.
 *
 * Trigger: activity, called by reprocessImage with ACTIVITY_RETRY as its last step.
 * Input: SaveReprocessedRecordInput `{ imageId, change: ReprocessChange }`.
 * Output: `{ ok: true, value: { applied, version, status, error? } }`: the record's version and
 *   status after this reprocessing; or the permanent failure NOT_FOUND when the record is gone.
 * Idempotency key: the reprocessImage instance id (`change.instanceId`), kept in the record's
 *   `reprocessings`. A rerun finds it there and writes nothing (`applied: false`), so the same
 *   reprocessing never bumps the version or joins the history twice.
 * Retry policy: database errors throw and are retried.
 *
 * The change is applied to the record as stored now, not as the orchestrator loaded it, so a
 * part this reprocessing did not redo keeps any newer value.
 */
import type { InvocationContext } from '@azure/functions';
import { fail, succeed } from '../domain/outcome';
import {
  parseSaveReprocessedRecordInput,
  type SaveReprocessedRecordOutput,
} from '../domain/reprocess';
import { applyReprocessing } from '../domain/reprocess-apply';
import type { RecordStore } from '../ports/record-store';

export interface SaveReprocessedRecordDeps {
  records: Pick<RecordStore, 'get' | 'upsert'>;
  clock: () => Date;
}

export function createSaveReprocessedRecord(deps: SaveReprocessedRecordDeps) {
  return async (
    rawInput: unknown,
    context: InvocationContext,
  ): Promise<SaveReprocessedRecordOutput> => {
    const { imageId, change } = parseSaveReprocessedRecordInput(rawInput);
    const existing = await deps.records.get(imageId);
    if (existing === undefined) {
      return fail('NOT_FOUND', `Image "${imageId}" was deleted while it was reprocessed`);
    }
    const { applied, record, entry } = applyReprocessing(
      existing,
      change,
      deps.clock().toISOString(),
    );
    if (applied) await deps.records.upsert(record);
    else context.log(`saveReprocessedRecord: ${change.instanceId} already saved for ${imageId}`);
    return succeed({
      applied,
      version: entry.version,
      status: entry.status,
      ...(entry.error === undefined ? {} : { error: entry.error }),
    });
  };
}
