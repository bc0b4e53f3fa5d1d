/**
 * Progress of a reprocess batch: a bar redrawn in place on a terminal (plain ANSI: carriage
 * return and erase-line), a plain line per change elsewhere (logs, CI).
 */
import type { BatchProgress } from './shapes';

const ERASE_LINE = '\u001b[2K\r';
const BAR_WIDTH = 30;

function counts(p: BatchProgress): string {
  const done = (p.completed ?? 0) + (p.failed ?? 0);
  return `${done}/${p.total ?? '?'} done (${p.completed ?? 0} completed, ${p.failed ?? 0} failed, ${p.running ?? 0} running)`;
}

export function progressBar(p: BatchProgress, width = BAR_WIDTH): string {
  const total = p.total ?? 0;
  const done = (p.completed ?? 0) + (p.failed ?? 0);
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${counts(p)}`;
}

/** What to write to a terminal to replace the previous bar with this one. */
export function progressFrame(p: BatchProgress): string {
  return `${ERASE_LINE}${progressBar(p)}`;
}

export function progressLine(p: BatchProgress): string {
  return `${p.status ?? 'Running'}: ${counts(p)}`;
}
