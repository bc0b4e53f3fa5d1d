import { existsSync } from 'node:fs';
import { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { repoRoot } from '../../../devhost/supervisor/paths';
import { startStack, type Stack } from '../../../devhost/testing/stack';
import {
  isAlive,
  processesMentioning,
  removeTempDirs,
  requireBuiltDevhost,
  writeStandInHost,
} from './helpers';

jest.setTimeout(20_000);

describe('startStack (jest global setup and benchmarks)', () => {
  let stack: Stack | undefined;

  afterAll(async () => {
    await stack?.stop();
    removeTempDirs();
  });

  it('runs the whole stack on free ports and a fresh state dir, and stops it', async () => {
    requireBuiltDevhost(repoRoot());
    stack = await startStack({ env: { DEVHOST_HOST_ENTRY: writeStandInHost() } });
    const { baseUrl, stateDir } = stack;

    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(baseUrl).not.toBe('http://127.0.0.1:7071');
    expect(stack.functionsKey.length).toBeGreaterThan(20);

    const status = (await (await fetch(`${baseUrl}/admin/host/status`)).json()) as { pid: number };
    expect(stack.hostPid()).toBe(status.pid);

    const blobs = BlobServiceClient.fromConnectionString(stack.storageConnectionString);
    await blobs.getContainerClient('smoke').create();
    const cosmos = new CosmosClient({ endpoint: stack.cosmosEndpoint, key: stack.cosmosKey });
    const { database } = await cosmos.databases.createIfNotExists({ id: 'smoke' });
    expect(database.id).toBe('smoke');

    const killed = stack.killHost();
    const replacement = await stack.waitForNewHost(killed);
    expect(replacement).not.toBe(killed);
    expect(stack.hostPid()).toBe(replacement);

    const supervisorPid = stack.supervisorPid;
    await stack.stop();
    stack = undefined;
    expect(isAlive(supervisorPid)).toBe(false);
    expect(isAlive(replacement)).toBe(false);
    expect(processesMentioning(stateDir)).toEqual([]);
    expect(existsSync(stateDir)).toBe(false);
  });
});
