import type { JournalEntry, JournalOp } from './cosmos-journal';

/** The document an op writes or deletes, as "<docs path>\0<id>"; undefined for other ops. */
function documentKey(op: JournalOp): string | undefined {
  const segments = op.path.split('/');
  // ['', 'dbs', db, 'colls', coll, 'docs'] or the same plus the document id.
  if (segments[1] !== 'dbs' || segments[5] !== 'docs') return undefined;
  const docsPath = segments.slice(0, 6).join('/');
  if (op.method === 'DELETE' && segments.length === 7) {
    return `${docsPath}\0${decodeURIComponent(segments[6] ?? '')}`;
  }
  const id = (op.body as { id?: unknown } | undefined)?.id;
  return segments.length === 6 && typeof id === 'string' ? `${docsPath}\0${id}` : undefined;
}

/**
 * Counts journal ops that compaction would drop: every write to a document the journal
 * already holds, and every delete (with the write it cancels). Cheap enough to run on each
 * append, so compaction happens when it pays rather than on a fixed schedule.
 */
export class RedundancyCounter {
  private readonly documents = new Set<string>();
  private redundant = 0;

  get redundantOps(): number {
    return this.redundant;
  }

  /** Starts over from a journal (e.g. right after compaction, when nothing is redundant). */
  reset(entries: readonly JournalEntry[]): void {
    this.documents.clear();
    this.redundant = 0;
    this.add(entries);
  }

  add(entries: readonly JournalEntry[]): void {
    for (const entry of entries) {
      for (const op of entry.ops) this.addOp(op);
    }
  }

  private addOp(op: JournalOp): void {
    const key = documentKey(op);
    if (key === undefined) return;
    if (op.method === 'DELETE') {
      this.redundant += this.documents.delete(key) ? 2 : 1;
    } else if (this.documents.has(key)) {
      this.redundant += 1;
    } else {
      this.documents.add(key);
    }
  }
}
