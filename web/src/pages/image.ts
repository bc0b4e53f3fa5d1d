/**
 * One image: the live state of every step from `GET /api/images/{id}`, polled with
 * `If-None-Match` and a growing backoff, stopping at a final status; a stalled image says so.
 * Shows attempts, each step's own duration and errors, the variants with sizes and bytes, and
 * the analysis. Operators (with a key) can delete the image.
 */
import { apiUrl, ApiError, describeError, functionKey, getBase, request } from '../api';
import { h, notice } from '../dom';
import { initialBackoff, isFinalStatus, isStalled, nextBackoff } from '../lib/backoff';
import { durationBetween, formatBytes, formatDuration, formatTime } from '../lib/format';
import { altText, fallbackVariant, srcsetOf } from '../lib/srcset';
import type { ImageRecord } from '../types';

function stepsTable(record: ImageRecord): HTMLElement {
  return h(
    'table',
    {},
    h('caption', {}, 'Steps'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Step', 'Status', 'Attempts', 'Duration', 'Error'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...(record.steps ?? []).map((step) =>
        h(
          'tr',
          { class: `step ${step.status.toLowerCase()}` },
          h('th', { scope: 'row' }, step.name),
          h('td', {}, step.status),
          h('td', {}, step.attempts),
          h('td', {}, formatDuration(durationBetween(step.startedAt, step.completedAt))),
          h('td', {}, step.error ? `${step.error.code}: ${step.error.message}` : ''),
        ),
      ),
    ),
  );
}

function variantsTable(record: ImageRecord): HTMLElement | null {
  const variants = record.variants ?? [];
  if (variants.length === 0) return null;
  return h(
    'table',
    {},
    h('caption', {}, 'Variants'),
    h(
      'thead',
      {},
      h('tr', {}, ...['Name', 'Size', 'Format', 'Bytes'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      ...variants.map((v) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, h('a', { href: apiUrl(v.url) }, v.name)),
          h('td', {}, `${v.width}×${v.height}`),
          h('td', {}, v.format),
          h('td', {}, formatBytes(v.bytes)),
        ),
      ),
    ),
  );
}

function analysisList(record: ImageRecord): HTMLElement | null {
  const a = record.analysis;
  if (!a) return null;
  const rows: [string, Node | string][] = [['Status', `${a.status} (${a.provider})`]];
  if (a.caption) rows.push(['Caption', a.caption]);
  if (a.tags && a.tags.length > 0)
    rows.push([
      'Tags',
      a.tags.map((t) => `${t.name} ${Math.round(t.confidence * 100)}%`).join(', '),
    ]);
  if (a.text) rows.push(['Text', a.text]);
  if (a.colors && a.colors.length > 0) {
    rows.push([
      'Colours',
      h(
        'span',
        { class: 'swatches' },
        ...a.colors.map((c) => {
          const sw = h('span', { class: 'swatch', title: c });
          sw.style.background = c;
          return h('span', {}, sw, ` ${c} `);
        }),
      ),
    ]);
  }
  if (a.blurhash) rows.push(['Blurhash', a.blurhash]);
  if (a.phash) rows.push(['Perceptual hash', a.phash]);
  if (record.source?.sha256) rows.push(['SHA-256', record.source.sha256]);
  if (a.error) rows.push(['Error', `${a.error.code}: ${a.error.message}`]);
  return h(
    'section',
    { 'aria-labelledby': 'analysis-title' },
    h('h2', { id: 'analysis-title' }, 'Analysis'),
    h('dl', {}, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
  );
}

export function imagePage(root: HTMLElement, id: string): () => void {
  let alive = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let etag: string | null = null;
  let record: ImageRecord | undefined;
  let backoff = initialBackoff();
  const live = h('p', { class: 'notice', role: 'status' });
  const body = h('div', {});
  const actions = h('div', { class: 'actions' });

  function render(r: ImageRecord): void {
    const variants = r.variants ?? [];
    const medium = fallbackVariant(variants, 640);
    const stalled = isStalled(r, Date.now());
    live.textContent = isFinalStatus(r.status)
      ? `${r.status}${r.error ? ` — ${r.error.code}: ${r.error.message}` : ''}`
      : stalled
        ? `${r.status}: no progress for several minutes; the image looks stalled. Its orchestration (below) shows where it stopped; if no run is left, the reconciliation timer restarts it or marks it failed; an operator can reprocess it.`
        : `${r.status}… updating live.`;
    live.className = `notice ${r.status === 'Failed' || stalled ? 'error' : isFinalStatus(r.status) ? 'info' : 'loading'}`;
    body.replaceChildren(
      medium
        ? h('img', {
            class: 'hero',
            src: apiUrl(medium.url),
            srcset: srcsetOf(variants, getBase()),
            sizes: '(max-width: 700px) 100vw, 640px',
            width: medium.width,
            height: medium.height,
            alt: altText(r),
          })
        : '',
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'File'),
        h('dd', {}, r.source?.filename ?? '–'),
        h('dt', {}, 'Source'),
        h(
          'dd',
          {},
          r.source?.width
            ? `${r.source.format ?? ''} ${r.source.width}×${r.source.height} ${formatBytes(r.source.bytes ?? -1)}`
            : '–',
        ),
        h('dt', {}, 'Created'),
        h('dd', {}, formatTime(r.createdAt)),
        h('dt', {}, 'Updated'),
        h('dd', {}, formatTime(r.updatedAt)),
        h('dt', {}, 'Orchestration'),
        h(
          'dd',
          {},
          r.orchestration?.instanceId
            ? h(
                'a',
                { href: `#/ops/instances/${encodeURIComponent(r.orchestration.instanceId)}` },
                `${r.orchestration.instanceId} (${r.orchestration.runtimeStatus ?? '?'})`,
              )
            : '–',
        ),
      ),
      stepsTable(r),
      variantsTable(r) ?? '',
      analysisList(r) ?? '',
    );
  }

  async function poll(): Promise<void> {
    let changed = false;
    let retryAfter: number | undefined;
    try {
      const res = await request<ImageRecord>('GET', `/api/images/${encodeURIComponent(id)}`, {
        headers: etag ? { 'if-none-match': etag } : {},
      });
      if (!alive) return;
      const ra = Number(res.headers.get('retry-after'));
      retryAfter = Number.isFinite(ra) && ra > 0 ? ra : undefined;
      if (res.status === 200 && res.body !== undefined) {
        etag = res.headers.get('etag');
        record = res.body;
        changed = true;
        render(record);
      } else if (record !== undefined) {
        render(record);
      }
    } catch (error) {
      if (!alive) return;
      if (error instanceof ApiError && error.status === 404) {
        live.className = 'notice error';
        live.textContent = `No image with id ${id}. ${describeError(error)}`;
        return;
      }
      live.className = 'notice error';
      live.textContent = `Could not refresh: ${describeError(error)}; retrying.`;
    }
    if (record !== undefined && isFinalStatus(record.status)) return;
    backoff = nextBackoff(backoff, changed, retryAfter);
    timer = setTimeout(() => void poll(), backoff.delayMs);
  }

  if (functionKey() !== null) {
    const del = h('button', { type: 'button', class: 'danger' }, 'Delete image');
    del.addEventListener('click', () => {
      if (!confirm(`Delete image ${id}, its variants, record and orchestrations?`)) return;
      void (async () => {
        try {
          const res = await request<{ statusUrl?: string }>(
            'DELETE',
            `/api/images/${encodeURIComponent(id)}`,
            { key: true },
          );
          actions.replaceChildren(
            notice(
              'info',
              res.status === 202 ? 'Deletion accepted; it completes shortly.' : 'Deleted.',
            ),
          );
        } catch (error) {
          actions.append(notice('error', `Could not delete: ${describeError(error)}`));
        }
      })();
    });
    actions.append(del);
  }

  live.textContent = 'Loading…';
  root.replaceChildren(h('h1', {}, `Image ${id}`), live, actions, body);
  void poll();
  return () => {
    alive = false;
    if (timer !== undefined) clearTimeout(timer);
  };
}
