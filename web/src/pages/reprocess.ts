/**
 * Batch reprocessing: the API's filter, a dry run that says how many images match, start, a
 * progress bar from the batch status (polled every 2 s until it ends), and cancel.
 */
import { describeError, functionKey, getJson, request } from '../api';
import { h, notice } from '../dom';
import { keyForm } from '../widgets/key-form';

interface Batch {
  total: number;
  completed: number;
  failed: number;
  running: number;
  status: string;
}

const IMAGE_STATUSES = [
  '',
  'Completed',
  'CompletedWithWarnings',
  'Failed',
  'Processing',
  'Accepted',
];
const ANALYSIS_STATUSES = ['', 'Completed', 'Deferred', 'Failed', 'Skipped'];

export function reprocessPage(root: HTMLElement, rerender: () => void): () => void {
  let alive = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  root.replaceChildren(h('h1', {}, 'Reprocess'), keyForm(rerender));
  if (functionKey() === null) return () => undefined;

  const select = (id: string, values: string[]): HTMLSelectElement =>
    h(
      'select',
      { id, name: id },
      ...values.map((v) => h('option', { value: v }, v === '' ? 'any' : v)),
    );
  const status = select('status', IMAGE_STATUSES);
  const analysisStatus = select('analysisStatus', ANALYSIS_STATUSES);
  const from = h('input', { id: 'createdFrom', type: 'datetime-local' });
  const to = h('input', { id: 'createdTo', type: 'datetime-local' });
  const resize = h('input', { id: 'step-resize', type: 'checkbox', checked: true });
  const analyze = h('input', { id: 'step-analyze', type: 'checkbox', checked: true });
  const dry = h('button', { type: 'button' }, 'Dry run');
  const start = h('button', { type: 'button', class: 'danger' }, 'Start');
  const out = h('div', { 'aria-live': 'polite' });

  const body = (dryRun: boolean): unknown => {
    const filter: Record<string, string> = {};
    if (status.value) filter.status = status.value;
    if (analysisStatus.value) filter.analysisStatus = analysisStatus.value;
    if (from.value) filter.createdFrom = new Date(from.value).toISOString();
    if (to.value) filter.createdTo = new Date(to.value).toISOString();
    const steps = [resize.checked ? 'resize' : '', analyze.checked ? 'analyze' : ''].filter(
      Boolean,
    );
    return { filter, steps, dryRun };
  };

  function follow(batchId: string): void {
    const bar = h('progress', { max: 1, value: 0, 'aria-label': 'Batch progress' });
    const text = h('p', { role: 'status' }, 'Starting…');
    const cancel = h('button', { type: 'button' }, 'Cancel batch');
    cancel.addEventListener('click', () => {
      if (!confirm('Cancel this batch? Images already started finish.')) return;
      void request('POST', `/api/ops/reprocess/${encodeURIComponent(batchId)}/cancel`, {
        key: true,
      })
        .then(() => (text.textContent = 'Cancel requested…'))
        .catch((error: unknown) =>
          out.append(notice('error', `Could not cancel: ${describeError(error)}`)),
        );
    });
    out.replaceChildren(h('p', {}, `Batch ${batchId}`), bar, text, cancel);
    const tick = async (): Promise<void> => {
      try {
        const b = await getJson<Batch>(`/api/ops/reprocess/${encodeURIComponent(batchId)}`, true);
        if (!alive) return;
        bar.max = Math.max(1, b.total);
        bar.value = b.completed + b.failed;
        text.textContent = `${b.status}: ${b.completed} completed, ${b.failed} failed, ${b.running} running of ${b.total}`;
        if (['Completed', 'Failed', 'Canceled', 'Terminated'].includes(b.status)) {
          cancel.remove();
          return;
        }
      } catch (error) {
        text.textContent = `Could not read the batch: ${describeError(error)}; retrying.`;
      }
      if (alive) timer = setTimeout(() => void tick(), 2000);
    };
    void tick();
  }

  dry.addEventListener('click', () => {
    out.replaceChildren(notice('loading', 'Counting…'));
    void request<{ matched: number; ids?: string[] }>('POST', '/api/ops/reprocess', {
      key: true,
      body: body(true),
    })
      .then((res) =>
        out.replaceChildren(
          notice('info', `Dry run: ${res.body?.matched ?? 0} image(s) match. Nothing was started.`),
        ),
      )
      .catch((error: unknown) =>
        out.replaceChildren(notice('error', `Dry run failed: ${describeError(error)}`)),
      );
  });
  start.addEventListener('click', () => {
    if (!confirm('Reprocess every matching image?')) return;
    void request<{ batchId: string; matched: number }>('POST', '/api/ops/reprocess', {
      key: true,
      body: body(false),
    })
      .then((res) => res.body && follow(res.body.batchId))
      .catch((error: unknown) =>
        out.replaceChildren(notice('error', `Could not start: ${describeError(error)}`)),
      );
  });

  root.append(
    h(
      'form',
      { class: 'filters' },
      h('label', { for: 'status' }, 'Image status'),
      status,
      h('label', { for: 'analysisStatus' }, 'Analysis status'),
      analysisStatus,
      h('label', { for: 'createdFrom' }, 'Created from'),
      from,
      h('label', { for: 'createdTo' }, 'Created to'),
      to,
      h(
        'fieldset',
        {},
        h('legend', {}, 'Steps'),
        resize,
        h('label', { for: 'step-resize' }, 'resize'),
        analyze,
        h('label', { for: 'step-analyze' }, 'analyze'),
      ),
      dry,
      start,
    ),
    out,
  );
  return () => {
    alive = false;
    if (timer !== undefined) clearTimeout(timer);
  };
}
