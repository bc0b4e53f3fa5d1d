/**
 * Row keys and in-memory ordering for inbox messages. Keys sort by visibility time, then by the
 * order this process created them, so per-sender arrival order is kept.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Message, StoredMessage } from './messages';

let counter = 0;

/**
 * A message id derived from what caused the message. A step that runs again after a crash sends
 * the same ids again, so receivers (which remember the ids they applied) apply it once.
 */
export function deterministicId(...parts: (string | number)[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function newMessage(
  body: Message,
  visibleAt = Date.now(),
  id: string = randomUUID(),
): StoredMessage {
  counter = (counter + 1) % 1e10;
  const rowKey = `M-${String(visibleAt).padStart(15, '0')}-${String(counter).padStart(10, '0')}-${id}`;
  return { id, visibleAt, rowKey, body };
}

export function insertSorted(inbox: StoredMessage[], message: StoredMessage): void {
  if (inbox.some((m) => m.rowKey === message.rowKey)) return;
  let i = inbox.length;
  while (i > 0 && (inbox[i - 1]?.rowKey ?? '') > message.rowKey) i--;
  inbox.splice(i, 0, message);
}

/** A min-heap of wake-up times, so far-future timers cost nothing until they are due. */
export class WakeHeap {
  private items: { at: number; key: string }[] = [];

  push(at: number, key: string): void {
    const items = this.items;
    items.push({ at, key });
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (items[p]!.at <= items[i]!.at) break;
      [items[p], items[i]] = [items[i]!, items[p]!];
      i = p;
    }
  }

  peek(): { at: number; key: string } | undefined {
    return this.items[0];
  }

  pop(): { at: number; key: string } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && items[l]!.at < items[m]!.at) m = l;
        if (r < items.length && items[r]!.at < items[m]!.at) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i]!, items[m]!];
        i = m;
      }
    }
    return top;
  }
}
