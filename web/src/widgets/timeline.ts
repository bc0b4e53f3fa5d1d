/**
 * The SVG timeline of one orchestration: one bar per activity attempt, retry wait, timer, entity
 * call and event (layout from lib/timeline-layout.ts), failures in red, running work to now.
 * Each bar is a button: activating it shows that entry's input, output and error below.
 */
import { h, s } from '../dom';
import { formatDuration, formatTime } from '../lib/format';
import { layoutTimeline, type TimelineEntry } from '../lib/timeline-layout';

/** Rows 26 px apart at full size: each bar, a button, keeps a 24 px target clear of the next. */
const ROW = 26;
const LABEL = 220;
const WIDTH = 640;

export function timeline(entries: readonly TimelineEntry[], nowMs: number): HTMLElement {
  const layout = layoutTimeline(entries, nowMs, WIDTH);
  const details = h('div', { class: 'entry-details', 'aria-live': 'polite' });
  const height = layout.bars.length * ROW + 24;
  const svg = s('svg', {
    viewBox: `0 0 ${LABEL + WIDTH + 10} ${height}`,
    width: '100%',
    role: 'group',
    'aria-label': `Timeline of ${layout.bars.length} history entries`,
    class: 'timeline',
  });
  for (const tick of layout.ticks) {
    svg.append(
      s('line', { x1: LABEL + tick.x, x2: LABEL + tick.x, y1: 0, y2: height - 14, class: 'tick' }),
      s('text', { x: LABEL + tick.x, y: height - 2, class: 'ticklabel' }, formatDuration(tick.ms)),
    );
  }
  for (const bar of layout.bars) {
    const y = bar.row * ROW;
    const e = bar.entry;
    const title = `${bar.label}: ${e.status}, ${formatDuration(e.durationMs ?? null)}${e.error ? ` — ${e.error}` : ''}`;
    const g = s(
      'g',
      {
        class: `bar ${bar.tone}${bar.open ? ' open' : ''}`,
        tabindex: 0,
        role: 'button',
        'aria-label': title,
      },
      s('title', {}, title),
      s(
        'text',
        { x: 0, y: y + 15, class: 'label' },
        bar.label.length > 30 ? `${bar.label.slice(0, 29)}…` : bar.label,
      ),
      s('rect', { x: LABEL + bar.x, y: y + 4, width: bar.width, height: ROW - 8, rx: 2 }),
    );
    const show = (): void => {
      details.replaceChildren(
        h('h3', {}, bar.label),
        h(
          'dl',
          {},
          h('dt', {}, 'Kind'),
          h('dd', {}, e.kind),
          h('dt', {}, 'Status'),
          h('dd', {}, e.status),
          h('dt', {}, 'Scheduled'),
          h('dd', {}, formatTime(e.scheduledAt)),
          h('dt', {}, 'Completed'),
          h('dd', {}, formatTime(e.completedAt)),
          h('dt', {}, 'Duration'),
          h('dd', {}, formatDuration(e.durationMs ?? null)),
          e.target ? h('dt', {}, 'Target') : null,
          e.target ? h('dd', {}, e.target) : null,
          e.input ? h('dt', {}, 'Input') : null,
          e.input ? h('dd', {}, h('code', {}, e.input)) : null,
          e.output ? h('dt', {}, 'Output') : null,
          e.output ? h('dd', {}, h('code', {}, e.output)) : null,
          e.error ? h('dt', {}, 'Error') : null,
          e.error ? h('dd', {}, e.error) : null,
        ),
      );
    };
    g.addEventListener('click', show);
    g.addEventListener('keydown', (ev) => {
      const key = ev.key;
      if (key === 'Enter' || key === ' ') {
        ev.preventDefault();
        show();
      }
    });
    svg.append(g);
  }
  return h(
    'figure',
    { class: 'timeline-figure' },
    svg,
    h('figcaption', {}, 'Select a bar to see its input, output and error.'),
    details,
  );
}
