/**
 * The task hub's storage: one Azure Storage table in which every orchestration or entity owns a
 * partition (PartitionKey = encoded instance id). Keeping an instance's state row, history,
 * inbox, outbox and activity work items in one partition lets every state change commit in one
 * entity-group transaction, which is what makes the host disposable.
 *
 * Row keys: `I` state, `H-<seq>` history, `M-<visibleAt>-<seq>-<id>` inbox, `A-<execution>-<task>`
 * activity work items, `O-<id>` outbox (messages for other partitions, sent after commit).
 */
import { TableClient, TableTransaction, odata, type TableEntity } from '@azure/data-tables';

/** Azure Table string properties hold 64 KiB; split long payloads across numbered properties. */
const CHUNK_CHARS = 30_000;
const MAX_CHUNKS = 30;
/** Entity-group transactions take at most 100 operations. */
const BATCH_LIMIT = 100;

export interface Row {
  rowKey: string;
  /** Small scalar columns, queryable (e.g. Status, CreatedAt on the state row). */
  columns?: Record<string, string | number | boolean>;
  /** The row's payload, stored as JSON (split when long). */
  data?: unknown;
}

export interface LoadedRow {
  partition: string;
  rowKey: string;
  columns: Record<string, unknown>;
  data: unknown;
}

export function encodeKey(instanceId: string): string {
  // Table keys forbid / \ # ? and control characters; percent-encoding keeps order stable.
  return encodeURIComponent(instanceId).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16),
  );
}

export function decodeKey(key: string): string {
  return decodeURIComponent(key);
}

export function toEntity(partition: string, row: Row): TableEntity<Record<string, unknown>> {
  const entity: TableEntity<Record<string, unknown>> = {
    partitionKey: partition,
    rowKey: row.rowKey,
    ...row.columns,
  };
  if (row.data !== undefined) {
    const json = JSON.stringify(row.data);
    const chunks = Math.ceil(json.length / CHUNK_CHARS) || 1;
    if (chunks > MAX_CHUNKS) {
      throw new Error(
        `Payload of ${json.length} characters is too large for the task hub (limit ${CHUNK_CHARS * MAX_CHUNKS}).`,
      );
    }
    entity.DataChunks = chunks;
    for (let i = 0; i < chunks; i++) {
      entity[i === 0 ? 'Data' : `Data${i}`] = json.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
    }
  }
  return entity;
}

export function fromEntity(entity: Record<string, unknown>): LoadedRow {
  const columns: Record<string, unknown> = {};
  let json = '';
  const chunks = typeof entity.DataChunks === 'number' ? entity.DataChunks : 0;
  for (const [key, value] of Object.entries(entity)) {
    if (key === 'Data' || /^Data\d+$/.test(key) || key === 'DataChunks') continue;
    if (['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.etag'].includes(key)) continue;
    columns[key] = value;
  }
  for (let i = 0; i < chunks; i++) {
    const part = entity[i === 0 ? 'Data' : `Data${i}`];
    json += typeof part === 'string' ? part : '';
  }
  return {
    partition: String(entity.partitionKey),
    rowKey: String(entity.rowKey),
    columns,
    data: chunks > 0 ? (JSON.parse(json) as unknown) : undefined,
  };
}

/** A query over orchestration state rows (the Durable API's instance filters). */
export interface InstanceQuery {
  statuses?: string[];
  createdFrom?: string;
  createdTo?: string;
  instanceIdPrefix?: string;
}

function instanceFilter(q: InstanceQuery): string {
  // State rows are keyed "I~<partition>" (see state-rows.ts).
  const clauses = [
    odata`RowKey ge ${'I~'} and RowKey lt ${'I\u007f'} and Kind eq ${'orchestration'}`,
  ];
  if (q.createdFrom) clauses.push(odata`CreatedAt ge ${q.createdFrom}`);
  if (q.createdTo) clauses.push(odata`CreatedAt le ${q.createdTo}`);
  if (q.statuses && q.statuses.length > 0) {
    clauses.push('(' + q.statuses.map((s) => odata`Status eq ${s}`).join(' or ') + ')');
  }
  if (q.instanceIdPrefix) {
    clauses.push(
      odata`InstanceId ge ${q.instanceIdPrefix} and InstanceId lt ${q.instanceIdPrefix + '\uffff'}`,
    );
  }
  return clauses.join(' and ');
}

/** Where the task hub keeps its rows: Azure Table storage, or memory for fast in-process tests. */
export interface HubStore {
  loadPartition(partition: string): Promise<LoadedRow[]>;
  getRow(partition: string, rowKey: string): Promise<LoadedRow | undefined>;
  scanPrefix(prefix: string): Promise<LoadedRow[]>;
  queryInstances(
    q: InstanceQuery,
    top: number,
    continuationToken: string | undefined,
  ): Promise<{ rows: LoadedRow[]; continuationToken?: string }>;
  commit(partition: string, plan: CommitPlan): Promise<void>;
  put(partition: string, rows: Row[]): Promise<void>;
  deleteRows(partition: string, rowKeys: string[]): Promise<void>;
}

export interface CommitPlan {
  /**
   * Written first, in as many transactions as needed (keys are deterministic: rewrites are
   * harmless), unless the whole plan fits one transaction.
   */
  writes: Row[];
  /** Written in the last transaction, together with the first deletes: the commit point. */
  final: Row[];
  /** Consumed rows; consumers dedupe by message id, so deletes may trail the commit point. */
  deletes: string[];
  /**
   * Called once `writes` are stored, before the commit point (durability tests end the host
   * here). A commit small enough for one transaction has no such moment: it is called before
   * that transaction, when nothing of the step is stored yet.
   */
  afterWrites?: () => void;
}

/**
 * Whether a commit can be one transaction: at most 100 operations, each on a different row (a
 * group may not touch one row twice).
 */
export function fitsOneTransaction(plan: CommitPlan): boolean {
  const keys = [...plan.writes, ...plan.final].map((row) => row.rowKey).concat(plan.deletes);
  return keys.length <= BATCH_LIMIT && new Set(keys).size === keys.length;
}

export class TableStore implements HubStore {
  private constructor(private readonly table: TableClient) {}

  static async open(connectionString: string, tableName: string): Promise<TableStore> {
    const table = TableClient.fromConnectionString(connectionString, tableName, {
      allowInsecureConnection: true,
    });
    await table.createTable();
    return new TableStore(table);
  }

  async loadPartition(partition: string): Promise<LoadedRow[]> {
    const rows: LoadedRow[] = [];
    const iter = this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${partition}` },
    });
    for await (const entity of iter) rows.push(fromEntity(entity));
    return rows;
  }

  async getRow(partition: string, rowKey: string): Promise<LoadedRow | undefined> {
    try {
      const entity = await this.table.getEntity<Record<string, unknown>>(partition, rowKey);
      return fromEntity(entity);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  /** Rows whose key starts with `prefix` in every partition (used once, at start-up recovery). */
  async scanPrefix(prefix: string): Promise<LoadedRow[]> {
    const rows: LoadedRow[] = [];
    const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    const iter = this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`RowKey ge ${prefix} and RowKey lt ${end}` },
    });
    for await (const entity of iter) rows.push(fromEntity(entity));
    return rows;
  }

  async queryInstances(
    q: InstanceQuery,
    top: number,
    continuationToken: string | undefined,
  ): Promise<{ rows: LoadedRow[]; continuationToken?: string }> {
    const pages = this.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: instanceFilter(q) } })
      .byPage({ maxPageSize: top, continuationToken });
    for await (const page of pages) {
      return { rows: page.map(fromEntity), continuationToken: page.continuationToken };
    }
    return { rows: [] };
  }

  async commit(partition: string, plan: CommitPlan): Promise<void> {
    const { writes, final, deletes } = plan;
    if (fitsOneTransaction(plan)) {
      // One entity-group transaction is atomic: the whole step is stored, or none of it.
      plan.afterWrites?.();
      await this.submit(partition, [...writes, ...final], deletes);
      return;
    }
    for (let i = 0; i < writes.length; i += BATCH_LIMIT) {
      await this.submit(partition, writes.slice(i, i + BATCH_LIMIT), []);
    }
    plan.afterWrites?.();
    const room = Math.max(0, BATCH_LIMIT - final.length);
    await this.submit(partition, final, deletes.slice(0, room));
    for (let i = room; i < deletes.length; i += BATCH_LIMIT) {
      await this.submit(partition, [], deletes.slice(i, i + BATCH_LIMIT));
    }
  }

  async put(partition: string, rows: Row[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH_LIMIT) {
      await this.submit(partition, rows.slice(i, i + BATCH_LIMIT), []);
    }
  }

  async deleteRows(partition: string, rowKeys: string[]): Promise<void> {
    for (let i = 0; i < rowKeys.length; i += BATCH_LIMIT) {
      await this.submit(partition, [], rowKeys.slice(i, i + BATCH_LIMIT));
    }
  }

  private async submit(partition: string, upserts: Row[], deletes: string[]): Promise<void> {
    if (upserts.length + deletes.length === 0) return;
    const tx = new TableTransaction();
    for (const row of upserts) tx.upsertEntity(toEntity(partition, row), 'Replace');
    for (const rowKey of deletes) tx.deleteEntity(partition, rowKey);
    try {
      await this.table.submitTransaction(tx.actions);
    } catch (err) {
      // A delete of a row already gone fails the whole group; retry without the missing rows.
      if (deletes.length > 0 && (err as { statusCode?: number }).statusCode === 404) {
        const present: string[] = [];
        for (const rowKey of deletes) {
          if (await this.getRow(partition, rowKey)) present.push(rowKey);
        }
        if (present.length === deletes.length) throw err;
        await this.submit(partition, upserts, present);
        return;
      }
      throw err;
    }
  }
}
