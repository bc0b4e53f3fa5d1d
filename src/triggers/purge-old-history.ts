/**
 * Timer trigger `purgeOldHistory`: schedule from `HISTORY_PURGE_SCHEDULE` (NCRONTAB; default
 * hourly, at minute 17), with a durable client input.
 *
 * Input: none (the timer's own payload is unused).
 * Output: none. With `HISTORY_RETENTION_DAYS` above 0: pages through the orchestration instances
 *   created before now minus the retention whose runtime status is Completed, Failed or
 *   Terminated (PAGE_SIZE at a time) and purges each one's state and history from the task hub.
 *   Running, pending and suspended instances and the entities (the Vision gates) are never
 *   touched, nor are image records: an image keeps its record, only the run's history goes.
 *   At most MAX_PAGES pages per run; a larger backlog continues at the next run.
 * Why by instance rather than one purge-by-filter call: a single call over a large backlog does
 *   all of it in one request and can outlast that request's timeout; pages keep each step small
 *   and let a stopped run resume where the query stands.
 * Idempotency key: the instance ids; an instance already purged counts zero.
 * Retry policy: none; the next run picks up whatever this one left. An error is logged and
 *   rethrown.
 */
import type { InvocationContext, Timer } from '@azure/functions';
import { historyCutoff, isPurgeable, PURGEABLE_STATUSES } from '../domain/lifecycle/retention';
import type { InstancePages } from '../ports/instance-pages';

const PAGE_SIZE = 100;
const MAX_PAGES = 20;

export interface PurgeOldHistoryDeps {
  retentionDays: number;
  pagesFor: (context: InvocationContext) => InstancePages;
  clock: () => Date;
}

export function createPurgeOldHistory(deps: PurgeOldHistoryDeps) {
  const sweep = async (context: InvocationContext, cutoff: string): Promise<number> => {
    const pages = deps.pagesFor(context);
    let purged = 0;
    let read = 0;
    let continuationToken: string | undefined;
    do {
      const page = await pages.page({
        createdTo: cutoff,
        runtimeStatus: [...PURGEABLE_STATUSES],
        top: PAGE_SIZE,
        ...(continuationToken === undefined ? {} : { continuationToken }),
      });
      read++;
      for (const ref of page.items) {
        // The backend applied the filter; checked again so no backend quirk purges a live run.
        if (isPurgeable(ref, cutoff) && (await pages.purge(ref.instanceId))) purged++;
      }
      continuationToken = page.continuationToken;
    } while (continuationToken !== undefined && read < MAX_PAGES);
    return purged;
  };

  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const cutoff = historyCutoff(deps.clock(), deps.retentionDays);
    if (cutoff === undefined) return;
    try {
      const purged = await sweep(context, cutoff);
      if (purged > 0)
        context.log(`purgeOldHistory: purged ${purged} run(s) created before ${cutoff}`);
    } catch (error) {
      context.error('purgeOldHistory: the sweep failed; the next run tries again', error);
      throw error;
    }
  };
}
