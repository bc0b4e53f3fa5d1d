import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { startDurableCosmos, type DurableCosmos } from '../../../devhost/emulators/durable-cosmos';
import { COSMOS_EMULATOR_KEY } from '../../../devhost/emulators/well-known-keys';
import { eventually, removeTempDirs, tempDir } from './helpers';

jest.setTimeout(20_000);

const journalOps = (file: string): number =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { ops: unknown[] }).ops.length)
    .reduce((a, b) => a + b, 0);

afterAll(removeTempDirs);

describe('Cosmos journal compaction while running', () => {
  let cosmos: DurableCosmos | undefined;

  afterEach(async () => {
    await cosmos?.close();
    cosmos = undefined;
  });

  it('rewrites a long journal without losing or reordering anything', async () => {
    const journalFile = path.join(tempDir('devhost-compaction'), 'journal.ndjson');
    const lines: string[] = [];
    const start = () =>
      startDurableCosmos({
        port: 0,
        journalFile,
        log: (line) => lines.push(line),
        compactAfterRedundantOps: 50,
      });

    cosmos = await start();
    const client = new CosmosClient({
      endpoint: `http://127.0.0.1:${cosmos.port}`,
      key: COSMOS_EMULATOR_KEY,
    });
    const { database } = await client.databases.createIfNotExists({ id: 'images' });
    const { container } = await database.containers.createIfNotExists({
      id: 'records',
      partitionKey: { paths: ['/id'] },
    });
    for (let round = 0; round < 20; round += 1) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => container.items.upsert({ id: `img-${i}`, round })),
      );
    }
    await eventually(
      () => (lines.some((line) => line.includes('while running')) ? true : undefined),
      5000,
      'a compaction',
    );
    const { resources: before } = await container.items.query('SELECT * FROM c').fetchAll();
    expect(journalOps(journalFile)).toBeLessThan(60);
    await cosmos.close();

    cosmos = await start();
    const again = new CosmosClient({
      endpoint: `http://127.0.0.1:${cosmos.port}`,
      key: COSMOS_EMULATOR_KEY,
    });
    const { resources: after } = await again
      .database('images')
      .container('records')
      .items.query('SELECT * FROM c')
      .fetchAll();
    expect(after).toEqual(before);
    expect(after.every((image: { round: number }) => image.round === 19)).toBe(true);
  });
});
