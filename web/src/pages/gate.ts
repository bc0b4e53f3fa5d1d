/**
 * The Vision gate panel: per endpoint the circuit, configured and granted rate, free tokens,
 * next slot, pause, failures, queue, counters and a chart of calls and 429s per minute,
 * refreshed every 5 s while open; reset behind a confirmation.
 */
import { describeError, functionKey, getJson, request } from '../api';
import { h, notice } from '../dom';
import { formatTime } from '../lib/format';
import type { MinuteCount } from '../lib/gate-chart-layout';
import { gateChart } from '../widgets/gate-chart';
import { keyForm } from '../widgets/key-form';

interface Gate {
  id: string;
  endpoint: string;
  circuit: string;
  configuredPerMinute: number;
  ratePerMinute: number;
  tokens: number;
  nextSlotAt: string | null;
  pausedUntil: string | null;
  openUntil: string | null;
  consecutiveFailures: number;
  queued: number;
  counters: Record<string, number>;
  /** Absent from a server older than the per-minute history. */
  minutes?: MinuteCount[];
}

function time(value: string | number | null): string {
  if (value === null) return '–';
  return formatTime(typeof value === 'number' ? new Date(value).toISOString() : value);
}

function gateCard(gate: Gate, reset: (id: string) => void): HTMLElement {
  const b = h('button', { type: 'button' }, `Reset ${gate.id}`);
  b.addEventListener('click', () => reset(gate.id));
  return h(
    'section',
    { class: `gate ${gate.circuit.toLowerCase()}`, 'aria-labelledby': `gate-${gate.id}` },
    h(
      'h2',
      { id: `gate-${gate.id}` },
      `${gate.id} `,
      h('span', { class: `status ${gate.circuit.toLowerCase()}` }, gate.circuit),
    ),
    h('p', {}, gate.endpoint),
    gate.minutes && gate.minutes.length > 0 ? gateChart(gate.minutes) : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Rate'),
      h(
        'dd',
        {},
        `${gate.ratePerMinute}/min granted of ${gate.configuredPerMinute}/min configured`,
      ),
      h('dt', {}, 'Free tokens'),
      h('dd', {}, String(Math.floor(gate.tokens))),
      h('dt', {}, 'Next slot'),
      h('dd', {}, time(gate.nextSlotAt)),
      h('dt', {}, 'Paused until'),
      h('dd', {}, time(gate.pausedUntil)),
      h('dt', {}, 'Circuit open until'),
      h('dd', {}, time(gate.openUntil)),
      h('dt', {}, 'Consecutive failures'),
      h('dd', {}, String(gate.consecutiveFailures)),
      h('dt', {}, 'Queued'),
      h('dd', {}, String(gate.queued)),
      ...Object.entries(gate.counters ?? {}).flatMap(([k, v]) => [
        h('dt', {}, k),
        h('dd', {}, String(v)),
      ]),
    ),
    b,
  );
}

export function gatePage(root: HTMLElement, rerender: () => void): () => void {
  let alive = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  root.replaceChildren(h('h1', {}, 'Vision gate'), keyForm(rerender));
  if (functionKey() === null) return () => undefined;
  const list = h('div', {}, notice('loading', 'Loading the gates…'));
  const result = h('div', { 'aria-live': 'polite' });
  root.append(result, list);

  const reset = (id: string): void => {
    if (!confirm(`Reset gate ${id}: close its circuit and clear its pause?`)) return;
    void (async () => {
      try {
        const res = await request('POST', `/api/ops/gate/${encodeURIComponent(id)}/reset`, {
          key: true,
        });
        result.replaceChildren(
          notice(
            'info',
            res.status === 200
              ? `Gate ${id} reset.`
              : `Reset of ${id} requested; it applies shortly.`,
          ),
        );
        void load();
      } catch (error) {
        result.replaceChildren(notice('error', `Could not reset ${id}: ${describeError(error)}`));
      }
    })();
  };

  async function load(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    try {
      const { gates } = await getJson<{ gates: Gate[] }>('/api/ops/gate', true);
      if (!alive) return;
      list.replaceChildren(
        ...(gates.length === 0
          ? [notice('empty', 'No Vision gates: the analyzer is not azure (set VISION_ENDPOINTS).')]
          : gates.map((g) => gateCard(g, reset))),
      );
    } catch (error) {
      if (alive)
        list.replaceChildren(notice('error', `Could not load the gates: ${describeError(error)}`));
    }
    if (alive) timer = setTimeout(() => void load(), 5000);
  }
  void load();
  return () => {
    alive = false;
    if (timer !== undefined) clearTimeout(timer);
  };
}
