import * as path from 'node:path';
import { compiledDevhostFile } from './paths';

export type StorageConfig =
  | { kind: 'azurite'; blobPort: number; queuePort: number; tablePort: number }
  | { kind: 'external'; connectionString: string };

export type CosmosConfig =
  | { kind: 'emulator'; port: number }
  | { kind: 'external'; endpoint: string; key: string | undefined };

export interface SupervisorConfig {
  /** Everything devhost keeps: emulator data, keys, logs, pid files. */
  stateDir: string;
  /** The Functions app the host loads (its package.json#main). */
  appDir: string;
  hostPort: number;
  /** The variable the user would change to move the host port. */
  hostPortEnvVar: string;
  /** The host's entry script (DEVHOST_HOST_ENTRY, or devhost's own host). */
  hostEntry: string;
  storage: StorageConfig;
  cosmos: CosmosConfig;
  /** The Vision emulator, when asked for (DEVHOST_VISION=1 or `start --vision`). */
  vision?: { port: number };
}

export const DEFAULT_PORTS = {
  host: 7071,
  blob: 10000,
  queue: 10001,
  table: 10002,
  cosmos: 8081,
  vision: 7080,
};

function readPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a port number between 1 and 65535, got "${raw}".`);
  }
  return port;
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value : undefined;

/** DEVHOST_VISION=1 (or true, yes, on) asks for the Vision emulator. */
export function wantsVision(env: NodeJS.ProcessEnv): boolean {
  return /^(1|true|yes|on)$/i.test(env.DEVHOST_VISION?.trim() ?? '');
}

/**
 * `UseDevelopmentStorage=true` (the local.settings.json default) means "the local emulator",
 * which is exactly what devhost starts, so it does not count as a storage of the user's own.
 */
function isOwnStorage(connectionString: string): boolean {
  return /^\s*UseDevelopmentStorage\s*=\s*true\s*;?\s*$/i.test(connectionString);
}

export function readSupervisorConfig(env: NodeJS.ProcessEnv, cwd: string): SupervisorConfig {
  const stateDir = path.resolve(cwd, nonEmpty(env.DEVHOST_DIR) ?? '.devhost');
  const hostPortEnvVar = nonEmpty(env.DEVHOST_PORT)
    ? 'DEVHOST_PORT'
    : nonEmpty(env.PORT)
      ? 'PORT'
      : 'DEVHOST_PORT';
  const hostPort = readPort(env, hostPortEnvVar, DEFAULT_PORTS.host);
  const hostEntryOverride = nonEmpty(env.DEVHOST_HOST_ENTRY);

  const userStorage = nonEmpty(env.AzureWebJobsStorage);
  const storage: StorageConfig =
    userStorage !== undefined && !isOwnStorage(userStorage)
      ? { kind: 'external', connectionString: userStorage }
      : {
          kind: 'azurite',
          blobPort: readPort(env, 'DEVHOST_BLOB_PORT', DEFAULT_PORTS.blob),
          queuePort: readPort(env, 'DEVHOST_QUEUE_PORT', DEFAULT_PORTS.queue),
          tablePort: readPort(env, 'DEVHOST_TABLE_PORT', DEFAULT_PORTS.table),
        };

  const userCosmos = nonEmpty(env.COSMOS_ENDPOINT);
  const cosmos: CosmosConfig =
    userCosmos !== undefined
      ? { kind: 'external', endpoint: userCosmos, key: nonEmpty(env.COSMOS_KEY) }
      : { kind: 'emulator', port: readPort(env, 'DEVHOST_COSMOS_PORT', DEFAULT_PORTS.cosmos) };

  return {
    stateDir,
    appDir: cwd,
    hostPort,
    hostPortEnvVar,
    hostEntry: hostEntryOverride
      ? path.resolve(cwd, hostEntryOverride)
      : compiledDevhostFile('host', 'main.js'),
    storage,
    cosmos,
    ...(wantsVision(env)
      ? { vision: { port: readPort(env, 'DEVHOST_VISION_PORT', DEFAULT_PORTS.vision) } }
      : {}),
  };
}
