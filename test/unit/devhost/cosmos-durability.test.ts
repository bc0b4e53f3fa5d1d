/**
 * The Cosmos emulator keeps data in memory; devhost's journal must make a restart, even after
 * kill -9, lose nothing a client can see. Driven through the real @azure/cosmos SDK.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CosmosClient, type Container } from '@azure/cosmos';
import { startCosmos, type RunningCosmos } from '../../../devhost/emulators/cosmos';
import { repoRoot } from '../../../devhost/supervisor/paths';
import { findFreePorts } from '../../../devhost/supervisor/ports';
import { removeTempDirs, requireBuiltDevhost, tempDir } from './helpers';

jest.setTimeout(30_000);

interface Image {
  id: string;
  rank: number;
  tags: string[];
  note?: string;
  _etag?: string;
  _ts?: number;
  _rid?: string;
}

const ORDERED = 'SELECT * FROM c ORDER BY c.rank DESC';

function containerOf(cosmos: RunningCosmos): Container {
  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
  return client.database('images').container('records');
}

async function killHard(cosmos: RunningCosmos): Promise<void> {
  cosmos.child.kill('SIGKILL');
  await cosmos.exited;
}

async function everything(container: Container): Promise<Image[]> {
  const { resources } = await container.items.query<Image>('SELECT * FROM c').fetchAll();
  return resources;
}

async function orderedPages(container: Container, pageSize: number): Promise<string[][]> {
  const pages: string[][] = [];
  let continuationToken: string | undefined;
  do {
    const page = await container.items
      .query<Image>(ORDERED, { maxItemCount: pageSize, continuationToken })
      .fetchNext();
    pages.push(page.resources.map((image) => image.id));
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return pages;
}

describe('durable Cosmos emulator', () => {
  let stateDir: string;
  let port: number;
  let cosmos: RunningCosmos | undefined;

  beforeAll(async () => {
    requireBuiltDevhost(repoRoot());
    stateDir = tempDir('devhost-cosmos');
    [port] = (await findFreePorts(1)) as [number];
  });

  afterAll(async () => {
    await cosmos?.stop();
    removeTempDirs();
  });

  it('keeps every change across kill -9 and restarts, system properties included', async () => {
    cosmos = await startCosmos({ port, stateDir });
    const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
    const { database } = await client.databases.createIfNotExists({ id: 'images' });
    const { container } = await database.containers.createIfNotExists({
      id: 'records',
      partitionKey: { paths: ['/id'] },
    });

    for (let rank = 0; rank < 30; rank += 1) {
      await container.items.upsert<Image>({ id: `img-${rank}`, rank, tags: [`t${rank % 3}`] });
    }
    const { resource: five } = await container.item('img-5', 'img-5').read<Image>();
    await container.item('img-5', 'img-5').replace<Image>(
      { id: 'img-5', rank: 5, tags: ['replaced'] },
      {
        accessCondition: { type: 'IfMatch', condition: five!._etag },
      },
    );
    await container.item('img-7', 'img-7').delete();
    await container.item('img-8', 'img-8').patch([{ op: 'add', path: '/note', value: 'patched' }]);
    await container.items.upsert<Image>({ id: 'img-9', rank: 99, tags: ['moved to the top'] });
    await container.items.create<Image>({ id: 'img-new', rank: -1, tags: [] });

    const before = await everything(container);
    const pagesBefore = await orderedPages(container, 7);
    const firstPage = await container.items.query<Image>(ORDERED, { maxItemCount: 7 }).fetchNext();
    expect(before).toHaveLength(30);

    await killHard(cosmos);
    cosmos = await startCosmos({ port, stateDir });
    const restarted = containerOf(cosmos);

    // Same documents, same ETags, _ts and _rids, same order.
    expect(await everything(restarted)).toEqual(before);
    expect(await orderedPages(restarted, 7)).toEqual(pagesBefore);
    expect(pagesBefore[0]?.[0]).toBe('img-9');
    // A continuation token handed out before the restart still continues where it was.
    const secondPage = await restarted.items
      .query<Image>(ORDERED, { maxItemCount: 7, continuationToken: firstPage.continuationToken })
      .fetchNext();
    expect(secondPage.resources.map((image) => image.id)).toEqual(pagesBefore[1]);

    const { resource: replaced } = await restarted.item('img-5', 'img-5').read<Image>();
    expect(replaced?.tags).toEqual(['replaced']);
    expect((await restarted.item('img-7', 'img-7').read()).statusCode).toBe(404);
    expect((await restarted.item('img-8', 'img-8').read<Image>()).resource?.note).toBe('patched');

    // An ETag read before the restart still guards a write after it.
    await restarted.item('img-5', 'img-5').replace<Image>(
      { ...replaced!, tags: ['after restart'] },
      {
        accessCondition: { type: 'IfMatch', condition: replaced!._etag },
      },
    );

    // The journal was compacted to one create per database/container and one upsert per document.
    const journal = path.join(stateDir, 'cosmos', 'journal.ndjson');
    const opsAfterCompaction = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { ops: unknown[] }).ops.length)
      .reduce((a, b) => a + b, 0);
    expect(opsAfterCompaction).toBe(2 + 30 + 1);

    const afterWrite = await everything(restarted);
    await killHard(cosmos);
    cosmos = await startCosmos({ port, stateDir });
    expect(await everything(containerOf(cosmos))).toEqual(afterWrite);
  });

  it('ignores a write torn by a kill and keeps appending after it', async () => {
    const journal = path.join(stateDir, 'cosmos', 'journal.ndjson');
    const running = cosmos!;
    const before = await everything(containerOf(running));
    await killHard(running);
    appendFileSync(journal, '{"ops":[{"method":"POST","path":"/dbs/images/colls/records/docs","bo');

    cosmos = await startCosmos({ port, stateDir });
    const container = containerOf(cosmos);
    expect(await everything(container)).toEqual(before);
    await container.items.upsert<Image>({ id: 'img-late', rank: 1000, tags: [] });

    await killHard(cosmos);
    cosmos = await startCosmos({ port, stateDir });
    const { resource } = await containerOf(cosmos).item('img-late', 'img-late').read<Image>();
    expect(resource?.rank).toBe(1000);
  });
});
