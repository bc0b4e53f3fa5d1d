/**
 * Reconciliation of stalled records: what the reconcileStalledImages sweep does with a record
 * still Accepted or Processing long after its last change. Pure, so every case is tested
 * without storage or a task hub.
 */
import { instanceIdFor } from '../ids';
import { type LiveStatus, mergeLiveStatus } from '../pipeline/live-status';
import { type ImageRecord, isFinished } from '../record';

/** Runtime statuses of a run that is still going (or about to). */
const LIVE = new Set(['Pending', 'Running', 'Suspended', 'ContinuedAsNew']);

export function isLive(status: LiveStatus | undefined): boolean {
  return status !== undefined && LIVE.has(status.runtimeStatus);
}

/** What the sweep learned about one stalled record. */
export interface StalledFacts {
  record: ImageRecord;
  /** The image was deleted: its cascade owns it. */
  tombstoned: boolean;
  /** The uploaded blob's ETag, or undefined when the blob is gone. */
  sourceEtag: string | undefined;
  /**
   * The run the upload event would start (source present), or the run the record names (source
   * gone); undefined when no such instance exists.
   */
  run: LiveStatus | undefined;
  now: Date;
  /** How long an upload URL stays usable: until then a missing blob may still arrive. */
  uploadUrlTtlSeconds: number;
}

export type ReconcileAction =
  /** Nothing to do (deleted, a run is going on, or the bytes may still come). */
  | { kind: 'leave'; why: string }
  /** Start the upload's run, under the id the blob trigger uses. */
  | { kind: 'start'; instanceId: string }
  /** The run ended without saving: store what reads already show. */
  | { kind: 'settle'; record: ImageRecord }
  /** The bytes are gone and nothing will process them: Failed, SOURCE_LOST. */
  | { kind: 'lost' };

/** The instance id the blob trigger starts for the stored blob version. */
export function runIdFor(imageId: string, sourceEtag: string): string {
  return instanceIdFor(imageId, sourceEtag);
}

export function decideReconcile(facts: StalledFacts): ReconcileAction {
  const { record, run } = facts;
  if (facts.tombstoned) return { kind: 'leave', why: 'deleted' };
  if (isFinished(record.status)) return { kind: 'leave', why: 'finished meanwhile' };
  if (isLive(run)) return { kind: 'leave', why: 'a run is going on' };
  if (facts.sourceEtag !== undefined) {
    if (run === undefined) {
      return { kind: 'start', instanceId: runIdFor(record.id, facts.sourceEtag) };
    }
    // The run ended (failed, terminated, or finished without its save landing): reads already
    // show its outcome; the stored record is brought in line rather than the run redone.
    const settled = mergeLiveStatus(record, run);
    return isFinished(settled.status)
      ? { kind: 'settle', record: settled }
      : { kind: 'leave', why: `run ${run.runtimeStatus}` };
  }
  const handedOutUrl = record.status === 'Accepted' && record.orchestration.instanceId === null;
  const urlExpiresAt = Date.parse(record.createdAt) + facts.uploadUrlTtlSeconds * 1000;
  if (handedOutUrl && facts.now.getTime() <= urlExpiresAt) {
    return { kind: 'leave', why: 'its upload URL can still be used' };
  }
  return { kind: 'lost' };
}

/** The record of an image whose bytes are gone before any run could finish it. */
export function lostRecord(record: ImageRecord, at: string): ImageRecord {
  return {
    ...record,
    status: 'Failed',
    updatedAt: at,
    error: {
      code: 'SOURCE_LOST',
      message: 'The uploaded file is gone and no processing of it is going on',
    },
  };
}
