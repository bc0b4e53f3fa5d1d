/**
 * Applies journal lines (loki-journal.ts) to a LokiJS database that has just been loaded from
 * its last snapshot, so it holds every change Azurite acknowledged before it was killed.
 *
 * Idempotent over the snapshot: a line the snapshot already holds sets a document to the state
 * it already has. Document ids ($loki) only grow, so a `put` of an absent document whose id is
 * not above the collection's highest id is a document the snapshot saw inserted and removed:
 * it is skipped (its removal follows in the same replay, or already happened).
 */
import type { LokiOp } from './loki-journal';

/** The parts of LokiJS's API the replay needs (lokijs ships no types). */
export interface LokiCollectionLike {
  maxId: number;
  get(id: number): Record<string, unknown> | null;
  insert(doc: Record<string, unknown>): unknown;
  update(doc: Record<string, unknown>): unknown;
  remove(doc: Record<string, unknown>): unknown;
}

export interface LokiDbLike {
  getCollection(name: string): LokiCollectionLike | null;
  addCollection(name: string, options?: unknown): LokiCollectionLike;
  removeCollection(name: string): void;
}

export function replayLokiOps(db: LokiDbLike, lines: LokiOp[][]): number {
  let applied = 0;
  for (const ops of lines) {
    for (const op of ops) {
      if (applyOne(db, op)) applied += 1;
    }
  }
  return applied;
}

function applyOne(db: LokiDbLike, op: LokiOp): boolean {
  switch (op.t) {
    case 'addColl':
      if (db.getCollection(op.c)) return false;
      db.addCollection(op.c, op.options);
      return true;
    case 'dropColl':
      if (!db.getCollection(op.c)) return false;
      db.removeCollection(op.c);
      return true;
    case 'put': {
      const coll = db.getCollection(op.c);
      const id = op.doc.$loki;
      if (!coll || typeof id !== 'number') return false;
      const doc = structuredClone(op.doc);
      if (coll.get(id)) {
        coll.update(doc);
        return true;
      }
      if (id <= coll.maxId) return false;
      // Insert under the id Azurite gave it: LokiJS assigns maxId + 1.
      delete doc.$loki;
      coll.maxId = id - 1;
      coll.insert(doc);
      return true;
    }
    case 'del': {
      const coll = db.getCollection(op.c);
      const doc = coll?.get(op.id);
      if (!coll || !doc) return false;
      coll.remove(doc);
      return true;
    }
  }
}
