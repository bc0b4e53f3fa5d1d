/**
 * `history <instanceId>`: a header with the instance, then one line per timeline entry with its
 * offset from the start of the run, duration, kind, name, attempt, status and what went wrong.
 */
import type { OrchestrationDetails, TimelineEntry } from './shapes';
import { renderTable } from './table';
import { cell, formatDuration, formatOffset, formatTime } from './units';

function detail(entry: TimelineEntry): string {
  if (entry.error !== undefined) return cell(`error: ${entry.error}`, 100);
  const parts: string[] = [];
  if (entry.target !== undefined) parts.push(entry.target);
  if (entry.kind === 'timer' || entry.kind === 'retryTimer') {
    if (entry.status === 'Pending') parts.push('waiting');
  }
  if (entry.input !== undefined) parts.push(`in ${entry.input}`);
  if (entry.output !== undefined) parts.push(`out ${entry.output}`);
  return cell(parts.join('  '), 100);
}

export function formatTimeline(details: OrchestrationDetails): string {
  const start = Date.parse(details.createdTime ?? '');
  const header = [
    `${details.instanceId ?? '?'}  ${details.name ?? '-'}  ${details.runtimeStatus ?? '-'}`,
    `created ${formatTime(details.createdTime)}   last update ${formatTime(details.lastUpdatedTime)}`,
  ];
  const entries = details.timeline ?? [];
  if (entries.length === 0) return [...header, '', 'No steps recorded yet.'].join('\n');
  const offset = (entry: TimelineEntry): number | null => {
    const at = Date.parse(entry.scheduledAt ?? entry.completedAt ?? '');
    return Number.isNaN(at) || Number.isNaN(start) ? null : at - start;
  };
  const table = renderTable(
    ['AT', 'DURATION', 'KIND', 'NAME', 'TRY', 'STATUS', 'DETAIL'],
    entries.map((entry) => [
      formatOffset(offset(entry)),
      formatDuration(entry.durationMs),
      entry.kind ?? '-',
      cell(entry.name, 40),
      entry.attempt === undefined ? '' : `#${entry.attempt}`,
      entry.status ?? '-',
      detail(entry),
    ]),
  );
  return [...header, '', table].join('\n');
}
