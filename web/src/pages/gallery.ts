/**
 * Home: the uploader and the gallery, newest first, paged with the API's continuation token.
 * Each card is a real link to the image's page with a responsive `<img>` (srcset of the
 * variants, sizes, width/height against layout shift, lazy past the first row, alt from the
 * analysis) over its blurhash; Failed and CompletedWithWarnings carry a badge.
 */
import { apiUrl, describeError, getBase, getJson } from '../api';
import { h, notice } from '../dom';
import { initialBackoff, isFinalStatus, nextBackoff } from '../lib/backoff';
import { altText, fallbackVariant, srcsetOf } from '../lib/srcset';
import type { ImageRecord } from '../types';
import { uploader } from '../widgets/uploader';
import { placeholder } from '../widgets/blurhash';

const PAGE = 24;
/** Cards in the first row on a wide screen: these load eagerly, the rest lazily. */
const EAGER = 4;

function card(record: ImageRecord, index: number): HTMLElement {
  const variants = record.variants ?? [];
  const thumbOrMedium = fallbackVariant(variants, 300);
  const figure = h('figure', {});
  if (thumbOrMedium !== undefined) {
    const img = h('img', {
      src: apiUrl(thumbOrMedium.url),
      srcset: srcsetOf(variants, getBase()),
      sizes: '(max-width: 600px) 45vw, 240px',
      width: thumbOrMedium.width,
      height: thumbOrMedium.height,
      alt: altText(record),
      loading: index < EAGER ? 'eager' : 'lazy',
      // The first card is usually the largest paint: fetch it before the other images.
      fetchpriority: index === 0 ? 'high' : undefined,
      decoding: 'async',
    });
    const blur = placeholder(record.analysis?.blurhash);
    if (blur !== undefined) {
      img.style.backgroundImage = `url(${blur})`;
      img.addEventListener('load', () => (img.style.backgroundImage = ''), { once: true });
    }
    figure.append(img);
  } else {
    figure.append(
      h('div', { class: 'noimage' }, record.status === 'Failed' ? 'no variants' : 'processing…'),
    );
  }
  const tags = (record.analysis?.tags ?? []).slice(0, 4).map((t) => t.name);
  const colors = (record.analysis?.colors ?? []).slice(0, 5);
  const badge =
    record.status === 'Failed' || record.status === 'CompletedWithWarnings'
      ? h(
          'span',
          { class: `badge ${record.status === 'Failed' ? 'failed' : 'warn'}` },
          record.status === 'Failed' ? 'Failed' : 'Warnings',
        )
      : record.status === 'Completed'
        ? null
        : h('span', { class: 'badge' }, record.status);
  figure.append(
    h(
      'figcaption',
      {},
      badge,
      h(
        'span',
        { class: 'caption' },
        record.analysis?.caption ?? record.source?.filename ?? record.id,
      ),
      tags.length > 0 ? h('span', { class: 'tags' }, tags.join(', ')) : null,
      colors.length > 0
        ? h(
            'span',
            { class: 'swatches', 'aria-label': `Colours ${colors.join(', ')}` },
            ...colors.map((c) => {
              const sw = h('span', { class: 'swatch', title: c });
              sw.style.background = c;
              return sw;
            }),
          )
        : null,
    ),
  );
  return h(
    'li',
    {},
    h('a', { href: `#/images/${encodeURIComponent(record.id)}`, class: 'card' }, figure),
  );
}

export function galleryPage(root: HTMLElement): () => void {
  const grid = h('ul', { class: 'gallery', 'aria-label': 'Images, newest first' });
  const status = h('div', {});
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  let token: string | null = null;
  let count = 0;
  let alive = true;
  let refresh: ReturnType<typeof setTimeout> | undefined;
  let backoff = initialBackoff();
  let pages = 0;

  async function load(first: boolean): Promise<void> {
    if (count === 0) status.replaceChildren(notice('loading', 'Loading images…'));
    more.hidden = true;
    try {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (!first && token !== null) q.set('continuationToken', token);
      const page = await getJson<{ items: ImageRecord[]; continuationToken: string | null }>(
        `/api/images?${q}`,
      );
      if (!alive) return;
      if (first) {
        grid.replaceChildren();
        count = 0;
        pages = 0;
      }
      pages += 1;
      for (const record of page.items) grid.append(card(record, count++));
      token = page.continuationToken;
      more.hidden = token === null;
      // Images still in progress on the first page: look again (with backoff) until they finish,
      // unless the user paged on, where a refresh would take their place away.
      if (refresh !== undefined) clearTimeout(refresh);
      if (pages === 1 && page.items.some((r) => !isFinalStatus(r.status))) {
        backoff = nextBackoff(backoff, false);
        refresh = setTimeout(() => void load(true), backoff.delayMs);
      }
      status.replaceChildren(
        count === 0 ? notice('empty', 'No images yet: upload one above.') : '',
      );
    } catch (error) {
      if (alive)
        status.replaceChildren(
          notice('error', `Could not load the gallery: ${describeError(error)}`),
        );
    }
  }
  more.addEventListener('click', () => void load(false));

  root.replaceChildren(
    h('h1', {}, 'Images'),
    uploader(() => {
      // New uploads appear at the top once their record exists.
      backoff = initialBackoff();
      void load(true);
    }),
    h(
      'section',
      { 'aria-labelledby': 'gallery-title' },
      h('h2', { id: 'gallery-title' }, 'Gallery'),
      status,
      grid,
      more,
    ),
  );
  void load(true);
  return () => {
    alive = false;
    if (refresh !== undefined) clearTimeout(refresh);
  };
}
