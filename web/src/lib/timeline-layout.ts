/**
 * Lays out an orchestration's history timeline as bars: one row per entry, x from its start,
 * width from its duration with a minimum so a 3 ms activity stays visible and clickable next to
 * a 30 s one, running work drawn to `now`. Pure: the SVG widget only draws the result.
 */
export interface TimelineEntry {
  kind: string;
  name: string;
  attempt?: number;
  scheduledAt: string | null;
  completedAt: string | null;
  durationMs?: number | null;
  status: string;
  target?: string;
  fireAt?: string;
  input?: string;
  output?: string;
  error?: string;
}

export interface Bar {
  index: number;
  row: number;
  x: number;
  width: number;
  /** Still running: drawn to now. */
  open: boolean;
  tone: 'ok' | 'failed' | 'pending' | 'wait' | 'canceled';
  label: string;
  entry: TimelineEntry;
}

export interface Layout {
  bars: Bar[];
  startMs: number;
  endMs: number;
  width: number;
  /** Tick positions with their offset from the start, for the axis. */
  ticks: { x: number; ms: number }[];
}

export const MIN_BAR_PX = 4;

function toneOf(entry: TimelineEntry): Bar['tone'] {
  if (entry.status === 'Failed') return 'failed';
  if (entry.status === 'Canceled') return 'canceled';
  if (entry.status === 'Pending') return 'pending';
  if (entry.kind === 'retryTimer' || entry.kind === 'timer') return 'wait';
  return 'ok';
}

function labelOf(entry: TimelineEntry): string {
  const attempt = entry.attempt !== undefined && entry.attempt > 1 ? ` #${entry.attempt}` : '';
  if (entry.kind === 'retryTimer') return `retry wait ${entry.name}${attempt}`;
  if (entry.kind === 'timer') return 'timer';
  return `${entry.name}${attempt}`;
}

function niceStep(spanMs: number, maxTicks: number): number {
  const raw = spanMs / maxTicks;
  const steps = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000,
    300_000, 600_000, 1_800_000, 3_600_000,
  ];
  return steps.find((s) => s >= raw) ?? Math.ceil(raw / 3_600_000) * 3_600_000;
}

export function layoutTimeline(
  entries: readonly TimelineEntry[],
  nowMs: number,
  width: number,
  minBarPx = MIN_BAR_PX,
): Layout {
  const spans = entries.map((entry) => {
    const start = Date.parse(entry.scheduledAt ?? entry.completedAt ?? '');
    const endRaw = entry.completedAt === null ? Number.NaN : Date.parse(entry.completedAt);
    const open = Number.isNaN(endRaw) && entry.status === 'Pending';
    const end = Number.isNaN(endRaw) ? (open ? Math.max(nowMs, start) : start) : endRaw;
    return { start, end, open };
  });
  const valid = spans.filter((s) => !Number.isNaN(s.start));
  const startMs = valid.length > 0 ? Math.min(...valid.map((s) => s.start)) : nowMs;
  const endMs = Math.max(startMs + 1, ...valid.map((s) => s.end));
  const span = endMs - startMs;
  const scale = (width - minBarPx) / span;
  const bars: Bar[] = [];
  entries.forEach((entry, index) => {
    const s = spans[index]!;
    if (Number.isNaN(s.start)) return;
    const x = (s.start - startMs) * scale;
    bars.push({
      index,
      row: bars.length,
      x,
      width: Math.max(minBarPx, (s.end - s.start) * scale),
      open: s.open,
      tone: toneOf(entry),
      label: labelOf(entry),
      entry,
    });
  });
  const step = niceStep(span, 6);
  const ticks: Layout['ticks'] = [];
  for (let ms = 0; ms <= span; ms += step) ticks.push({ x: ms * scale, ms });
  return { bars, startMs, endMs, width, ticks };
}
