/**
 * The durable task hub: dispatches orchestration episodes, activities, entity batches and timers,
 * with every state change stored in the table before anyone relies on it. The in-memory maps are
 * caches and indexes of what is stored; a fresh process rebuilds them from the table.
 */
import { randomUUID } from 'node:crypto';
import { EventType, failureFromError, type HistoryEvent } from './history';
import { deterministicId, insertSorted, newMessage, WakeHeap } from './inbox';
import type { FaultHook } from './fault-points';
import type { DurableInvoker } from './invoker';
import type { Message, StoredMessage } from './messages';
import { isRetryEvent, runEpisode, type EpisodeResult } from './orchestration-episode';
import { captureRollback, TERMINAL, type OrchestrationState } from './orchestration-state';
import {
  activityRow,
  activityRowKey,
  committedSeq,
  entityStateRow,
  historyRowKey,
  messageFromRow,
  messageRow,
  orchestrationFromRows,
  orchestrationStateRow,
  outboxRow,
  outboxRowKey,
  isStateRowKey,
  rowCommitSeq,
  stateRowKey,
  type ActivityWorkItem,
  type EntityStateData,
  type OutboxItem,
} from './state-rows';
import { decodeKey, encodeKey, type HubStore, type LoadedRow, type Row } from './table-store';

export interface TaskHubOptions {
  store: HubStore;
  invoker: DurableInvoker;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  maxConcurrentActivities: number;
  maxConcurrentOrchestrations: number;
  /** Host crashes while one activity work item was running, after which it is failed as poison. */
  maxActivityDeliveries?: number;
  /** Log every dispatch (DEVHOST_TRACE=1). */
  trace?: boolean;
  /** Durability tests only: lets the host end itself at a named point (DEVHOST_FAULT). */
  fault?: FaultHook;
}

interface Partition {
  id: string;
  inbox: StoredMessage[];
  busy: boolean;
  queued: boolean;
  loaded: boolean;
  orch?: OrchestrationState;
  entity?: EntityStateData;
  completions: { item: ActivityWorkItem; message: StoredMessage }[];
  /** Holds only messages it cannot process yet; woken by the next message. */
  parked?: boolean;
  flushing: boolean;
}

const MAX_BATCH = 100;
const MAX_ENTITY_BATCH = 50;
const PROCESSED_IDS_KEPT = 2000;
const OUTBOX_RETRY_MS = 1000;
/** setTimeout's ceiling; far timers re-arm until due. */
const MAX_WAKE_MS = 60 * 60 * 1000;

export class TaskHub {
  private readonly partitions = new Map<string, Partition>();
  private readonly ready: string[] = [];
  private readonly wakes = new WakeHeap();
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private readonly activityQueue: ActivityWorkItem[] = [];
  private runningActivities = 0;
  private runningPartitions = 0;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];
  /**
   * Work items that were running when a host died. Each runs alone, so that a crash while it runs
   * is counted against it and not against innocent neighbours.
   */
  private readonly suspects: ActivityWorkItem[] = [];
  private runningSuspect = false;
  /**
   * Work items queued or running, by partition and row: an item is run once at a time however
   * it was found, so two results never race to delete the same row.
   */
  private readonly workInHand = new Set<string>();
  /** Per source partition: the send in progress, which the next one waits for. */
  private readonly outboxQueues = new Map<string, Promise<void>>();
  private readonly startMarks = new Map<
    string,
    { items: ActivityWorkItem[]; waiters: (() => void)[] }
  >();

  constructor(private readonly options: TaskHubOptions) {}

  get store(): HubStore {
    return this.options.store;
  }

  private trace(message: string): void {
    if (this.options.trace) this.options.log('info', message);
  }

  // ---------------------------------------------------------------- start-up recovery

  async start(): Promise<void> {
    const { store } = this.options;
    // Read everything first: acting on a row (a send, a work item) starts steps that write more.
    const outboxRows = await store.scanPrefix('O-');
    const workRows = await store.scanPrefix('A-');
    const messageRows = await store.scanPrefix('M-');
    const stored = await this.storedRowFilter([...outboxRows, ...workRows]);
    // Resend what each partition had not finished sending, oldest first, ahead of anything new.
    const unsent = new Map<string, OutboxItem[]>();
    for (const row of outboxRows.filter(stored)) {
      const items = unsent.get(row.partition) ?? [];
      items.push(row.data as OutboxItem);
      unsent.set(row.partition, items);
    }
    for (const [sourceKey, items] of unsent) {
      items.sort((a, b) => (a.message.rowKey < b.message.rowKey ? -1 : 1));
      void this.sendOutbox(sourceKey, items);
    }
    const maxDeliveries = this.options.maxActivityDeliveries ?? 5;
    for (const row of workRows.filter(stored)) {
      const item = row.data as ActivityWorkItem;
      this.trace(`recovered work item ${item.name} ${item.instanceId}#${item.taskId}`);
      // Only an item that had started when its host vanished counts as a (possibly fatal) delivery.
      if (item.started) item.deliveries += 1;
      item.started = false;
      if (item.deliveries >= maxDeliveries) {
        const message = `Activity '${item.name}' was running each of the ${item.deliveries} times the host process ended unexpectedly; it is treated as a poison work item and failed.`;
        this.options.log('error', `${message} (${item.instanceId}#${item.taskId})`);
        await this.completeActivity(item, {
          ok: false,
          reason: message,
          details: { ErrorType: 'PoisonWorkItem', ErrorMessage: message },
        });
        continue;
      }
      await store.put(row.partition, [activityRow(item)]);
      this.enqueueActivity(item, item.deliveries > 0);
    }
    // Messages a step wrote for its own instance are checked when the instance loads.
    for (const row of messageRows) {
      const p = this.partition(decodeKey(row.partition));
      insertSorted(p.inbox, messageFromRow(row));
    }
    for (const p of this.partitions.values()) this.schedule(p);
    this.pumpActivities();
  }

  /**
   * Which of these rows belong to a step that was stored: a host killed after a step wrote its
   * work items and messages but before its state row made it count leaves rows nobody may act
   * on, since the step will run again (see rowCommitSeq). One point read per partition concerned.
   */
  private async storedRowFilter(rows: LoadedRow[]): Promise<(row: LoadedRow) => boolean> {
    const committed = new Map<string, number>();
    for (const row of rows) {
      if (rowCommitSeq(row) === 0 || committed.has(row.partition)) continue;
      const instanceId = decodeKey(row.partition);
      committed.set(
        row.partition,
        committedSeq(await this.options.store.getRow(row.partition, stateRowKey(instanceId))),
      );
    }
    return (row) => {
      const stored = rowCommitSeq(row) <= (committed.get(row.partition) ?? 0);
      if (!stored) this.trace(`ignored ${row.rowKey} of an unfinished step of ${row.partition}`);
      return stored;
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
  }

  /** Stops taking work and waits (bounded) for what is running to finish and be stored. */
  async drain(timeoutMs: number): Promise<void> {
    this.stop();
    const deadline = Date.now() + timeoutMs;
    while ((this.runningActivities > 0 || this.runningPartitions > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Resolves when nothing is running or due (used by tests and benchmarks). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return (
      this.runningActivities === 0 &&
      this.runningPartitions === 0 &&
      this.ready.length === 0 &&
      this.activityQueue.length === 0 &&
      this.suspects.length === 0
    );
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  // ---------------------------------------------------------------- client operations

  /** Starts an instance; returns false if one with this id is still running. */
  async startNew(
    name: string,
    instanceId: string,
    input: string | undefined,
    version?: string,
  ): Promise<boolean> {
    const existing = await this.getOrchestrationSummary(instanceId);
    if (existing && !TERMINAL.has(existing.status)) return false;
    const now = new Date().toISOString();
    const state: OrchestrationState = {
      instanceId,
      name,
      version,
      status: 'Pending',
      input,
      createdAt: now,
      updatedAt: now,
      executionId: randomUUID(),
      history: [],
      historyStart: existing?.historyNext ?? 0,
      historyNext: existing?.historyNext ?? 0,
      // Steps keep counting across runs: rows the last run stored must still count as stored.
      commitSeq: existing?.commitSeq,
      nextId: 0,
      actions: [],
      retries: {},
      consumed: new Set(),
    };
    const start = newMessage({ kind: 'ExecutionStarted', name, input, version });
    const p = this.partition(instanceId);
    await this.options.store.put(encodeKey(instanceId), [
      orchestrationStateRow(state),
      messageRow(start),
    ]);
    p.orch = state;
    p.loaded = true;
    insertSorted(p.inbox, start);
    this.schedule(p);
    return true;
  }

  /** Delivers a message to an instance's inbox (stored first, then dispatched). */
  async send(target: string, body: Message, visibleAt = Date.now()): Promise<void> {
    const message = newMessage(body, visibleAt);
    await this.options.store.put(encodeKey(target), [messageRow(message)]);
    this.accept(target, message);
  }

  /** The state row alone (no history): one point read. */
  async getOrchestrationSummary(instanceId: string): Promise<OrchestrationState | undefined> {
    const cached = this.partitions.get(instanceId);
    if (cached?.loaded && cached.orch && !cached.busy) return cached.orch;
    const row = await this.options.store.getRow(encodeKey(instanceId), stateRowKey(instanceId));
    return row ? orchestrationFromRows(instanceId, [row]) : undefined;
  }

  async getOrchestration(instanceId: string): Promise<OrchestrationState | undefined> {
    const cached = this.partitions.get(instanceId);
    // While a step runs, the cached state is ahead of storage until it commits: read what is
    // stored instead, so nobody sees a status that a crash could still take back.
    if (cached?.loaded && cached.orch && !cached.busy) return cached.orch;
    const rows = await this.options.store.loadPartition(encodeKey(instanceId));
    return orchestrationFromRows(instanceId, rows);
  }

  async getEntity(entityId: string): Promise<EntityStateData | undefined> {
    const cached = this.partitions.get(entityId);
    if (cached?.loaded && cached.entity) return cached.entity;
    const row = await this.options.store.getRow(encodeKey(entityId), stateRowKey(entityId));
    return row?.data as EntityStateData | undefined;
  }

  /** Deletes every row of a finished instance. Returns false if there is nothing to purge. */
  async purge(instanceId: string): Promise<boolean> {
    const key = encodeKey(instanceId);
    const rows = await this.options.store.loadPartition(key);
    const state = orchestrationFromRows(instanceId, rows);
    if (!state || !TERMINAL.has(state.status)) return false;
    // A finished instance can still be committing its last step's bookkeeping (the status row
    // is already terminal); Azure purges it anyway, so wait for that step rather than refuse.
    for (let waited = 0; this.partitions.get(instanceId)?.busy && waited < 5_000; waited += 25) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (this.partitions.get(instanceId)?.busy) return false;
    await this.options.store.deleteRows(
      key,
      rows.map((r) => r.rowKey),
    );
    this.partitions.delete(instanceId);
    return true;
  }

  // ---------------------------------------------------------------- dispatch

  private partition(id: string): Partition {
    let p = this.partitions.get(id);
    if (!p) {
      p = {
        id,
        inbox: [],
        busy: false,
        queued: false,
        loaded: false,
        completions: [],
        flushing: false,
      };
      this.partitions.set(id, p);
    }
    return p;
  }

  private accept(target: string, message: StoredMessage): void {
    const p = this.partition(target);
    p.parked = false;
    insertSorted(p.inbox, message);
    this.schedule(p);
  }

  private schedule(p: Partition): void {
    if (this.stopped || p.parked) return;
    const first = p.inbox[0];
    if (!first) return;
    const now = Date.now();
    const due = p.inbox.some((m) => m.visibleAt <= now);
    if (due) {
      if (!p.queued && !p.busy) {
        p.queued = true;
        this.ready.push(p.id);
        this.pump();
      }
      return;
    }
    const next = Math.min(...p.inbox.map((m) => m.visibleAt));
    this.wakes.push(next, p.id);
    this.armWake();
  }

  private armWake(): void {
    const top = this.wakes.peek();
    if (!top || top.at >= this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = top.at;
    this.wakeTimer = setTimeout(
      () => this.onWake(),
      Math.min(MAX_WAKE_MS, Math.max(0, top.at - Date.now())),
    );
    this.wakeTimer.unref?.();
  }

  private onWake(): void {
    this.wakeAt = Infinity;
    this.wakeTimer = undefined;
    const now = Date.now();
    for (let top = this.wakes.peek(); top && top.at <= now; top = this.wakes.peek()) {
      this.wakes.pop();
      const p = this.partitions.get(top.key);
      if (p) this.schedule(p);
    }
    this.armWake();
  }

  private pump(): void {
    while (
      !this.stopped &&
      this.runningPartitions < this.options.maxConcurrentOrchestrations &&
      this.ready.length > 0
    ) {
      const id = this.ready.shift()!;
      const p = this.partitions.get(id);
      if (!p) continue;
      p.queued = false;
      if (p.busy) continue;
      p.busy = true;
      this.runningPartitions++;
      void this.process(p).finally(() => {
        p.busy = false;
        this.runningPartitions--;
        this.schedule(p);
        this.evictIfDone(p);
        this.pump();
        this.checkIdle();
      });
    }
  }

  private evictIfDone(p: Partition): void {
    const finished = p.orch ? TERMINAL.has(p.orch.status) : false;
    if (finished && p.inbox.length === 0 && !p.busy && !p.queued && p.completions.length === 0) {
      this.partitions.delete(p.id);
    }
  }

  private async process(p: Partition): Promise<void> {
    try {
      if (!p.loaded) await this.load(p);
      const now = Date.now();
      const visible = p.inbox.filter((m) => m.visibleAt <= now);
      if (visible.length === 0) return;
      if (p.id.startsWith('@')) await this.processEntity(p, visible);
      else await this.processOrchestration(p, visible);
      // Nothing consumed (e.g. a suspended instance holding events): wait for a new message
      // instead of spinning on the ones that cannot be processed yet.
      const before = new Set(visible.map((m) => m.rowKey));
      if (p.inbox.filter((m) => before.has(m.rowKey)).length === before.size) p.parked = true;
    } catch (err) {
      this.options.log(
        'error',
        `Work on '${p.id}' failed and will be retried: ${(err as Error).stack ?? String(err)}`,
      );
      p.loaded = false;
      p.orch = undefined;
      p.entity = undefined;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async load(p: Partition): Promise<void> {
    const knownBefore = new Set(p.inbox.map((m) => m.rowKey));
    const key = encodeKey(p.id);
    const rows = await this.withoutUnfinishedSteps(
      key,
      await this.options.store.loadPartition(key),
    );
    for (const row of rows)
      if (row.rowKey.startsWith('M-')) insertSorted(p.inbox, messageFromRow(row));
    const stored = new Set(rows.map((r) => r.rowKey));
    // Drop what storage no longer has (consumed by a commit whose bookkeeping was lost), but
    // keep messages delivered while the partition was loading: they are newer than the read.
    p.inbox = p.inbox.filter((m) => stored.has(m.rowKey) || !knownBefore.has(m.rowKey));
    if (p.id.startsWith('@')) {
      const stateRow = rows.find((r) => isStateRowKey(r.rowKey));
      p.entity = (stateRow?.data as EntityStateData | undefined) ?? {
        exists: false,
        processed: [],
      };
    } else {
      p.orch = orchestrationFromRows(p.id, rows);
    }
    p.loaded = true;
  }

  /**
   * Deletes the rows of a step that never completed (see rowCommitSeq) before the partition runs
   * its next step, which writes them anew: left behind, they would count as stored once a later
   * step raises the state row's number past theirs.
   */
  private async withoutUnfinishedSteps(key: string, rows: LoadedRow[]): Promise<LoadedRow[]> {
    const committed = committedSeq(rows.find((r) => isStateRowKey(r.rowKey)));
    const unfinished = rows.filter((r) => rowCommitSeq(r) > committed);
    if (unfinished.length === 0) return rows;
    this.trace(`dropping ${unfinished.length} rows of an unfinished step of ${decodeKey(key)}`);
    await this.options.store.deleteRows(
      key,
      unfinished.map((r) => r.rowKey),
    );
    return rows.filter((r) => rowCommitSeq(r) <= committed);
  }

  // ---------------------------------------------------------------- orchestrations

  private async processOrchestration(p: Partition, visible: StoredMessage[]): Promise<void> {
    let state = p.orch;
    const discard: StoredMessage[] = [];

    if (!state || TERMINAL.has(state.status)) {
      const startIdx = visible.findIndex(
        (m) => m.body.kind === 'ExecutionStarted' && !state?.consumed.has(m.id),
      );
      if (startIdx < 0) {
        await this.discard(p, visible);
        return;
      }
      discard.push(...visible.slice(0, startIdx));
      const start = visible[startIdx]!;
      state = this.freshExecution(p.id, state, start);
      p.orch = state;
      visible = visible.slice(startIdx);
    }

    const terminate = visible.find((m) => m.body.kind === 'Terminate');
    if (terminate && terminate.body.kind === 'Terminate') {
      await this.finishControl(
        p,
        state,
        [...discard, ...visible],
        'Terminated',
        terminate.body.reason,
      );
      return;
    }
    const control = visible.filter(isSuspendOrResume);
    // Before its first step an instance has nothing to suspend yet: the step that starts it runs
    // first (with what arrived before the control message), and the control message right after.
    if (control.length > 0 && state.status !== 'Pending') {
      const last = control[control.length - 1]!;
      const suspend = last.body.kind === 'Suspend';
      if ((state.status === 'Suspended') !== suspend) {
        await this.finishControl(
          p,
          state,
          [...discard, ...control],
          suspend ? 'Suspended' : 'Running',
          (last.body as { reason?: string }).reason,
        );
      } else {
        await this.discard(p, [...discard, ...control]);
      }
      return;
    }
    if (state.status === 'Suspended') {
      if (discard.length > 0) await this.discard(p, discard);
      return;
    }

    const batch: StoredMessage[] = [];
    for (const m of visible) {
      if (isSuspendOrResume(m)) {
        if (batch.length > 0) break;
        continue;
      }
      if (state.consumed.has(m.id) || isStale(state, m.body)) {
        discard.push(m);
        continue;
      }
      if (m.body.kind === 'ExecutionStarted' && state.history.length > 0) {
        discard.push(m); // a duplicate start of a running instance
        continue;
      }
      const lone = isRetryEvent(state, m.body);
      if (lone && batch.length > 0) break;
      batch.push(m);
      if (lone || batch.length >= MAX_BATCH) break;
    }
    if (batch.length === 0) {
      await this.discard(p, discard);
      return;
    }
    // An execution's history opens with its start, even when messages for it were queued first
    // (events carried over from the previous generation).
    const startAt = batch.findIndex((m) => m.body.kind === 'ExecutionStarted');
    if (startAt > 0) batch.unshift(...batch.splice(startAt, 1));
    await this.runAndCommit(p, state, batch, discard);
  }

  private freshExecution(
    instanceId: string,
    previous: OrchestrationState | undefined,
    start: StoredMessage,
  ): OrchestrationState {
    const body = start.body as Extract<Message, { kind: 'ExecutionStarted' }>;
    const now = new Date().toISOString();
    const sameRun = previous?.status === 'Pending';
    return {
      instanceId,
      name: body.name,
      version: body.version,
      status: 'Pending',
      input: body.input,
      createdAt: sameRun && previous ? previous.createdAt : now,
      updatedAt: now,
      // Derived from the start message: a first step re-run after a crash keeps the same id.
      executionId:
        sameRun && previous ? previous.executionId : deterministicId(instanceId, start.id),
      parent: body.parent,
      history: [],
      historyStart: previous?.historyNext ?? 0,
      historyNext: previous?.historyNext ?? 0,
      commitSeq: previous?.commitSeq,
      nextId: 0,
      actions: [],
      retries: {},
      consumed: new Set(),
    };
  }

  private async runAndCommit(
    p: Partition,
    state: OrchestrationState,
    batch: StoredMessage[],
    discard: StoredMessage[],
  ): Promise<void> {
    const first = batch[0]!.body;
    if (first.kind === 'ExecutionStarted') {
      state.parent = first.parent;
      state.input = first.input;
      state.name = first.name;
    }
    if (!this.options.invoker.has('orchestration', state.name)) {
      const episode = failedWithoutRunning(
        state,
        batch,
        `The function '${state.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
      await this.commitEpisode(p, state, batch, discard, episode);
      return;
    }
    const run = (messages: StoredMessage[]) =>
      runEpisode(state, messages, new Date(), (payload) =>
        this.options.invoker.runOrchestrator(state.name, payload),
      );
    const rollback = batch.length > 1 ? captureRollback(state) : undefined;
    let episode = await run(batch);
    if (episode.outcome.kind === 'continuedAsNew' && rollback) {
      // The SDK stops at the message that ended the generation; the ones after it were never
      // seen, yet they would be consumed with the step. Take one message at a time instead, so
      // an event the generation did not see stays queued for the next one.
      rollback(batch.map((m) => m.id));
      batch = batch.slice(0, 1);
      episode = await run(batch);
    }
    await this.commitEpisode(p, state, batch, discard, episode);
  }

  private async commitEpisode(
    p: Partition,
    state: OrchestrationState,
    batch: StoredMessage[],
    discard: StoredMessage[],
    episode: EpisodeResult,
  ): Promise<void> {
    const now = new Date();
    const commitSeq = (state.commitSeq ?? 0) + 1;
    const writes: Row[] = [];
    episode.events.forEach((event, i) =>
      writes.push({ rowKey: historyRowKey(state.instanceId, state.historyNext + i), data: event }),
    );
    state.historyNext += episode.events.length;

    const activities: ActivityWorkItem[] = episode.effects.activities.map((a) => ({
      instanceId: state.instanceId,
      executionId: state.executionId,
      taskId: a.taskId,
      name: a.name,
      input: a.input,
      attempt: a.attempt,
      deliveries: 0,
      commitSeq,
    }));
    this.markStartingAtOnce(activities);
    for (const item of activities) writes.push(activityRow(item));

    const selfMessages: StoredMessage[] = [];
    for (const t of episode.effects.timers) {
      selfMessages.push(
        newMessage(
          {
            kind: 'TimerFired',
            executionId: state.executionId,
            timerId: t.timerId,
            fireAt: t.fireAt,
          },
          Date.parse(t.fireAt),
          deterministicId(state.instanceId, state.executionId, 'timer', t.timerId),
        ),
      );
    }
    for (const m of episode.effects.selfMessages)
      selfMessages.push(newMessage(m.message, m.visibleAt, m.id));

    const outbox: OutboxItem[] = episode.effects.outbound.map((o) => ({
      target: o.target,
      message: newMessage(o.message, Date.now(), o.id),
    }));
    const { outcome } = episode;
    const previousHistoryStart = state.historyStart;
    const handled = new Set([...batch, ...discard].map((m) => m.rowKey));
    const orphans =
      outcome.kind === 'running' ? [] : pendingTimers(p.inbox, state.executionId, handled);
    if (episode.customStatus !== undefined) state.customStatus = episode.customStatus;
    state.updatedAt = now.toISOString();
    if (outcome.kind === 'running') {
      state.status = 'Running';
    } else if (outcome.kind === 'completed') {
      state.status = 'Completed';
      state.output = outcome.output;
      if (state.parent)
        outbox.push(
          this.toParent(state, {
            kind: 'SubOrchestrationCompleted',
            executionId: state.parent.executionId,
            taskId: state.parent.taskId,
            result: outcome.output,
          }),
        );
    } else if (outcome.kind === 'failed') {
      state.status = 'Failed';
      state.failure = { message: outcome.message, details: outcome.details };
      state.output = JSON.stringify(outcome.message);
      if (state.parent) {
        outbox.push(
          this.toParent(state, {
            kind: 'SubOrchestrationFailed',
            executionId: state.parent.executionId,
            taskId: state.parent.taskId,
            reason: outcome.message,
            details: outcome.details ?? {
              ErrorType: 'OrchestrationFailed',
              ErrorMessage: outcome.message,
            },
          }),
        );
      }
    } else {
      const carried = unconsumedEvents(state);
      const next = deterministicId(state.instanceId, state.executionId, 'continue');
      selfMessages.push(
        newMessage(
          {
            kind: 'ExecutionStarted',
            name: state.name,
            input: outcome.input,
            version: state.version,
            parent: state.parent,
          },
          Date.now(),
          deterministicId(next, 'start'),
        ),
      );
      carried.forEach((e, i) =>
        selfMessages.push(
          newMessage(
            { kind: 'EventRaised', name: e.Name ?? '', input: e.Input },
            Date.now(),
            deterministicId(next, 'carried', i),
          ),
        ),
      );
      state.status = 'Running';
      state.input = outcome.input;
      state.output = undefined;
      state.executionId = next;
      state.history = [];
      state.historyStart = state.historyNext;
      state.nextId = 0;
      state.actions = [];
      state.retries = {};
      state.consumed = new Set([...batch.map((m) => m.id)]);
    }
    for (const m of selfMessages) writes.push(messageRow(m, commitSeq));
    for (const o of outbox) writes.push(outboxRow({ ...o, commitSeq }));
    state.commitSeq = commitSeq;

    await this.options.store.commit(encodeKey(state.instanceId), {
      writes,
      final: [orchestrationStateRow(state)],
      deletes: [...batch, ...discard, ...orphans].map((m) => m.rowKey),
      afterWrites: () => this.options.fault?.('before-orchestration-state', state.name),
    });

    this.options.fault?.('after-orchestration-step', state.name);
    const consumed = new Set([...batch, ...discard, ...orphans].map((m) => m.rowKey));
    p.inbox = p.inbox.filter((m) => !consumed.has(m.rowKey));
    for (const m of selfMessages) insertSorted(p.inbox, m);
    for (const item of activities) this.enqueueActivity(item);
    this.pumpActivities();
    if (outbox.length > 0) void this.sendOutbox(encodeKey(state.instanceId), outbox);
    if (outcome.kind === 'continuedAsNew')
      void this.dropHistory(state.instanceId, previousHistoryStart, state.historyStart);
  }

  private toParent(state: OrchestrationState, body: Message): OutboxItem {
    const id = deterministicId(state.instanceId, state.executionId, 'result');
    return { target: state.parent!.instanceId, message: newMessage(body, Date.now(), id) };
  }

  private async finishControl(
    p: Partition,
    state: OrchestrationState,
    consumedMessages: StoredMessage[],
    status: 'Terminated' | 'Suspended' | 'Running',
    reason?: string,
  ): Promise<void> {
    const now = new Date().toISOString();
    const type =
      status === 'Terminated'
        ? EventType.ExecutionTerminated
        : status === 'Suspended'
          ? EventType.ExecutionSuspended
          : EventType.ExecutionResumed;
    const event: HistoryEvent = {
      EventType: type,
      EventId: -1,
      IsPlayed: true,
      Timestamp: now,
      Input: reason === undefined ? undefined : JSON.stringify(reason),
    };
    const outbox: OutboxItem[] = [];
    const commitSeq = (state.commitSeq ?? 0) + 1;
    state.status = status;
    state.updatedAt = now;
    if (status === 'Terminated') {
      state.output = JSON.stringify(reason ?? '');
      if (state.parent) {
        outbox.push(
          this.toParent(state, {
            kind: 'SubOrchestrationFailed',
            executionId: state.parent.executionId,
            taskId: state.parent.taskId,
            reason: `Terminated: ${reason ?? ''}`,
            details: { ErrorType: 'Terminated', ErrorMessage: reason ?? 'terminated' },
          }),
        );
      }
    }
    const writes: Row[] = [
      { rowKey: historyRowKey(state.instanceId, state.historyNext), data: event },
      ...outbox.map((o) => outboxRow({ ...o, commitSeq })),
    ];
    state.commitSeq = commitSeq;
    state.historyNext += 1;
    state.history.push(event);
    const orphans =
      status === 'Terminated'
        ? pendingTimers(p.inbox, state.executionId, new Set(consumedMessages.map((m) => m.rowKey)))
        : [];
    await this.options.store.commit(encodeKey(state.instanceId), {
      writes,
      final: [orchestrationStateRow(state)],
      deletes: [...consumedMessages, ...orphans].map((m) => m.rowKey),
    });
    const gone = new Set([...consumedMessages, ...orphans].map((m) => m.rowKey));
    p.inbox = p.inbox.filter((m) => !gone.has(m.rowKey));
    if (outbox.length > 0) void this.sendOutbox(encodeKey(state.instanceId), outbox);
  }

  private async discard(p: Partition, messages: StoredMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.options.store.deleteRows(
      encodeKey(p.id),
      messages.map((m) => m.rowKey),
    );
    const gone = new Set(messages.map((m) => m.rowKey));
    p.inbox = p.inbox.filter((m) => !gone.has(m.rowKey));
  }

  private async dropHistory(instanceId: string, from: number, to: number): Promise<void> {
    const keys: string[] = [];
    for (let seq = from; seq < to; seq++) keys.push(historyRowKey(instanceId, seq));
    try {
      await this.options.store.deleteRows(encodeKey(instanceId), keys);
    } catch (err) {
      this.options.log('warn', `Could not drop old history of '${instanceId}': ${String(err)}`);
    }
  }

  // ---------------------------------------------------------------- outbox

  /**
   * Sends a partition's messages in the order it stored them, each batch after the previous one
   * from the same partition has gone out. A receiver takes its inbox in row-key order, so a
   * message that overtook an older one from the same sender (a slow or retried write) would be
   * applied first: per-sender order, which entity operations promise, depends on this queue.
   */
  private sendOutbox(sourceKey: string, items: OutboxItem[]): Promise<void> {
    const previous = this.outboxQueues.get(sourceKey) ?? Promise.resolve();
    const sent = previous.then(() => this.deliverOutbox(sourceKey, items));
    this.outboxQueues.set(sourceKey, sent);
    void sent.then(() => {
      if (this.outboxQueues.get(sourceKey) === sent) this.outboxQueues.delete(sourceKey);
    });
    return sent;
  }

  private async deliverOutbox(sourceKey: string, items: OutboxItem[]): Promise<void> {
    for (const item of items) {
      for (;;) {
        try {
          await this.options.store.put(encodeKey(item.target), [messageRow(item.message)]);
          this.accept(item.target, item.message);
          break;
        } catch (err) {
          // Left in the outbox: the next host resends it, in order, before anything newer.
          if (this.stopped) return;
          this.options.log(
            'error',
            `Sending a message from '${decodeKey(sourceKey)}' to '${item.target}' failed; retrying: ${String(err)}`,
          );
          await new Promise((r) => setTimeout(r, OUTBOX_RETRY_MS));
        }
      }
    }
    try {
      await this.options.store.deleteRows(
        sourceKey,
        items.map((i) => outboxRowKey(i.message.id)),
      );
    } catch (err) {
      // Harmless: a later host resends them, and receivers apply each message id once.
      this.options.log(
        'warn',
        `Could not clear sent messages of '${decodeKey(sourceKey)}': ${String(err)}`,
      );
    }
  }

  // ---------------------------------------------------------------- activities

  private enqueueActivity(item: ActivityWorkItem, suspect = false): void {
    const key = workItemKey(item);
    if (this.workInHand.has(key)) return;
    this.workInHand.add(key);
    if (suspect) this.suspects.push(item);
    else this.activityQueue.push(item);
  }

  private pumpActivities(): void {
    if (this.stopped || this.runningSuspect) return;
    if (this.suspects.length > 0) {
      if (this.runningActivities > 0) return;
      const suspect = this.suspects.shift()!;
      this.runningSuspect = true;
      this.runningActivities++;
      void this.runActivity(suspect).finally(() => {
        this.runningSuspect = false;
        this.runningActivities--;
        this.pumpActivities();
        this.checkIdle();
      });
      return;
    }
    while (
      this.runningActivities < this.options.maxConcurrentActivities &&
      this.activityQueue.length > 0
    ) {
      const item = this.activityQueue.shift()!;
      this.runningActivities++;
      void this.runActivity(item).finally(() => {
        this.runningActivities--;
        this.pumpActivities();
        this.checkIdle();
      });
    }
  }

  private async runActivity(item: ActivityWorkItem): Promise<void> {
    let outcome;
    if (!this.options.invoker.has('activity', item.name)) {
      outcome = {
        ok: false as const,
        reason: `The function '${item.name}' doesn't exist, is disabled, or is not an activity function.`,
        details: {
          ErrorType: 'FunctionNotFound',
          ErrorMessage: `The function '${item.name}' doesn't exist, is disabled, or is not an activity function.`,
        },
      };
    } else {
      try {
        await this.markStarted(item);
        this.trace(`activity start ${item.name} ${item.instanceId}#${item.taskId}`);
        outcome = await this.options.invoker.runActivity(item.name, item.input);
        this.trace(
          `activity done ${item.name} ${item.instanceId}#${item.taskId} ok=${String(outcome.ok)}`,
        );
      } catch (err) {
        const f = failureFromError(err);
        outcome = { ok: false as const, reason: f.reason, details: f.details };
      }
    }
    await this.completeActivity(item, outcome);
    this.workInHand.delete(workItemKey(item));
  }

  /**
   * Work items that will start as soon as their step is stored (there is room for them now) are
   * stored already marked as started, which saves a write per step: only a crash in the instant
   * between that commit and their start counts a delivery they did not have, against a limit of
   * several. The others are marked when they start (markStarted).
   */
  private markStartingAtOnce(items: ActivityWorkItem[]): void {
    if (this.runningSuspect || this.suspects.length > 0) return;
    let room =
      this.options.maxConcurrentActivities - this.runningActivities - this.activityQueue.length;
    for (const item of items) {
      if (room-- <= 0) return;
      item.started = true;
    }
  }

  /**
   * Records that a work item is about to run, before it runs: if the process dies now, the next
   * host counts this delivery towards the poison limit. Marks made in the same tick share writes.
   * An item stored already marked (markStartingAtOnce) needs no write.
   */
  private markStarted(item: ActivityWorkItem): Promise<void> {
    if (item.started) return Promise.resolve();
    item.started = true;
    const key = encodeKey(item.instanceId);
    return new Promise((resolve) => {
      let batch = this.startMarks.get(key);
      if (!batch) {
        batch = { items: [], waiters: [] };
        this.startMarks.set(key, batch);
        setImmediate(() => void this.flushStartMarks(key));
      }
      batch.items.push(item);
      batch.waiters.push(resolve);
    });
  }

  private async flushStartMarks(key: string): Promise<void> {
    const batch = this.startMarks.get(key);
    this.startMarks.delete(key);
    if (!batch) return;
    try {
      await this.options.store.put(key, distinctRows(batch.items.map(activityRow)));
    } catch (err) {
      // Only poison accounting depends on the mark; the work itself is still safe to run.
      this.options.log(
        'warn',
        `Could not record the start of work items in '${decodeKey(key)}': ${String(err)}`,
      );
    }
    for (const resolve of batch.waiters) resolve();
  }

  /** Stores the result in the orchestration's inbox and removes the work item, in one transaction. */
  private completeActivity(
    item: ActivityWorkItem,
    outcome: Awaited<ReturnType<DurableInvoker['runActivity']>>,
  ): Promise<void> {
    const body: Message = outcome.ok
      ? {
          kind: 'TaskCompleted',
          executionId: item.executionId,
          taskId: item.taskId,
          result: outcome.result,
        }
      : {
          kind: 'TaskFailed',
          executionId: item.executionId,
          taskId: item.taskId,
          reason: outcome.reason,
          details: outcome.details,
        };
    const p = this.partition(item.instanceId);
    return new Promise((resolve) => {
      const id = deterministicId(item.instanceId, item.executionId, 'task', item.taskId);
      p.completions.push({ item, message: newMessage(body, Date.now(), id) });
      void this.flushCompletions(p).then(resolve, resolve);
    });
  }

  /** Group commit: results that finish while a write is in flight go out together in the next one. */
  private async flushCompletions(p: Partition): Promise<void> {
    if (p.flushing) return;
    p.flushing = true;
    try {
      while (p.completions.length > 0) {
        const group = distinctCompletions(p.completions.splice(0, 50));
        const key = encodeKey(p.id);
        try {
          await this.options.store.commit(key, {
            writes: [],
            final: group.map((c) => messageRow(c.message)),
            deletes: group.map((c) => activityRowKey(c.item.executionId, c.item.taskId)),
          });
        } catch (err) {
          this.options.log(
            'error',
            `Storing activity results for '${p.id}' failed; retrying: ${String(err)}`,
          );
          p.completions.unshift(...group);
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        for (const c of group) this.options.fault?.('after-activity-result', c.item.name);
        for (const c of group) insertSorted(p.inbox, c.message);
        this.schedule(p);
      }
    } finally {
      p.flushing = false;
    }
  }

  // ---------------------------------------------------------------- entities

  private async processEntity(p: Partition, visible: StoredMessage[]): Promise<void> {
    const entity = p.entity ?? { exists: false, processed: [] };
    const processed = new Set(entity.processed);
    const batch: StoredMessage[] = [];
    const skip: StoredMessage[] = [];
    for (const m of visible) {
      if (m.body.kind !== 'EntityOperation' || processed.has(m.body.id)) skip.push(m);
      else if (batch.length < MAX_ENTITY_BATCH) batch.push(m);
    }
    if (batch.length === 0) {
      await this.discard(p, skip);
      return;
    }
    const { name, key } = parseEntityId(p.id);
    const fn = this.options.invoker.entityFunction(name);
    const ops = batch.map((m) => m.body as Extract<Message, { kind: 'EntityOperation' }>);
    let result;
    if (!fn) {
      // The SDK turns an error result into Error(JSON.parse(result)): a JSON string keeps the text.
      const error = JSON.stringify(`The entity '${name}' is not registered.`);
      result = {
        entityExists: entity.exists,
        entityState: entity.state,
        results: ops.map(() => ({ isError: true, result: error })),
        signals: [],
      };
    } else {
      result = await this.options.invoker.runEntity(fn, {
        self: { name, key },
        exists: entity.exists,
        state: entity.state ?? null,
        batch: ops.map((op) => ({
          id: op.id,
          name: op.operation,
          input: op.input,
          isSignal: op.signal,
        })),
      });
    }
    const outbox: OutboxItem[] = [];
    ops.forEach((op, i) => {
      if (op.signal || !op.parent) return;
      const r = result.results[i] ?? {
        isError: true,
        result: JSON.stringify('The entity returned no result for this operation.'),
      };
      const response: { result?: string; exceptionType?: string } = { result: r.result };
      if (r.isError) response.exceptionType = 'Error';
      outbox.push({
        target: op.parent,
        message: newMessage(
          { kind: 'EventRaised', name: op.id, input: JSON.stringify(response) },
          Date.now(),
          deterministicId(op.id, 'response'),
        ),
      });
    });
    const sentBy = new Map<string, number>();
    for (const s of result.signals) {
      // Attributed to the operation that sent it, so a re-run batch re-sends the same ids.
      const sender = s.requestId ?? p.id;
      const n = sentBy.get(sender) ?? 0;
      sentBy.set(sender, n + 1);
      const id = deterministicId(p.id, sender, 'signal', n);
      outbox.push({
        target: `@${s.target.name.toLowerCase()}@${s.target.key}`,
        message: newMessage(
          {
            kind: 'EntityOperation',
            id,
            operation: s.name,
            input: s.input || undefined,
            signal: true,
          },
          Date.now(),
          id,
        ),
      });
    }
    const commitSeq = (entity.commitSeq ?? 0) + 1;
    const next: EntityStateData = {
      exists: result.entityExists,
      state: result.entityExists ? result.entityState : undefined,
      processed: [...entity.processed, ...ops.map((o) => o.id)].slice(-PROCESSED_IDS_KEPT),
      lastOperationAt: new Date().toISOString(),
      commitSeq,
    };
    await this.options.store.commit(encodeKey(p.id), {
      writes: outbox.map((o) => outboxRow({ ...o, commitSeq })),
      final: [entityStateRow(p.id, next)],
      deletes: [...batch, ...skip].map((m) => m.rowKey),
    });
    this.options.fault?.('after-entity-batch', fn ?? name);
    p.entity = next;
    const gone = new Set([...batch, ...skip].map((m) => m.rowKey));
    p.inbox = p.inbox.filter((m) => !gone.has(m.rowKey));
    if (outbox.length > 0) void this.sendOutbox(encodeKey(p.id), outbox);
  }
}

function workItemKey(item: ActivityWorkItem): string {
  return `${encodeKey(item.instanceId)}/${activityRowKey(item.executionId, item.taskId)}`;
}

/** The last row for each key: a table transaction may name a row only once. */
function distinctRows(rows: Row[]): Row[] {
  return [...new Map(rows.map((row) => [row.rowKey, row])).values()];
}

/**
 * One result per work item: a table transaction may name a row only once, and a transaction that
 * deletes the same work item twice would fail on every retry and hold back every later result.
 */
function distinctCompletions<T extends { item: ActivityWorkItem }>(group: T[]): T[] {
  const seen = new Set<string>();
  return group.filter((c) => {
    const key = workItemKey(c.item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function parseEntityId(id: string): { name: string; key: string } {
  const at = id.indexOf('@', 1);
  return { name: id.slice(1, at), key: id.slice(at + 1) };
}

/**
 * Timers an ended execution still had pending (cancelled, or lost a race): nothing will wait for
 * them, so they are deleted with the step that ends it instead of waking the hub when due.
 */
function pendingTimers(
  inbox: StoredMessage[],
  executionId: string,
  handled: Set<string>,
): StoredMessage[] {
  return inbox.filter(
    (m) =>
      m.body.kind === 'TimerFired' && m.body.executionId === executionId && !handled.has(m.rowKey),
  );
}

function isSuspendOrResume(m: StoredMessage): boolean {
  return m.body.kind === 'Suspend' || m.body.kind === 'Resume';
}

function isStale(state: OrchestrationState, body: Message): boolean {
  return 'executionId' in body && body.executionId !== state.executionId;
}

/** Events raised to this execution that no waitForExternalEvent took: they move to the next one. */
function unconsumedEvents(state: OrchestrationState): HistoryEvent[] {
  // The SDK matches event names exactly (case included), so the count does too.
  const waits = new Map<string, number>();
  for (const sig of state.actions) {
    if (sig.startsWith('WaitForExternalEvent:')) {
      const name = sig.slice('WaitForExternalEvent:'.length);
      waits.set(name, (waits.get(name) ?? 0) + 1);
    }
  }
  const entityRequests = new Set<string>();
  for (const e of state.history) {
    if (e.EventType === EventType.EventSent && e.Input) {
      try {
        entityRequests.add((JSON.parse(e.Input) as { id: string }).id);
      } catch {
        // not an entity request
      }
    }
  }
  const raised = state.history.filter(
    (e) => e.EventType === EventType.EventRaised && !entityRequests.has(e.Name ?? ''),
  );
  const out: HistoryEvent[] = [];
  const seen = new Map<string, number>();
  for (const e of raised) {
    const name = e.Name ?? '';
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n > (waits.get(name) ?? 0)) out.push(e);
  }
  return out;
}

function failedWithoutRunning(
  state: OrchestrationState,
  batch: StoredMessage[],
  message: string,
): EpisodeResult {
  const timestamp = new Date().toISOString();
  const events: HistoryEvent[] = [
    { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: true, Timestamp: timestamp },
    ...batch.map((m) => ({
      EventType: EventType.GenericEvent,
      EventId: -1,
      IsPlayed: true,
      Timestamp: timestamp,
      MessageId: m.id,
    })),
    {
      EventType: EventType.ExecutionFailed,
      EventId: -1,
      IsPlayed: true,
      Timestamp: timestamp,
      Reason: message,
    },
    {
      EventType: EventType.OrchestratorCompleted,
      EventId: -1,
      IsPlayed: true,
      Timestamp: timestamp,
    },
  ];
  state.history.push(...events);
  return {
    events,
    effects: { activities: [], timers: [], selfMessages: [], outbound: [] },
    outcome: { kind: 'failed', message },
  };
}
