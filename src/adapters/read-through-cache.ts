/**
 * A small in-process cache of source images for the activities of one worker. One upload is
 * read by inspect and by every resize activity; when they run on the same worker (usual, and
 * always locally) the bytes come from memory after the first download. Entries are revalidated
 * with a conditional GET (If-None-Match), so a changed blob is never served stale.
 */
import type { StoredBlob } from '../ports/blob-store';

/**
 * An upload is read by its activities within seconds of each other; an entry unread for this long
 * is done with, so a worker that has processed thousands of images holds only the last few.
 */
export const CACHE_IDLE_MS = 20_000;

interface Entry {
  blob: StoredBlob;
  lastUsed: number;
}

/** Least recently used first (Map keeps insertion order; every use re-inserts). */
export class ByteBudgetCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxIdleMs = CACHE_IDLE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bytes held, for tests and diagnostics. */
  get size(): number {
    return this.bytes;
  }

  get(key: string): StoredBlob | undefined {
    this.expire();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      hit.lastUsed = this.now();
      this.entries.set(key, hit);
    }
    return hit?.blob;
  }

  set(key: string, blob: StoredBlob): void {
    this.delete(key);
    this.expire();
    if (blob.data.length > this.maxBytes) return;
    this.entries.set(key, { blob, lastUsed: this.now() });
    this.bytes += blob.data.length;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest, entry);
    }
  }

  delete(key: string): void {
    const existing = this.entries.get(key);
    if (existing !== undefined) this.remove(key, existing);
  }

  /** Drops entries idle for longer than maxIdleMs: the oldest come first, so stop at a fresh one. */
  private expire(): void {
    const cutoff = this.now() - this.maxIdleMs;
    for (const [key, entry] of this.entries) {
      if (entry.lastUsed > cutoff) break;
      this.remove(key, entry);
    }
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.blob.data.length;
  }
}
