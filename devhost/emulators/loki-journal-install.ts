/**
 * Puts a write-ahead journal (loki-journal.ts) under every LokiJS database Azurite keeps on
 * disk. Must run in the Azurite process before Azurite is required: it replaces the `lokijs`
 * module's export with a subclass, so every `new Loki(file, { persistenceMethod: 'fs' })`
 * Azurite makes is journaled, replays what the journal holds on load, and rotates the journal
 * at each snapshot. Table batches are held back and written as one line (see loki-journal.ts).
 */
import { existsSync } from 'node:fs';
import { LokiJournal, readSegments } from './loki-journal';
import { replayLokiOps, type LokiDbLike } from './loki-replay';

interface LokiCollection {
  name: string;
  on(event: 'insert' | 'update' | 'delete', listener: (doc: unknown) => void): void;
}

interface LokiInstance extends LokiDbLike {
  filename: string;
  collections: LokiCollection[];
  persistenceAdapter?: { mode?: string } | null;
}

type LokiCtor = new (file: string, options?: { persistenceMethod?: string }) => LokiInstance;

interface LokiProto {
  loadDatabase: (this: LokiInstance, options: unknown, cb?: (err?: unknown) => void) => void;
  saveDatabaseInternal: (this: LokiInstance, cb?: (err?: unknown) => void) => void;
  addCollection: (this: LokiInstance, name: string, options?: unknown) => LokiCollection;
  removeCollection: (this: LokiInstance, name: string) => void;
  close: (this: LokiInstance, cb?: (err?: unknown) => void) => void;
}

const journals = new WeakMap<object, LokiJournal>();
const watched = new WeakSet<object>();
/** Databases being closed: their last save is always a snapshot, so the next start replays nothing. */
const closing = new WeakSet<object>();
let replaying = false;

function watch(journal: LokiJournal, coll: LokiCollection): void {
  if (watched.has(coll)) return;
  watched.add(coll);
  const put = (doc: unknown): void => {
    if (replaying) return;
    for (const d of Array.isArray(doc) ? doc : [doc]) {
      journal.record({ t: 'put', c: coll.name, doc: d as Record<string, unknown> });
    }
  };
  coll.on('insert', put);
  coll.on('update', put);
  coll.on('delete', (doc) => {
    if (replaying) return;
    const id = (doc as { $loki?: unknown }).$loki;
    if (typeof id === 'number') journal.record({ t: 'del', c: coll.name, id });
  });
}

function replayInto(db: LokiInstance, journal: LokiJournal): void {
  const lines = readSegments(db.filename);
  replaying = true;
  try {
    replayLokiOps(db, lines);
  } finally {
    replaying = false;
  }
  for (const coll of db.collections) watch(journal, coll);
}

export function installLokiJournal(): void {
  const lokiPath = require.resolve('lokijs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lokijs ships no types
  const Loki = require(lokiPath) as LokiCtor;
  const proto = Loki.prototype as unknown as LokiProto;

  const { loadDatabase, saveDatabaseInternal, addCollection, removeCollection, close } = proto;

  proto.loadDatabase = function (options, cb) {
    const journal = journals.get(this);
    if (!journal) {
      loadDatabase.call(this, options, cb);
      return;
    }
    loadDatabase.call(this, options, (err) => {
      if (!err) replayInto(this, journal);
      cb?.(err);
    });
  };

  proto.saveDatabaseInternal = function (cb) {
    const journal = journals.get(this);
    if (!journal || this.persistenceAdapter?.mode === 'incremental') {
      saveDatabaseInternal.call(this, cb);
      return;
    }
    if (!closing.has(this) && !journal.wantsSnapshot()) {
      // Everything is in the journal already. Reporting success without clearing the dirty
      // flags keeps LokiJS asking, and makes close() take the final snapshot.
      if (cb) setImmediate(cb);
      return;
    }
    // The snapshot is serialised synchronously inside this call: everything recorded so far is
    // in it, everything after goes to the new segment.
    const saved = journal.rotate();
    saveDatabaseInternal.call(this, (err) => {
      saved(!err);
      if (cb) cb(err);
      else if (err) throw err instanceof Error ? err : new Error('LokiJS could not save');
    });
  };

  proto.close = function (cb) {
    closing.add(this);
    close.call(this, cb);
  };

  proto.addCollection = function (name, options) {
    const journal = journals.get(this);
    const existed = this.getCollection(name) !== null;
    const coll = addCollection.call(this, name, options);
    if (journal) {
      if (!existed && !replaying) journal.record({ t: 'addColl', c: name, options });
      watch(journal, coll);
    }
    return coll;
  };

  proto.removeCollection = function (name) {
    const journal = journals.get(this);
    const existed = this.getCollection(name) !== null;
    removeCollection.call(this, name);
    if (journal && existed && !replaying) journal.record({ t: 'dropColl', c: name });
  };

  class JournaledLoki extends Loki {
    constructor(file: string, options?: { persistenceMethod?: string }) {
      super(file, options);
      if (options?.persistenceMethod !== 'fs') return;
      const journal = new LokiJournal(this.filename);
      journals.set(this, journal);
      // Azurite only loads a database whose file exists; one killed before its first snapshot
      // has only its journal.
      if (!existsSync(this.filename)) replayInto(this, journal);
    }
  }

  const cached = require.cache[lokiPath];
  if (!cached) throw new Error('lokijs is not in the module cache');
  cached.exports = JournaledLoki;
}

/** Azurite's table batches: hold the journal from begin to end so a batch is one line. */
export function installTableBatchHold(): void {
  const storePath = require.resolve('azurite/dist/src/table/persistence/LokiTableMetadataStore.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- Azurite's internals, untyped
  const mod = require(storePath) as {
    default: { prototype: Record<string, (...args: unknown[]) => Promise<unknown>> };
  };
  const proto = mod.default.prototype;
  const begin = proto.beginBatchTransaction;
  const end = proto.endBatchTransaction;
  if (!begin || !end) throw new Error('Azurite table store has no batch transaction methods');
  proto.beginBatchTransaction = async function (this: { db: object }, ...args: unknown[]) {
    const result = await begin.apply(this, args);
    journals.get(this.db)?.hold();
    return result;
  };
  proto.endBatchTransaction = async function (this: { db: object }, ...args: unknown[]) {
    try {
      return await end.apply(this, args);
    } finally {
      journals.get(this.db)?.release();
    }
  };
}
