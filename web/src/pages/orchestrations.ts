/**
 * Operator list of orchestrations: status, created range, name and instance id prefix filters
 * kept in the URL (so a view can be bookmarked and the back button works), paging with the
 * API's continuation token, and counts per status over the rows loaded.
 */
import { describeError, functionKey, getJson } from '../api';
import { h, notice } from '../dom';
import { formatTime } from '../lib/format';
import { keyForm } from '../widgets/key-form';

interface Item {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
}

const STATUSES = [
  'Running',
  'Completed',
  'Failed',
  'Terminated',
  'Pending',
  'Suspended',
  'ContinuedAsNew',
  'Canceled',
];
const FIELDS = ['runtimeStatus', 'createdFrom', 'createdTo', 'name', 'instanceIdPrefix'] as const;

export function orchestrationsPage(
  root: HTMLElement,
  query: URLSearchParams,
  rerender: () => void,
): () => void {
  let alive = true;
  root.replaceChildren(h('h1', {}, 'Orchestrations'), keyForm(rerender));
  if (functionKey() === null) return () => undefined;

  const status = h(
    'select',
    { id: 'f-status', name: 'runtimeStatus' },
    h('option', { value: '' }, 'any'),
    ...STATUSES.map((s) =>
      h('option', { value: s, selected: query.get('runtimeStatus') === s }, s),
    ),
  );
  const input = (id: string, name: string, type = 'text'): HTMLInputElement =>
    h('input', { id, name, type, value: query.get(name) ?? '' });
  const form = h(
    'form',
    { class: 'filters' },
    h('label', { for: 'f-status' }, 'Status'),
    status,
    h('label', { for: 'f-from' }, 'Created from'),
    input('f-from', 'createdFrom', 'datetime-local'),
    h('label', { for: 'f-to' }, 'Created to'),
    input('f-to', 'createdTo', 'datetime-local'),
    h('label', { for: 'f-name' }, 'Name'),
    input('f-name', 'name'),
    h('label', { for: 'f-prefix' }, 'Instance id prefix'),
    input('f-prefix', 'instanceIdPrefix'),
    h('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v !== '') q.set(k, v);
    location.hash = `#/ops/orchestrations${q.size > 0 ? `?${q}` : ''}`;
  });
  const counts = h('p', { class: 'counts', 'aria-live': 'polite' });
  const tbody = h('tbody', {});
  const state = h('div', {});
  const more = h('button', { type: 'button', hidden: true }, 'Next page');
  const tally = new Map<string, number>();
  let token: string | null = null;

  async function load(): Promise<void> {
    state.replaceChildren(notice('loading', 'Loading orchestrations…'));
    try {
      const q = new URLSearchParams({ limit: '50' });
      for (const f of FIELDS) {
        const v = query.get(f);
        if (v) q.set(f, f.startsWith('created') ? new Date(v).toISOString() : v);
      }
      if (token !== null) q.set('continuationToken', token);
      const page = await getJson<{ items: Item[]; continuationToken: string | null }>(
        `/api/ops/orchestrations?${q}`,
        true,
      );
      if (!alive) return;
      for (const item of page.items) {
        tally.set(item.runtimeStatus, (tally.get(item.runtimeStatus) ?? 0) + 1);
        tbody.append(
          h(
            'tr',
            {},
            h(
              'td',
              {},
              h(
                'a',
                { href: `#/ops/instances/${encodeURIComponent(item.instanceId)}` },
                item.instanceId,
              ),
            ),
            h('td', {}, item.name),
            h(
              'td',
              {},
              h(
                'span',
                { class: `status ${item.runtimeStatus.toLowerCase()}` },
                item.runtimeStatus,
              ),
            ),
            h('td', {}, formatTime(item.createdTime)),
            h('td', {}, formatTime(item.lastUpdatedTime)),
          ),
        );
      }
      token = page.continuationToken;
      more.hidden = token === null;
      counts.textContent =
        [...tally].map(([k, v]) => `${k}: ${v}`).join(' · ') + (token ? ' (more pages)' : '');
      state.replaceChildren(
        tbody.childElementCount === 0 ? notice('empty', 'No orchestration matches.') : '',
      );
    } catch (error) {
      if (alive)
        state.replaceChildren(
          notice('error', `Could not list orchestrations: ${describeError(error)}`),
        );
    }
  }
  more.addEventListener('click', () => void load());
  root.append(
    form,
    counts,
    state,
    h(
      'table',
      {},
      h('caption', {}, 'Instances, newest first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Instance', 'Name', 'Status', 'Created', 'Updated'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      tbody,
    ),
    more,
  );
  void load();
  return () => {
    alive = false;
  };
}
