import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { TableClient, TableTransaction } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../../devhost/emulators/azurite';
import { repoRoot } from '../../../devhost/supervisor/paths';
import { findFreePorts } from '../../../devhost/supervisor/ports';
import { removeTempDirs, requireBuiltDevhost, tempDir } from './helpers';

jest.setTimeout(120_000);

/** Kills Azurite the hard way and waits until it is gone. */
async function killHard(azurite: RunningAzurite): Promise<void> {
  azurite.child.kill('SIGKILL');
  await azurite.exited;
}

describe('Azurite behind its metadata journal', () => {
  let azurite: RunningAzurite | undefined;

  afterAll(async () => {
    await azurite?.stop();
    removeTempDirs();
  });

  it('keeps every acknowledged blob and table write across kill -9, before and after a snapshot', async () => {
    requireBuiltDevhost(repoRoot());
    const stateDir = tempDir('devhost-azurite-journal');
    const [blobPort, queuePort, tablePort] = (await findFreePorts(3)) as [number, number, number];
    // Snapshots as soon as LokiJS asks, so that round 1 takes one.
    const options = { stateDir, blobPort, queuePort, tablePort, snapshotMinBytes: 0 };
    const expected = new Map<string, { text: string; etag: string | undefined }>();
    const deleted = new Set<string>();

    // Round 0 is killed well inside Azurite's 5 s snapshot interval (no snapshot yet); later
    // rounds run after earlier snapshots exist.
    for (let round = 0; round < 3; round++) {
      azurite = await startAzurite(options);
      const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
      const container = blobs.getContainerClient('images');
      await container.createIfNotExists();
      for (let i = 0; i < 20; i++) {
        const name = `r${round}-b${i}.txt`;
        const text = `round ${round} blob ${i}`;
        const res = await container.getBlockBlobClient(name).upload(text, text.length);
        expected.set(name, { text, etag: res.etag });
      }
      if (round > 0) {
        // Overwrite one earlier blob and delete another: both must stick.
        const text = `overwritten in round ${round}`;
        const res = await container.getBlockBlobClient('r0-b1.txt').upload(text, text.length);
        expected.set('r0-b1.txt', { text, etag: res.etag });
        await container.getBlockBlobClient(`r0-b${round + 5}.txt`).delete();
        expected.delete(`r0-b${round + 5}.txt`);
        deleted.add(`r0-b${round + 5}.txt`);
      }
      const table = TableClient.fromConnectionString(azurite.connectionString, 'hub', {
        allowInsecureConnection: true,
      });
      await table.createTable();
      const tx = new TableTransaction();
      for (let i = 0; i < 50; i++)
        tx.upsertEntity({ partitionKey: `p${round}`, rowKey: `r${i}`, i });
      await table.submitTransaction(tx.actions);
      if (round === 1) {
        await new Promise((r) => setTimeout(r, 6_000)); // let a snapshot happen
        expect(existsSync(path.join(stateDir, 'azurite', '__azurite_db_table__.json'))).toBe(true);
      }
      await killHard(azurite);
      azurite = undefined;
    }

    azurite = await startAzurite(options);
    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient('images');
    for (const [name, want] of expected) {
      const client = container.getBlockBlobClient(name);
      expect((await client.downloadToBuffer()).toString()).toBe(want.text);
      expect((await client.getProperties()).etag).toBe(want.etag);
    }
    for (const name of deleted) {
      expect(await container.getBlockBlobClient(name).exists()).toBe(false);
    }
    const table = TableClient.fromConnectionString(azurite.connectionString, 'hub', {
      allowInsecureConnection: true,
    });
    for (let round = 0; round < 3; round++) {
      const rows = [];
      for await (const e of table.listEntities({
        queryOptions: { filter: `PartitionKey eq 'p${round}'` },
      }))
        rows.push(e);
      expect(rows).toHaveLength(50);
    }
  });
});
