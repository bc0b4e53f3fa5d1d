/**
 * One orchestration instance: status, the history timeline (SVG), input and output on demand,
 * and terminate / restart / purge, each behind a confirmation and shown only when the status
 * allows it (the API answers 409 otherwise, and that message is shown too).
 */
import { describeError, functionKey, getJson, request } from '../api';
import { h, notice } from '../dom';
import { formatTime } from '../lib/format';
import type { TimelineEntry } from '../lib/timeline-layout';
import { keyForm } from '../widgets/key-form';
import { timeline } from '../widgets/timeline';

interface Instance {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  input?: unknown;
  output?: unknown;
  customStatus?: unknown;
  timeline?: TimelineEntry[];
}

const FINISHED = ['Completed', 'Failed', 'Terminated', 'Canceled'];

export function instancePage(root: HTMLElement, id: string, rerender: () => void): () => void {
  let alive = true;
  root.replaceChildren(h('h1', {}, `Instance ${id}`), keyForm(rerender));
  if (functionKey() === null) return () => undefined;
  const state = h('div', {}, notice('loading', 'Loading the instance…'));
  const result = h('div', { 'aria-live': 'polite' });
  root.append(state, result);

  const act = (verb: 'terminate' | 'restart' | 'purge'): void => {
    if (!confirm(`${verb[0]!.toUpperCase()}${verb.slice(1)} ${id}?`)) return;
    void (async () => {
      try {
        const res = await request<{ instanceId?: string }>(
          'POST',
          `/api/ops/orchestrations/${encodeURIComponent(id)}/${verb}`,
          {
            key: true,
            ...(verb === 'terminate' ? { body: { reason: 'Terminated from the web app' } } : {}),
          },
        );
        result.replaceChildren(
          notice(
            'info',
            verb === 'restart' && res.body?.instanceId
              ? `Restarted as ${res.body.instanceId}.`
              : `${verb} accepted (HTTP ${res.status}).`,
          ),
        );
        if (verb === 'restart' && res.body?.instanceId)
          result.append(
            h(
              'a',
              { href: `#/ops/instances/${encodeURIComponent(res.body.instanceId)}` },
              'Open the new instance',
            ),
          );
      } catch (error) {
        result.replaceChildren(notice('error', `Could not ${verb}: ${describeError(error)}`));
      }
    })();
  };

  void (async () => {
    try {
      const inst = await getJson<Instance>(
        `/api/ops/orchestrations/${encodeURIComponent(id)}?history=true`,
        true,
      );
      if (!alive) return;
      const finished = FINISHED.includes(inst.runtimeStatus);
      const button = (
        verb: 'terminate' | 'restart' | 'purge',
        enabled: boolean,
      ): HTMLElement | null => {
        if (!enabled) return null;
        const b = h(
          'button',
          { type: 'button', class: verb === 'restart' ? '' : 'danger' },
          verb[0]!.toUpperCase() + verb.slice(1),
        );
        b.addEventListener('click', () => act(verb));
        return b;
      };
      state.replaceChildren(
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Name'),
          h('dd', {}, inst.name),
          h('dt', {}, 'Status'),
          h(
            'dd',
            {},
            h('span', { class: `status ${inst.runtimeStatus.toLowerCase()}` }, inst.runtimeStatus),
          ),
          h('dt', {}, 'Created'),
          h('dd', {}, formatTime(inst.createdTime)),
          h('dt', {}, 'Updated'),
          h('dd', {}, formatTime(inst.lastUpdatedTime)),
        ),
        h(
          'div',
          { class: 'actions' },
          button('terminate', !finished),
          button('restart', true),
          button('purge', finished),
        ),
        h('h2', {}, 'Timeline'),
        inst.timeline && inst.timeline.length > 0
          ? timeline(inst.timeline, Date.now())
          : notice('empty', 'No history yet.'),
        h(
          'details',
          {},
          h('summary', {}, 'Input'),
          h('pre', {}, JSON.stringify(inst.input ?? null, null, 2)),
        ),
        h(
          'details',
          {},
          h('summary', {}, 'Output'),
          h('pre', {}, JSON.stringify(inst.output ?? null, null, 2)),
        ),
        h(
          'details',
          {},
          h('summary', {}, 'Custom status'),
          h('pre', {}, JSON.stringify(inst.customStatus ?? null, null, 2)),
        ),
      );
    } catch (error) {
      if (alive)
        state.replaceChildren(
          notice('error', `Could not load the instance: ${describeError(error)}`),
        );
    }
  })();
  return () => {
    alive = false;
  };
}
