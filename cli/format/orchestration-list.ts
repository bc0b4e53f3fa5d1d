/** `orchestrations`: one row per instance, with how long it ran (or has been running). */
import type { OrchestrationItem, Page } from './shapes';
import { renderTable } from './table';
import { formatDuration, formatTime } from './units';

function ran(item: OrchestrationItem): string {
  const from = Date.parse(item.createdTime ?? '');
  const to = Date.parse(item.lastUpdatedTime ?? '');
  return Number.isNaN(from) || Number.isNaN(to) ? '-' : formatDuration(to - from);
}

export function formatOrchestrationList(page: Page<OrchestrationItem>): string {
  const items = page.items ?? [];
  if (items.length === 0) return 'No orchestration instances.';
  return renderTable(
    ['INSTANCE', 'NAME', 'STATUS', 'CREATED', 'LAST UPDATE', 'RAN'],
    items.map((item) => [
      item.instanceId ?? '?',
      item.name ?? '-',
      item.runtimeStatus ?? '-',
      formatTime(item.createdTime),
      formatTime(item.lastUpdatedTime),
      ran(item),
    ]),
  );
}
