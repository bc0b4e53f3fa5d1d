/**
 * Where each part of the running stack is, in the forms the others need: the ports to claim,
 * the host's environment, and supervisor.json for tools.
 */
import * as path from 'node:path';
import type { RunningAzurite } from '../emulators/azurite';
import type { RunningCosmos } from '../emulators/cosmos';
import type { SupervisorConfig } from './config';
import type { FunctionKey } from './function-key';
import { hostPidFile } from './host-process';
import { LOOPBACK, type PortClaim } from './ports';
import type { SupervisorState } from './state-file';

/** Every port this configuration needs, with the variable that moves it. */
export function portClaims(config: SupervisorConfig): PortClaim[] {
  const claims: PortClaim[] = [
    { port: config.hostPort, envVar: config.hostPortEnvVar, what: 'Functions host' },
  ];
  if (config.storage.kind === 'azurite') {
    claims.push(
      { port: config.storage.blobPort, envVar: 'DEVHOST_BLOB_PORT', what: 'Azurite blob' },
      { port: config.storage.queuePort, envVar: 'DEVHOST_QUEUE_PORT', what: 'Azurite queue' },
      { port: config.storage.tablePort, envVar: 'DEVHOST_TABLE_PORT', what: 'Azurite table' },
    );
  }
  if (config.cosmos.kind === 'emulator') {
    claims.push({
      port: config.cosmos.port,
      envVar: 'DEVHOST_COSMOS_PORT',
      what: 'Cosmos emulator',
    });
  }
  return claims;
}

/** The content of supervisor.json (state `Starting`). */
export function describeState(
  config: SupervisorConfig,
  key: FunctionKey,
  azurite: RunningAzurite | undefined,
  cosmos: RunningCosmos | undefined,
): SupervisorState {
  const baseUrl = `http://${LOOPBACK}:${config.hostPort}`;
  return {
    pid: process.pid,
    state: 'Starting',
    startedAt: new Date().toISOString(),
    stateDir: config.stateDir,
    appDir: config.appDir,
    logsDir: path.join(config.stateDir, 'logs'),
    host: { port: config.hostPort, baseUrl, pidFile: hostPidFile(config.stateDir) },
    functionKey: { source: key.source, keyFile: key.source === 'file' ? key.keyFile : null },
    storage: azurite
      ? {
          external: false,
          blobPort: azurite.blobPort,
          queuePort: azurite.queuePort,
          tablePort: azurite.tablePort,
          connectionString: azurite.connectionString,
        }
      : { external: true },
    cosmos: cosmos
      ? { external: false, port: cosmos.port, endpoint: cosmos.endpoint, key: cosmos.key }
      : {
          external: true,
          endpoint: config.cosmos.kind === 'external' ? config.cosmos.endpoint : '',
        },
  };
}

/** What the host sees: the user's environment plus where everything is. */
export function hostEnvironment(
  config: SupervisorConfig,
  baseEnv: NodeJS.ProcessEnv,
  key: FunctionKey,
  azurite: RunningAzurite | undefined,
  cosmos: RunningCosmos | undefined,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    DEVHOST_PORT: String(config.hostPort),
    DEVHOST_DIR: config.stateDir,
    DEVHOST_APP_DIR: config.appDir,
    FUNCTIONS_KEY: key.key,
  };
  env.AzureWebJobsStorage =
    config.storage.kind === 'external'
      ? config.storage.connectionString
      : azurite?.connectionString;
  if (config.cosmos.kind === 'external') {
    env.COSMOS_ENDPOINT = config.cosmos.endpoint;
    if (config.cosmos.key === undefined) delete env.COSMOS_KEY;
    else env.COSMOS_KEY = config.cosmos.key;
  } else if (cosmos) {
    env.COSMOS_ENDPOINT = cosmos.endpoint;
    env.COSMOS_KEY = cosmos.key;
  }
  return env;
}
