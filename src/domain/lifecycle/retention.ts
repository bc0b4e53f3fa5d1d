/**
 * History retention: which orchestration instances the purgeOldHistory timer may remove.
 * Pure, so the rule is tested without a task hub.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** Runtime statuses of a run that will never change again; only those are purged. */
export const PURGEABLE_STATUSES = ['Completed', 'Failed', 'Terminated'] as const;

/**
 * Instances created at or before this instant are old enough to purge; undefined when the
 * retention is 0 (keep everything).
 */
export function historyCutoff(now: Date, retentionDays: number): string | undefined {
  if (retentionDays <= 0) return undefined;
  return new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
}

export function isPurgeable(
  instance: { runtimeStatus: string; createdTime: string },
  cutoff: string,
): boolean {
  return (
    (PURGEABLE_STATUSES as readonly string[]).includes(instance.runtimeStatus) &&
    Date.parse(instance.createdTime) <= Date.parse(cutoff)
  );
}
