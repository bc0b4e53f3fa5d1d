/**
 * One page of `GET /api/ops/orchestrations`, newest first across the whole result, not just
 * within the page.
 *
 * The durable-functions client can filter by runtime status and creation time but cannot page,
 * sort, or filter by name or id prefix: `getStatusBy` follows every continuation token and
 * returns all matches. So the backend applies what it can (narrowed to instances no newer than
 * the cursor), and the rest happens here: exact filters, one global order (creation time
 * descending, then instance id descending), and a page that is short only when it is the last.
 */
import type { InstanceCursor } from './cursor';
import type { OrchestrationInstance, RuntimeStatus } from './instance';
import type { OrchestrationQuery } from './query';

/** What the task hub filters on itself. */
export interface InstanceFilter {
  runtimeStatus?: RuntimeStatus[];
  createdFrom?: string;
  createdTo?: string;
}

export interface InstancePage {
  items: OrchestrationInstance[];
  /** Where the next page starts; undefined on the last page. */
  next?: InstanceCursor;
}

export function backendFilter(query: OrchestrationQuery): InstanceFilter {
  const filter: InstanceFilter = {};
  if (query.runtimeStatus !== undefined) filter.runtimeStatus = query.runtimeStatus;
  if (query.createdFrom !== undefined) filter.createdFrom = query.createdFrom;
  let createdTo = query.createdTo;
  if (query.after !== undefined) {
    // One millisecond of slack: backends differ on whether the bound is inclusive, and ties on
    // the cursor's own millisecond are resolved below by instance id.
    const bound = new Date(query.after.createdMs + 1).toISOString();
    if (createdTo === undefined || bound < createdTo) createdTo = bound;
  }
  if (createdTo !== undefined) filter.createdTo = createdTo;
  return filter;
}

/** Negative when `a` comes first: newer first, then the greater id first. */
function compare(aMs: number, aId: string, bMs: number, bId: string): number {
  if (aMs !== bMs) return bMs - aMs;
  if (aId === bId) return 0;
  return aId > bId ? -1 : 1;
}

function matches(instance: OrchestrationInstance, query: OrchestrationQuery): boolean {
  const { createdTime } = instance;
  if (query.runtimeStatus !== undefined) {
    if (!(query.runtimeStatus as readonly string[]).includes(instance.runtimeStatus)) return false;
  }
  if (query.createdFrom !== undefined && createdTime < query.createdFrom) return false;
  if (query.createdTo !== undefined && createdTime > query.createdTo) return false;
  if (query.name !== undefined && instance.name.toLowerCase() !== query.name.toLowerCase()) {
    return false;
  }
  if (
    query.instanceIdPrefix !== undefined &&
    !instance.instanceId.startsWith(query.instanceIdPrefix)
  ) {
    return false;
  }
  const after = query.after;
  if (after !== undefined) {
    const ms = Date.parse(createdTime);
    return compare(ms, instance.instanceId, after.createdMs, after.instanceId) > 0;
  }
  return true;
}

export function pageInstances(
  instances: readonly OrchestrationInstance[],
  query: OrchestrationQuery,
): InstancePage {
  const sorted = instances
    .filter((instance) => matches(instance, query))
    .map((instance) => ({ instance, ms: Date.parse(instance.createdTime) }))
    .sort((a, b) => compare(a.ms, a.instance.instanceId, b.ms, b.instance.instanceId));
  const page = sorted.slice(0, query.limit);
  const last = page[page.length - 1];
  if (sorted.length <= query.limit || last === undefined) {
    return { items: page.map((entry) => entry.instance) };
  }
  return {
    items: page.map((entry) => entry.instance),
    next: { createdMs: last.ms, instanceId: last.instance.instanceId },
  };
}
