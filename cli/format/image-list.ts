/** `list`: one row per image. */
import type { ImageRecord, Page } from './shapes';
import { renderTable } from './table';
import { cell, formatTime } from './units';

export function formatImageList(page: Page<ImageRecord>): string {
  const items = page.items ?? [];
  if (items.length === 0) return 'No images.';
  return renderTable(
    ['ID', 'STATUS', 'CREATED', 'FILE', 'ERROR'],
    items.map((image) => [
      image.id ?? '?',
      image.status ?? '-',
      formatTime(image.createdAt),
      cell(image.source?.filename, 40),
      image.error?.code ?? '',
    ]),
  );
}
