/**
 * An in-memory task hub store that a test can trip up at a chosen moment: fail the next write to a
 * partition (a transient storage error), hold the next commit of a partition until released
 * (so messages pile up while a step is being stored), or cut the next commit of a partition short
 * after its early transactions, as a host killed in the middle of storing a step leaves it.
 * Everything else is MemoryStore.
 */
import { MemoryStore } from '../../../devhost/durable/memory-store';
import { isStateRowKey } from '../../../devhost/durable/state-rows';
import { encodeKey, type CommitPlan, type Row } from '../../../devhost/durable/table-store';

interface Hold {
  reached: () => void;
  released: Promise<void>;
}

export class ControllableStore extends MemoryStore {
  private readonly failPuts = new Set<string>();
  private readonly holds = new Map<string, Hold>();
  private readonly cuts = new Map<string, () => void>();

  /** The next `put` into this instance's partition fails once. */
  failNextPut(instanceId: string): void {
    this.failPuts.add(encodeKey(instanceId));
  }

  /**
   * The next commit to this instance's partition waits until `release()`; `reached` resolves when
   * that commit has started waiting.
   */
  holdNextCommit(instanceId: string): { reached: Promise<void>; release: () => void } {
    let release: () => void = () => undefined;
    let reached: () => void = () => undefined;
    const reachedPromise = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    this.holds.set(encodeKey(instanceId), { reached, released });
    return { reached: reachedPromise, release };
  }

  /**
   * The next commit to this instance's partition that stores a state row writes its rows that
   * come before the state row and then never finishes: the process that made it is gone.
   * `reached` resolves when those rows are stored.
   */
  cutNextCommit(instanceId: string): { reached: Promise<void> } {
    let reached: () => void = () => undefined;
    const reachedPromise = new Promise<void>((r) => (reached = r));
    this.cuts.set(encodeKey(instanceId), reached);
    return { reached: reachedPromise };
  }

  override async put(partition: string, rows: Row[]): Promise<void> {
    if (this.failPuts.delete(partition)) throw new Error('Simulated transient storage error.');
    return super.put(partition, rows);
  }

  override async commit(partition: string, plan: CommitPlan): Promise<void> {
    const cut = this.cuts.get(partition);
    if (cut && plan.final.some((row) => isStateRowKey(row.rowKey))) {
      this.cuts.delete(partition);
      await super.commit(partition, { writes: plan.writes, final: [], deletes: [] });
      cut();
      return new Promise<void>(() => undefined);
    }
    const hold = this.holds.get(partition);
    if (hold && plan.final.length > 0) {
      this.holds.delete(partition);
      hold.reached();
      await hold.released;
    }
    return super.commit(partition, plan);
  }
}
