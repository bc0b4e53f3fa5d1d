/**
 * A small in-process cache of source images for the activities of one worker. One upload is
 * read by inspect and by every resize activity; when they run on the same worker (usual, and
 * always locally) the bytes come from memory after the first download. Entries are revalidated
 * with a conditional GET (If-None-Match), so a changed blob is never served stale.
 */
import type { StoredBlob } from '../ports/blob-store';

export class ByteBudgetCache {
  private readonly entries = new Map<string, StoredBlob>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): StoredBlob | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Refresh recency: Map keeps insertion order, so re-inserting moves it to the end.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, blob: StoredBlob): void {
    if (blob.data.length > this.maxBytes) return;
    this.delete(key);
    this.entries.set(key, blob);
    this.bytes += blob.data.length;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.data.length;
    }
  }

  delete(key: string): void {
    const existing = this.entries.get(key);
    if (existing === undefined) return;
    this.entries.delete(key);
    this.bytes -= existing.data.length;
  }
}
