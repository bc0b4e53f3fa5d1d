/**
 * When Azurite's journal asks for a snapshot: only once the current segment is as large as the
 * last snapshot (and at least the minimum), so a snapshot's cost per journaled byte stays the
 * same however large the database grows.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  journalSegments,
  LokiJournal,
  readSegments,
} from '../../../devhost/emulators/loki-journal';
import { removeTempDirs, tempDir } from './helpers';

const put = (i: number) => ({ t: 'put' as const, c: 'blobs', doc: { $loki: i, name: `b${i}` } });

/** Records changes until the journal wants a snapshot; returns how many it took. */
function changesUntilSnapshot(journal: LokiJournal, limit = 100_000): number {
  for (let i = 1; i <= limit; i++) {
    journal.record(put(i));
    if (journal.wantsSnapshot()) return i;
  }
  throw new Error(`no snapshot wanted after ${limit} changes`);
}

afterAll(() => removeTempDirs());

describe('LokiJournal snapshot policy', () => {
  it('waits for the minimum segment size before the first snapshot', () => {
    const dbFile = path.join(tempDir('loki-journal'), 'db.json');
    const journal = new LokiJournal(dbFile, 10_000);
    try {
      expect(journal.wantsSnapshot()).toBe(false);
      const changes = changesUntilSnapshot(journal);
      // Each line is about 60 bytes: the minimum, not the first change, triggers it.
      expect(changes).toBeGreaterThan(100);
      expect(changes).toBeLessThan(400);
    } finally {
      journal.close();
    }
  });

  it('after a snapshot, waits until the new segment is as large as that snapshot', () => {
    const dbFile = path.join(tempDir('loki-journal'), 'db.json');
    const journal = new LokiJournal(dbFile, 1_000);
    try {
      changesUntilSnapshot(journal);
      const saved = journal.rotate();
      writeFileSync(dbFile, 'x'.repeat(50_000)); // the snapshot LokiJS wrote
      saved(true);
      expect(journal.wantsSnapshot()).toBe(false);
      const changes = changesUntilSnapshot(journal);
      // 50 kB of lines, not the 1 kB minimum.
      expect(changes).toBeGreaterThan(600);
      expect(journalSegments(dbFile)).toHaveLength(1);
    } finally {
      journal.close();
    }
  });

  it('keeps counting a segment whose snapshot failed, and replays it', () => {
    const dbFile = path.join(tempDir('loki-journal'), 'db.json');
    const journal = new LokiJournal(dbFile, 1_000);
    try {
      const before = changesUntilSnapshot(journal);
      const saved = journal.rotate();
      saved(false);
      // The old segment is still on disk and still counts: the next ask snapshots again.
      expect(journal.wantsSnapshot()).toBe(true);
      expect(journalSegments(dbFile)).toHaveLength(2);
      expect(readSegments(dbFile)).toHaveLength(before);
    } finally {
      journal.close();
    }
  });

  it('counts the segments an earlier process left towards the next snapshot', () => {
    const dbFile = path.join(tempDir('loki-journal'), 'db.json');
    const first = new LokiJournal(dbFile, 1_000);
    changesUntilSnapshot(first);
    first.close();
    const second = new LokiJournal(dbFile, 1_000);
    try {
      expect(second.wantsSnapshot()).toBe(true);
    } finally {
      second.close();
    }
  });
});
