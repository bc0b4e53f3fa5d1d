import * as path from 'node:path';
import { readSupervisorConfig } from '../../../devhost/supervisor/config';

describe('supervisor configuration from the environment', () => {
  const cwd = '/work/app';

  it('uses the documented defaults', () => {
    const config = readSupervisorConfig({}, cwd);
    expect(config.stateDir).toBe(path.join(cwd, '.devhost'));
    expect(config.appDir).toBe(cwd);
    expect(config.hostPort).toBe(7071);
    expect(config.storage).toEqual({
      kind: 'azurite',
      blobPort: 10000,
      queuePort: 10001,
      tablePort: 10002,
    });
    expect(config.cosmos).toEqual({ kind: 'emulator', port: 8081 });
    expect(config.hostEntry.endsWith(path.join('dist', 'devhost', 'host', 'main.js'))).toBe(true);
  });

  it('takes ports, the state dir and the host entry from the environment', () => {
    const config = readSupervisorConfig(
      {
        DEVHOST_DIR: 'state',
        PORT: '8000',
        DEVHOST_BLOB_PORT: '1',
        DEVHOST_QUEUE_PORT: '2',
        DEVHOST_TABLE_PORT: '3',
        DEVHOST_COSMOS_PORT: '4',
        DEVHOST_HOST_ENTRY: 'stand-in.js',
      },
      cwd,
    );
    expect(config.stateDir).toBe(path.join(cwd, 'state'));
    expect(config.hostPort).toBe(8000);
    expect(config.hostPortEnvVar).toBe('PORT');
    expect(config.storage).toEqual({ kind: 'azurite', blobPort: 1, queuePort: 2, tablePort: 3 });
    expect(config.cosmos).toEqual({ kind: 'emulator', port: 4 });
    expect(config.hostEntry).toBe(path.join(cwd, 'stand-in.js'));
    expect(readSupervisorConfig({ DEVHOST_PORT: '9000', PORT: '8000' }, cwd).hostPort).toBe(9000);
  });

  it("passes the user's own storage and Cosmos through instead of starting emulators", () => {
    const config = readSupervisorConfig(
      {
        AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=x',
        COSMOS_ENDPOINT: 'https://c/',
      },
      cwd,
    );
    expect(config.storage).toEqual({
      kind: 'external',
      connectionString: 'DefaultEndpointsProtocol=https;AccountName=x',
    });
    expect(config.cosmos).toEqual({ kind: 'external', endpoint: 'https://c/', key: undefined });
  });

  it('treats UseDevelopmentStorage=true as a request for the local emulator', () => {
    expect(
      readSupervisorConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }, cwd).storage.kind,
    ).toBe('azurite');
  });

  it('rejects a port that is not a port, naming the variable', () => {
    expect(() => readSupervisorConfig({ DEVHOST_COSMOS_PORT: 'x' }, cwd)).toThrow(
      /DEVHOST_COSMOS_PORT/,
    );
    expect(() => readSupervisorConfig({ DEVHOST_PORT: '70000' }, cwd)).toThrow(/DEVHOST_PORT/);
  });
});
