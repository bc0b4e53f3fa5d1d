/**
 * Activity `findRecords`.
 *
 * Trigger: activity, called by reprocessBatch with ACTIVITY_RETRY, once per page while it
 *   collects the images of a batch.
 * Input: FindRecordsInput `{ filter: RecordFilter, limit, continuationToken? }`.
 * Output: FindRecordsOutput `{ ids, continuationToken }`: the matching ids of one page, oldest
 *   first by createdAt; `continuationToken` is null on the last page. A page may hold fewer ids
 *   than `limit` (even none) and still not be the last.
 * Idempotency key: none needed, it only reads.
 * Retry policy: database errors throw and are retried.
 */
import { type FindRecordsOutput, parseFindRecordsInput } from '../domain/reprocess/batch';
import type { RecordFinder } from '../ports/record-store';

export interface FindRecordsDeps {
  records: RecordFinder;
}

export function createFindRecords(deps: FindRecordsDeps) {
  return async (rawInput: unknown): Promise<FindRecordsOutput> => {
    const { filter, limit, continuationToken } = parseFindRecordsInput(rawInput);
    const page = await deps.records.find(filter, {
      limit,
      ...(continuationToken === undefined ? {} : { continuationToken }),
    });
    return { ids: page.items.map((ref) => ref.id), continuationToken: page.continuationToken };
  };
}
