import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import {
  azuriteConnectionString,
  startAzurite,
  type RunningAzurite,
} from '../../../devhost/emulators/azurite';
import { repoRoot } from '../../../devhost/supervisor/paths';
import { findFreePorts } from '../../../devhost/supervisor/ports';
import { removeTempDirs, requireBuiltDevhost, tempDir } from './helpers';

jest.setTimeout(30_000);

describe('Azurite child process', () => {
  let azurite: RunningAzurite | undefined;

  afterAll(async () => {
    await azurite?.stop();
    removeTempDirs();
  });

  it('builds the dev-account connection string for the given ports', () => {
    expect(azuriteConnectionString({ blobPort: 1, queuePort: 2, tablePort: 3 })).toBe(
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
        'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
        'BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:2/devstoreaccount1;' +
        'TableEndpoint=http://127.0.0.1:3/devstoreaccount1;',
    );
  });

  it('serves blob and table on loopback and keeps data on disk across a restart', async () => {
    requireBuiltDevhost(repoRoot());
    const stateDir = tempDir('devhost-azurite');
    const [blobPort, queuePort, tablePort] = (await findFreePorts(3)) as [number, number, number];
    const options = { stateDir, blobPort, queuePort, tablePort };

    azurite = await startAzurite(options);
    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const images = blobs.getContainerClient('images');
    await images.createIfNotExists();
    await images.getBlockBlobClient('a.txt').upload('hello', 5);
    const table = TableClient.fromConnectionString(azurite.connectionString, 'hub', {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.createEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });

    await azurite.stop();
    azurite = await startAzurite(options);

    const text = await BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient('images')
      .getBlockBlobClient('a.txt')
      .downloadToBuffer();
    expect(text.toString()).toBe('hello');
    const entity = await TableClient.fromConnectionString(azurite.connectionString, 'hub', {
      allowInsecureConnection: true,
    }).getEntity<{ value: number }>('p', 'r');
    expect(entity.value).toBe(42);
    expect(existsSync(path.join(stateDir, 'logs', 'azurite.log'))).toBe(true);
    expect(existsSync(path.join(stateDir, 'azurite'))).toBe(true);
  });
});
