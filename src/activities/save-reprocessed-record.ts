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
} from '../domain/reprocess/reprocess';
import { applyReprocessing } from '../domain/reprocess/apply';
import { updateRecord } from '../adapters/update-record';
import type { ConditionalRecordStore } from '../ports/record-store';
import type { Reprocessing } from '../domain/record';

export interface SaveReprocessedRecordDeps {
  records: ConditionalRecordStore;
  clock: () => Date;
}

export function createSaveReprocessedRecord(deps: SaveReprocessedRecordDeps) {
  return async (
    rawInput: unknown,
    context: InvocationContext,
  ): Promise<SaveReprocessedRecordOutput> => {
    const { imageId, change } = parseSaveReprocessedRecordInput(rawInput);
    const at = deps.clock().toISOString();
    let outcome: { applied: boolean; entry: Reprocessing } | undefined;
    await updateRecord(deps.records, imageId, (existing) => {
      if (existing === undefined) {
        outcome = undefined;
        return undefined;
      }
      const { applied, record, entry } = applyReprocessing(existing, change, at);
      outcome = { applied, entry };
      return applied ? record : undefined;
    });
    if (outcome === undefined) {
      return fail('NOT_FOUND', `Image "${imageId}" was deleted while it was reprocessed`);
    }
    const { applied, entry } = outcome;
    if (!applied) {
      context.log(`saveReprocessedRecord: ${change.instanceId} already saved for ${imageId}`);
    }
    return succeed({
      applied,
      version: entry.version,
      status: entry.status,
      ...(entry.error === undefined ? {} : { error: entry.error }),
    });
  };
}
