/**
 * A read-modify-write of one record that cannot erase a concurrent write: the change is computed
 * from the stored version and written only if that version is still the stored one (ETag), else
 * it is computed again from the newer version. A batch reprocessing and the deferred-analysis
 * sweep saving the same image each keep the other's step this way, where two plain upserts would
 * let the later one drop the earlier one's change.
 *
 * Retry policy: up to `attempts` rounds (default 8) with a short jittered pause; past that the
 * error is thrown, so an activity's own retry takes over.
 */
import type { ImageRecord } from '../domain/record';
import type { ConditionalRecordStore } from '../ports/record-store';

/** The record to store given the stored one (undefined: none); undefined writes nothing. */
export type RecordChange = (existing: ImageRecord | undefined) => ImageRecord | undefined;

export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
}

export interface UpdateResult {
  /** What was written, or undefined when the change chose to write nothing. */
  written: ImageRecord | undefined;
  /** The stored record the change was computed from. */
  before: ImageRecord | undefined;
  /** How many times the change was computed (1 without a conflict). */
  rounds: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function updateRecord(
  store: ConditionalRecordStore,
  id: string,
  change: RecordChange,
  attempts = 8,
): Promise<UpdateResult> {
  for (let round = 1; round <= attempts; round++) {
    const stored = await store.read(id);
    const next = change(stored?.record);
    if (next === undefined) return { written: undefined, before: stored?.record, rounds: round };
    const won =
      stored === undefined
        ? await store.insertIfAbsent(next)
        : await store.replaceIf(next, stored.etag);
    if (won) return { written: next, before: stored?.record, rounds: round };
    // Spread competing writers apart so they do not collide again on the next round.
    await pause(5 + Math.floor(Math.random() * 20 * round));
  }
  throw new WriteConflictError(
    `Record ${id} kept changing under ${attempts} conditional writes; giving up for now`,
  );
}
