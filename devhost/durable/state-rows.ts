/** Mapping between an instance's in-memory state and its rows in the task hub table. */
import type { HistoryEvent } from './history';
import type { StoredMessage } from './messages';
import type { OrchestrationState, RetryState, RuntimeStatus } from './orchestration-state';
import { encodeKey, type LoadedRow, type Row } from './table-store';

/*
 * Row keys carry the partition's own key so they are unique across the table: Azurite looks rows
 * up by RowKey first, and keys shared by every instance ("I", "H-0") would make each lookup scan
 * all instances. Ordering within a partition is unchanged (the suffix is the same).
 */

export const STATE_ROW_PREFIX = 'I~';

export function stateRowKey(instanceId: string): string {
  return `${STATE_ROW_PREFIX}${encodeKey(instanceId)}`;
}

export function isStateRowKey(rowKey: string): boolean {
  return rowKey.startsWith(STATE_ROW_PREFIX);
}

export function historyRowKey(instanceId: string, seq: number): string {
  return `H-${String(seq).padStart(10, '0')}~${encodeKey(instanceId)}`;
}

function historySeq(rowKey: string): number {
  return Number(rowKey.slice(2, 12));
}

export function activityRowKey(executionId: string, taskId: number): string {
  return `A-${executionId}-${String(taskId).padStart(8, '0')}`;
}

export function outboxRowKey(id: string): string {
  return `O-${id}`;
}

interface OrchestrationRowData {
  name: string;
  version?: string;
  input?: string;
  output?: string;
  customStatus?: string;
  failure?: OrchestrationState['failure'];
  parent?: OrchestrationState['parent'];
  executionId: string;
  historyStart: number;
  historyNext: number;
  nextId: number;
  actions: string[];
  retries: Record<string, RetryState>;
  commitSeq?: number;
}

/*
 * A step stores its rows in several transactions: history, work items, timers and outgoing
 * messages first, the state row last, and only the state row makes the step happen. Each early
 * row carries the number the step will have (column CommitSeq), the state row the number of the
 * last step stored, so a row whose number is higher than its state row's was written by a step
 * that never completed (a host killed between the transactions). Such a row is never acted on:
 * the step runs again from its messages and writes its effects anew.
 */

/** The step that wrote a row ahead of its state row; 0 for rows that need no state row. */
export function rowCommitSeq(row: LoadedRow): number {
  const value = Number(row.columns.CommitSeq ?? 0);
  return Number.isFinite(value) ? value : 0;
}

/** The number of steps an orchestration's or entity's state row says were stored. */
export function committedSeq(stateRow: LoadedRow | undefined): number {
  const data = stateRow?.data as { commitSeq?: unknown } | undefined;
  return typeof data?.commitSeq === 'number' ? data.commitSeq : 0;
}

function commitSeqColumn(commitSeq: number | undefined): Record<string, number> {
  return commitSeq ? { CommitSeq: commitSeq } : {};
}

export function orchestrationStateRow(state: OrchestrationState): Row {
  const data: OrchestrationRowData = {
    name: state.name,
    version: state.version,
    input: state.input,
    output: state.output,
    customStatus: state.customStatus,
    failure: state.failure,
    parent: state.parent,
    executionId: state.executionId,
    historyStart: state.historyStart,
    historyNext: state.historyNext,
    nextId: state.nextId,
    actions: state.actions,
    retries: state.retries,
    commitSeq: state.commitSeq,
  };
  return {
    rowKey: stateRowKey(state.instanceId),
    columns: {
      Kind: 'orchestration',
      Name: state.name,
      InstanceId: state.instanceId,
      Status: state.status,
      CreatedAt: state.createdAt,
      UpdatedAt: state.updatedAt,
      ExecutionId: state.executionId,
    },
    data,
  };
}

export function orchestrationFromRows(
  instanceId: string,
  rows: LoadedRow[],
): OrchestrationState | undefined {
  const stateRow = rows.find((r) => isStateRowKey(r.rowKey));
  if (!stateRow || stateRow.columns.Kind !== 'orchestration') return undefined;
  const data = stateRow.data as OrchestrationRowData;
  const history = rows
    .filter((r) => r.rowKey.startsWith('H-'))
    .map((r) => ({ seq: historySeq(r.rowKey), event: r.data as HistoryEvent }))
    .filter((h) => h.seq >= data.historyStart && h.seq < data.historyNext)
    .sort((a, b) => a.seq - b.seq)
    .map((h) => h.event);
  const consumed = new Set<string>();
  for (const e of history) if (e.MessageId) consumed.add(e.MessageId);
  return {
    instanceId,
    name: data.name,
    version: data.version,
    status: stateRow.columns.Status as RuntimeStatus,
    input: data.input,
    output: data.output,
    customStatus: data.customStatus,
    failure: data.failure,
    createdAt: String(stateRow.columns.CreatedAt),
    updatedAt: String(stateRow.columns.UpdatedAt),
    executionId: data.executionId,
    parent: data.parent,
    history,
    historyStart: data.historyStart,
    historyNext: data.historyNext,
    nextId: data.nextId,
    actions: data.actions,
    retries: data.retries,
    commitSeq: data.commitSeq ?? 0,
    consumed,
  };
}

export interface EntityStateData {
  exists: boolean;
  state?: string;
  /** Recently applied request ids: a redelivered operation is applied once. */
  processed: string[];
  lastOperationAt?: string;
  /** Batches stored so far (see rowCommitSeq). */
  commitSeq?: number;
}

export function entityStateRow(instanceId: string, data: EntityStateData): Row {
  return {
    rowKey: stateRowKey(instanceId),
    columns: {
      Kind: 'entity',
      InstanceId: instanceId,
      Exists: data.exists,
      UpdatedAt: data.lastOperationAt ?? '',
    },
    data,
  };
}

/** `commitSeq`: the step that sends a message to its own instance (a timer, the next generation). */
export function messageRow(message: StoredMessage, commitSeq?: number): Row {
  return {
    rowKey: message.rowKey,
    columns: { VisibleAt: message.visibleAt, ...commitSeqColumn(commitSeq) },
    data: { id: message.id, body: message.body },
  };
}

export function messageFromRow(row: LoadedRow): StoredMessage {
  const data = row.data as { id: string; body: StoredMessage['body'] };
  return {
    id: data.id,
    rowKey: row.rowKey,
    visibleAt: Number(row.columns.VisibleAt ?? 0),
    body: data.body,
  };
}

export interface ActivityWorkItem {
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  input?: string;
  attempt: number;
  /** Times a host started this item and then vanished (crash): bounded, to stop poison items. */
  deliveries: number;
  /** Set (and stored) just before the item runs. */
  started?: boolean;
  /** The step that scheduled it (see rowCommitSeq). */
  commitSeq?: number;
}

export function activityRow(item: ActivityWorkItem): Row {
  return {
    rowKey: activityRowKey(item.executionId, item.taskId),
    columns: commitSeqColumn(item.commitSeq),
    data: item,
  };
}

export interface OutboxItem {
  target: string;
  message: StoredMessage;
  /** The step that sends it (see rowCommitSeq). */
  commitSeq?: number;
}

export function outboxRow(item: OutboxItem): Row {
  return {
    rowKey: outboxRowKey(item.message.id),
    columns: commitSeqColumn(item.commitSeq),
    data: item,
  };
}
