/**
 * A write-ahead journal for one LokiJS database inside the Azurite process.
 *
 * Contract: every change Azurite makes to a journaled database (document inserted, updated or
 * removed, collection added or removed) is appended to `<db file>.journal-<n>` with one
 * write(2) before Azurite's request handler can answer, because LokiJS emits its change events
 * synchronously inside the call that changed the document. A killed Azurite therefore loses
 * nothing it acknowledged: the bytes are in the kernel even if the process dies the next
 * instant. The file is also fdatasync'ed within `FSYNC_EVERY_MS` (power loss, not kill -9).
 *
 * Segments: a snapshot (LokiJS saving its whole database) serialises the database synchronously,
 * so the journal switches to a new segment at that instant; once the snapshot is renamed into
 * place, every older segment is deleted. On load, the remaining segments are replayed over the
 * snapshot in order (see loki-replay.ts); replaying a segment the snapshot already holds is
 * harmless, each line carrying the document's whole new state.
 *
 * When to snapshot: LokiJS asks every 5 s, and a snapshot costs time in proportion to the whole
 * database, so snapshotting on every ask makes each image cost more as images pile up. With the
 * journal holding every change, a snapshot is only a way to keep the journal (and the replay on
 * the next start) short: it is taken once the current segment is as large as the last snapshot
 * (and at least `MIN_SEGMENT_BYTES`), which keeps its cost per journaled byte constant.
 *
 * Table batches: an entity-group transaction is several document changes; between its begin
 * and end the journal holds lines back and writes them as one line at the end, so a crash in
 * the middle of a batch replays none of it, as the client was never told it succeeded.
 */
import {
  closeSync,
  existsSync,
  fdatasync,
  openSync,
  readFileSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import * as path from 'node:path';

/** One change, with the document's whole state after it (or its id, for a removal). */
export type LokiOp =
  | { t: 'addColl'; c: string; options?: unknown }
  | { t: 'dropColl'; c: string }
  | { t: 'put'; c: string; doc: Record<string, unknown> }
  | { t: 'del'; c: string; id: number };

const FSYNC_EVERY_MS = 100;
/** A segment below this never triggers a snapshot: replaying it takes well under a second. */
export const MIN_SEGMENT_BYTES = 16 * 1024 * 1024;
/** Overrides MIN_SEGMENT_BYTES in the Azurite process (tests make snapshots happen with it). */
export const SNAPSHOT_MIN_BYTES_ENV = 'DEVHOST_AZURITE_SNAPSHOT_MIN_BYTES';

function minSegmentBytes(): number {
  const configured = Number(process.env[SNAPSHOT_MIN_BYTES_ENV]);
  return Number.isFinite(configured) && configured >= 0 ? configured : MIN_SEGMENT_BYTES;
}

export function journalSegments(dbFile: string): { file: string; n: number }[] {
  const dir = path.dirname(dbFile);
  const prefix = path.basename(dbFile) + '.journal-';
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => ({ file: path.join(dir, name), n: Number(name.slice(prefix.length)) }))
    .sort((a, b) => a.n - b.n);
}

/** Every complete line of every segment, oldest first; a torn last line (cut by a kill) is dropped. */
export function readSegments(dbFile: string): LokiOp[][] {
  const lines: LokiOp[][] = [];
  for (const { file } of journalSegments(dbFile)) {
    const text = readFileSync(file, 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    for (const line of complete.split('\n')) {
      if (line === '') continue;
      try {
        lines.push(JSON.parse(line) as LokiOp[]);
      } catch {
        // A complete but unreadable line is never written by this module; skip it.
      }
    }
  }
  return lines;
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export class LokiJournal {
  private fd: number;
  private segment: number;
  /** Bytes written to the current segment. */
  private segmentBytes = 0;
  /** Size of the last snapshot taken (or found on disk when this journal opened). */
  private snapshotBytes: number;
  private held: LokiOp[] | undefined;
  private holdDepth = 0;
  private dirty = false;
  private syncing = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly dbFile: string,
    private readonly minBytes = minSegmentBytes(),
  ) {
    const existing = journalSegments(dbFile);
    this.segment = (existing.at(-1)?.n ?? 0) + 1;
    this.fd = this.open(this.segment);
    this.snapshotBytes = fileBytes(dbFile);
    // Segments left by an earlier process count towards the next snapshot.
    for (const { file } of existing) this.segmentBytes += fileBytes(file);
    this.timer = setInterval(() => this.sync(), FSYNC_EVERY_MS);
    this.timer.unref();
  }

  private open(n: number): number {
    return openSync(`${this.dbFile}.journal-${n}`, 'a');
  }

  /** Records one change now, or at the end of the batch being held. */
  record(op: LokiOp): void {
    if (this.held) {
      this.held.push(op);
      return;
    }
    this.write([op]);
  }

  private write(ops: LokiOp[]): void {
    if (ops.length === 0) return;
    this.segmentBytes += writeSync(this.fd, JSON.stringify(ops) + '\n');
    this.dirty = true;
  }

  /** Starts holding changes back (a table batch began). Nested holds end with the outermost. */
  hold(): void {
    this.holdDepth += 1;
    this.held ??= [];
  }

  /** Writes every held change as one line (the batch ended, committed or rolled back). */
  release(): void {
    if (this.holdDepth === 0) return;
    this.holdDepth -= 1;
    if (this.holdDepth > 0) return;
    const ops = this.held ?? [];
    this.held = undefined;
    this.write(ops);
  }

  /** Whether the journal has grown enough since the last snapshot to be worth another. */
  wantsSnapshot(): boolean {
    return this.segmentBytes >= Math.max(this.minBytes, this.snapshotBytes);
  }

  /**
   * Called at the instant LokiJS serialises its snapshot: later changes go to a new segment.
   * Returns what to call once the snapshot is safely in place.
   */
  rotate(): (saved: boolean) => void {
    const covered = this.segment;
    const oldFd = this.fd;
    this.segment += 1;
    this.fd = this.open(this.segment);
    closeSync(oldFd);
    const before = this.segmentBytes;
    this.segmentBytes = 0;
    return (saved) => {
      if (!saved) {
        // The older segment stays on disk and is replayed: it still counts.
        this.segmentBytes += before;
        return;
      }
      this.snapshotBytes = fileBytes(this.dbFile);
      for (const { file, n } of journalSegments(this.dbFile)) {
        if (n <= covered) unlinkSync(file);
      }
    };
  }

  private sync(): void {
    if (!this.dirty || this.syncing) return;
    this.dirty = false;
    this.syncing = true;
    const fd = this.fd;
    fdatasync(fd, () => {
      this.syncing = false;
    });
  }

  close(): void {
    clearInterval(this.timer);
    closeSync(this.fd);
  }
}
