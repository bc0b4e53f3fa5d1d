/**
 * The task hub's rows kept in process memory, with the same commit semantics as the table store.
 * For in-process orchestrator tests and engine benchmarks that measure the engine, not storage;
 * the host always uses the table store.
 */
import {
  fromEntity,
  toEntity,
  type CommitPlan,
  type HubStore,
  type InstanceQuery,
  type LoadedRow,
  type Row,
} from './table-store';

export class MemoryStore implements HubStore {
  private readonly partitions = new Map<string, Map<string, Record<string, unknown>>>();

  private part(partition: string): Map<string, Record<string, unknown>> {
    let p = this.partitions.get(partition);
    if (!p) {
      p = new Map();
      this.partitions.set(partition, p);
    }
    return p;
  }

  loadPartition(partition: string): Promise<LoadedRow[]> {
    const rows = [...(this.partitions.get(partition)?.values() ?? [])].map(fromEntity);
    return Promise.resolve(rows.sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1)));
  }

  getRow(partition: string, rowKey: string): Promise<LoadedRow | undefined> {
    const e = this.partitions.get(partition)?.get(rowKey);
    return Promise.resolve(e ? fromEntity(e) : undefined);
  }

  scanPrefix(prefix: string): Promise<LoadedRow[]> {
    const out: LoadedRow[] = [];
    for (const p of this.partitions.values()) {
      for (const [key, e] of p) if (key.startsWith(prefix)) out.push(fromEntity(e));
    }
    return Promise.resolve(out);
  }

  queryInstances(
    q: InstanceQuery,
    top: number,
    token: string | undefined,
  ): Promise<{ rows: LoadedRow[]; continuationToken?: string }> {
    const matches: LoadedRow[] = [];
    for (const p of [...this.partitions.keys()].sort()) {
      const e = [...(this.partitions.get(p)?.entries() ?? [])].find(([k]) =>
        k.startsWith('I~'),
      )?.[1];
      if (!e || e.Kind !== 'orchestration') continue;
      const created = String(e.CreatedAt);
      if (q.createdFrom && created < q.createdFrom) continue;
      if (q.createdTo && created > q.createdTo) continue;
      if (q.statuses && q.statuses.length > 0 && !q.statuses.includes(String(e.Status))) continue;
      if (q.instanceIdPrefix && !String(e.InstanceId).startsWith(q.instanceIdPrefix)) continue;
      matches.push(fromEntity(e));
    }
    const start = token ? Number(token) : 0;
    const rows = matches.slice(start, start + top);
    const next = start + top < matches.length ? String(start + top) : undefined;
    return Promise.resolve({ rows, continuationToken: next });
  }

  commit(partition: string, plan: CommitPlan): Promise<void> {
    // Azure refuses a transaction that names a row twice; so does this store, so that in-memory
    // tests catch what would fail against the table.
    const twice =
      repeated(plan.writes.map((row) => row.rowKey)) ??
      repeated([...plan.final.map((row) => row.rowKey), ...plan.deletes]);
    if (twice !== undefined) {
      return Promise.reject(
        new Error(`A command with RowKey '${twice}' is already present in the batch.`),
      );
    }
    const p = this.part(partition);
    for (const row of plan.writes) p.set(row.rowKey, toEntity(partition, row));
    plan.afterWrites?.();
    for (const row of plan.final) p.set(row.rowKey, toEntity(partition, row));
    for (const key of plan.deletes) p.delete(key);
    return Promise.resolve();
  }

  put(partition: string, rows: Row[]): Promise<void> {
    return this.commit(partition, { writes: rows, final: [], deletes: [] });
  }

  deleteRows(partition: string, rowKeys: string[]): Promise<void> {
    return this.commit(partition, { writes: [], final: [], deletes: rowKeys });
  }
}

function repeated(keys: string[]): string | undefined {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return undefined;
}
