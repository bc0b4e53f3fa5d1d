/**
 * How the task hub's table store commits a step, against real Azurite: a step that fits one
 * entity-group transaction is stored all at once or not at all; a larger one stores its rows
 * first and its commit point (the state row) last. A host that dies at `afterWrites` is the
 * case both must survive.
 */
import { startAzurite, type RunningAzurite } from '../../../devhost/emulators/azurite';
import { fitsOneTransaction, TableStore, type Row } from '../../../devhost/durable/table-store';
import { repoRoot } from '../../../devhost/supervisor/paths';
import { findFreePorts } from '../../../devhost/supervisor/ports';
import { removeTempDirs, requireBuiltDevhost, tempDir } from './helpers';

jest.setTimeout(120_000);

const rows = (prefix: string, n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({ rowKey: `${prefix}-${i}`, data: { i } }));

class HostDied extends Error {}

describe('TableStore.commit', () => {
  let azurite: RunningAzurite | undefined;
  let store: TableStore;

  beforeAll(async () => {
    requireBuiltDevhost(repoRoot());
    const [blobPort, queuePort, tablePort] = (await findFreePorts(3)) as [number, number, number];
    azurite = await startAzurite({
      stateDir: tempDir('table-commit'),
      blobPort,
      queuePort,
      tablePort,
    });
    store = await TableStore.open(azurite.connectionString, 'CommitTest');
  });

  afterAll(async () => {
    await azurite?.stop();
    removeTempDirs();
  });

  it('knows which plans fit one transaction', () => {
    const plan = (writes: number, deletes: string[] = []) => ({
      writes: rows('H', writes),
      final: [{ rowKey: 'I' }],
      deletes,
    });
    expect(fitsOneTransaction(plan(50, ['M-1', 'M-2']))).toBe(true);
    expect(fitsOneTransaction(plan(99))).toBe(true);
    expect(fitsOneTransaction(plan(100))).toBe(false);
    // A transaction may not name one row twice.
    expect(fitsOneTransaction(plan(3, ['H-1']))).toBe(false);
  });

  it('stores a small step all at once: dying before it leaves nothing, then it all lands', async () => {
    await store.put('small', [{ rowKey: 'M-1', data: 'message' }]);
    const plan = { writes: rows('H', 10), final: [{ rowKey: 'I', data: 1 }], deletes: ['M-1'] };
    await expect(
      store.commit('small', {
        ...plan,
        afterWrites: () => {
          throw new HostDied();
        },
      }),
    ).rejects.toBeInstanceOf(HostDied);
    expect((await store.loadPartition('small')).map((r) => r.rowKey)).toEqual(['M-1']);

    await store.commit('small', plan);
    const keys = (await store.loadPartition('small')).map((r) => r.rowKey);
    expect(keys).toHaveLength(11);
    expect(keys).toContain('I');
    expect(keys).not.toContain('M-1');
  });

  it('stores a large step rows first: dying at afterWrites leaves them without the state row', async () => {
    await store.put('large', [{ rowKey: 'M-1', data: 'message' }]);
    await expect(
      store.commit('large', {
        writes: rows('A', 150),
        final: [{ rowKey: 'I', data: 1 }],
        deletes: ['M-1'],
        afterWrites: () => {
          throw new HostDied();
        },
      }),
    ).rejects.toBeInstanceOf(HostDied);
    const keys = (await store.loadPartition('large')).map((r) => r.rowKey);
    expect(keys).toHaveLength(151);
    expect(keys).toContain('M-1');
    expect(keys).not.toContain('I');
  });
});
