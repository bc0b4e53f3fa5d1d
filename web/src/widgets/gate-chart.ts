/**
 * A gate's calls and 429s over the last minutes as a small SVG bar chart (layout from
 * lib/gate-chart-layout.ts). The picture is one image with a summary for screen readers, and
 * each column's title gives its exact numbers on hover.
 */
import { h, s } from '../dom';
import { layoutGateChart, type MinuteCount } from '../lib/gate-chart-layout';

const WIDTH = 450;
const HEIGHT = 90;
const LEFT = 28;
const BOTTOM = 18;

export function gateChart(minutes: readonly MinuteCount[]): HTMLElement {
  const layout = layoutGateChart(minutes, WIDTH, HEIGHT);
  const summary =
    `Calls per minute over the last ${minutes.length} minutes: ${layout.totalCalls} calls, ` +
    `${layout.totalThrottled} refused with 429.`;
  const svg = s('svg', {
    viewBox: `0 0 ${LEFT + WIDTH + 4} ${HEIGHT + BOTTOM + 6}`,
    class: 'gate-chart',
    role: 'img',
    'aria-label': summary,
  });
  for (const line of layout.gridlines) {
    svg.append(
      s('line', { x1: LEFT, x2: LEFT + WIDTH, y1: line.y + 4, y2: line.y + 4, class: 'grid' }),
      s('text', { x: LEFT - 4, y: line.y + 8, class: 'axis', 'text-anchor': 'end' }, line.value),
    );
  }
  layout.bars.forEach((bar, i) => {
    const m = bar.minute;
    const g = s('g', {}, s('title', {}, `${bar.label}: ${m.calls} calls, ${m.throttled} 429s`));
    if (bar.otherHeight > 0)
      g.append(
        s('rect', {
          x: LEFT + bar.x,
          y: bar.otherY + 4,
          width: bar.width,
          height: bar.otherHeight,
          class: 'calls',
        }),
      );
    if (bar.throttledHeight > 0)
      g.append(
        s('rect', {
          x: LEFT + bar.x,
          y: bar.throttledY + 4,
          width: bar.width,
          height: bar.throttledHeight,
          class: 'throttled',
        }),
      );
    // Every fifth minute and the current one get a time under the axis.
    if (i % 5 === 0 || i === layout.bars.length - 1)
      g.append(
        s(
          'text',
          {
            x: LEFT + bar.x + bar.width / 2,
            y: HEIGHT + BOTTOM,
            class: 'axis',
            'text-anchor': 'middle',
          },
          bar.label,
        ),
      );
    svg.append(g);
  });
  return h(
    'figure',
    { class: 'gate-figure' },
    svg,
    h(
      'figcaption',
      {},
      h('span', { class: 'key calls' }, 'calls'),
      ' ',
      h('span', { class: 'key throttled' }, '429s'),
      ` per minute, UTC: ${layout.totalCalls} calls and ${layout.totalThrottled} 429s in ${minutes.length} minutes`,
    ),
  );
}
