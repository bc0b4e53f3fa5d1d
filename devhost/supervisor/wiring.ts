/**
 * Where each part of the running stack is, in the forms the others need: the ports to claim,
 * the host's environment, and supervisor.json for tools.
 */
import * as path from 'node:path';
import type { RunningAzurite } from '../emulators/azurite';
import type { RunningCosmos } from '../emulators/cosmos';
import type { RunningVision } from '../vision/process';
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
  if (config.vision !== undefined) {
    claims.push({
      port: config.vision.port,
      envVar: 'DEVHOST_VISION_PORT',
      what: 'Vision emulator',
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
  vision?: RunningVision,
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
    ...(vision === undefined
      ? {}
      : {
          vision: {
            port: vision.port,
            url: vision.url,
            adminUrl: vision.adminUrl,
            endpoints: vision.endpoints.map(({ name, url, keys }) => ({ name, url, keys })),
          },
        }),
  };
}

/** What the host sees: the user's environment plus where everything is. */
export function hostEnvironment(
  config: SupervisorConfig,
  baseEnv: NodeJS.ProcessEnv,
  key: FunctionKey,
  azurite: RunningAzurite | undefined,
  cosmos: RunningCosmos | undefined,
  vision?: RunningVision,
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
  if (vision !== undefined) Object.assign(env, visionEnvironment(baseEnv, vision));
  return env;
}

/**
 * Points the app at the Vision emulator, unless the user chose endpoints of their own: the
 * endpoints and their first keys, and the emulator's quota as the gate's calls per minute.
 */
export function visionEnvironment(
  baseEnv: NodeJS.ProcessEnv,
  vision: {
    endpoints: readonly { url: string; keys: readonly string[] }[];
    quotaPerMinute?: number;
  },
): NodeJS.ProcessEnv {
  if ((baseEnv.VISION_ENDPOINTS ?? '').trim() !== '') return {};
  const env: NodeJS.ProcessEnv = {
    VISION_ENDPOINTS: vision.endpoints.map((endpoint) => endpoint.url).join(','),
    VISION_KEYS: vision.endpoints.map((endpoint) => endpoint.keys[0] ?? '').join(','),
  };
  const quota = vision.quotaPerMinute;
  if ((baseEnv.VISION_CALLS_PER_MINUTE ?? '').trim() === '' && quota !== undefined && quota > 0) {
    env.VISION_CALLS_PER_MINUTE = String(quota);
  }
  return env;
}
