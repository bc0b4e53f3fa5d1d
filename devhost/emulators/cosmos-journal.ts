import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import * as path from 'node:path';
import type { SystemProperties } from './cosmos-system-properties';

/** One request to re-send to a fresh emulator, in the emulator's own REST terms. */
export interface JournalOp {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path as the emulator routes it, e.g. /dbs/images/colls/records/docs. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** The _rid, _self, _etag and _ts the emulator gave the resource, restored on replay. */
  system?: SystemProperties;
}

/**
 * One line of the journal: the effect of one client request that succeeded. A line is written
 * with a single write(2), so a killed process leaves either the whole line or a torn tail
 * without its newline, which reading drops (the client never saw that request succeed).
 */
export interface JournalEntry {
  ops: JournalOp[];
}

export interface JournalContents {
  entries: JournalEntry[];
  /** Bytes up to and including the last complete line. */
  validBytes: number;
  /** Bytes after the last newline: a write cut short by a kill. */
  tornTailBytes: number;
  /** Complete lines that do not parse (never expected; counted, skipped, never compacted away). */
  corruptLines: number;
}

export function readJournal(file: string): JournalContents {
  if (!existsSync(file)) return { entries: [], validBytes: 0, tornTailBytes: 0, corruptLines: 0 };
  const bytes = readFileSync(file);
  const lastNewline = bytes.lastIndexOf(0x0a);
  const validBytes = lastNewline + 1;
  const entries: JournalEntry[] = [];
  let corruptLines = 0;
  for (const line of bytes.subarray(0, validBytes).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as JournalEntry;
      if (!Array.isArray(entry.ops)) throw new Error('no ops');
      entries.push(entry);
    } catch {
      corruptLines += 1;
    }
  }
  return { entries, validBytes, tornTailBytes: bytes.length - validBytes, corruptLines };
}

/** Cuts a torn tail off so the next appended line starts on a line of its own. */
export function dropTornTail(file: string, contents: JournalContents): void {
  if (contents.tornTailBytes > 0) truncateSync(file, contents.validBytes);
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
}

export function serializeEntry(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/**
 * Appends entries synchronously. write(2) returning means the bytes are in the kernel's page
 * cache, which survives the death of this process (kill -9 included); it does not fsync per
 * entry, so a power cut may lose the last moments, as it would with most development
 * databases.
 */
export class JournalAppender {
  private fd: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'a');
  }

  append(entry: JournalEntry): void {
    writeAll(this.fd, serializeEntry(entry));
  }

  /** Swaps the journal for `entries` (see replaceJournal) and goes on appending to it. */
  replaceWith(entries: readonly JournalEntry[]): void {
    replaceJournal(this.file, entries);
    closeSync(this.fd);
    this.fd = openSync(this.file, 'a');
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Replaces the journal with `entries` all at once: written to a temporary file, flushed to
 * disk, then renamed over the journal. A kill at any point leaves the old or the new journal,
 * never a mix.
 */
export function replaceJournal(file: string, entries: readonly JournalEntry[]): void {
  const temporary = `${file}.compacting`;
  const fd = openSync(temporary, 'w');
  try {
    const chunk: string[] = [];
    const flush = (): void => {
      if (chunk.length === 0) return;
      writeAll(fd, chunk.join(''));
      chunk.length = 0;
    };
    for (const entry of entries) {
      chunk.push(serializeEntry(entry));
      if (chunk.length >= 500) flush();
    }
    flush();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  syncDirectory(path.dirname(file));
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the rename itself is still atomic.
  }
}
