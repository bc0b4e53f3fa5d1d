/** The host's settings: environment first (as app settings in Azure), then host.json. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface HostConfig {
  appDir: string;
  stateDir: string;
  port: number;
  rpcPort: number;
  functionKey: string;
  storageConnection: string;
  hubName: string;
  routePrefix: string;
  maxConcurrentActivities: number;
  maxConcurrentOrchestrations: number;
  maxRequestBytes: number;
  blobPollMs: number;
  blobRescanPage: number;
  blobRescanMs: number;
}

interface HostJson {
  extensions?: {
    http?: { routePrefix?: string };
    durableTask?: {
      hubName?: string;
      maxConcurrentActivityFunctions?: number;
      maxConcurrentOrchestratorFunctions?: number;
    };
  };
}

function readKey(stateDir: string): string {
  const file = path.join(stateDir, 'keys.json');
  try {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { functionKey?: string };
    if (stored.functionKey) return stored.functionKey;
  } catch {
    // first start: generate below
  }
  const key = randomBytes(24).toString('base64url');
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ functionKey: key }, null, 2), { mode: 0o600 });
  return key;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${name} must be an integer of at least ${min}, got '${raw}'.`);
  }
  return n;
}

export function loadHostConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
  const appDir = path.resolve(env.DEVHOST_APP_DIR ?? process.cwd());
  const stateDir = path.resolve(env.DEVHOST_DIR ?? path.join(appDir, '.devhost'));
  let hostJson: HostJson = {};
  try {
    hostJson = JSON.parse(fs.readFileSync(path.join(appDir, 'host.json'), 'utf8')) as HostJson;
  } catch {
    // host.json is optional locally
  }
  const storage = env.AzureWebJobsStorage;
  if (!storage)
    throw new Error(
      'AzureWebJobsStorage is not set: the task hub needs a storage account (start the host with npm start).',
    );
  const durable = hostJson.extensions?.durableTask ?? {};
  return {
    appDir,
    stateDir,
    port: int(env, 'DEVHOST_PORT', int(env, 'PORT', 7071)),
    rpcPort: int(env, 'DEVHOST_RPC_PORT', 0),
    functionKey: env.FUNCTIONS_KEY || readKey(stateDir),
    storageConnection: storage,
    hubName: (env.DEVHOST_HUB_NAME ?? durable.hubName ?? 'TestHubName').replace(
      /[^A-Za-z0-9]/g,
      '',
    ),
    routePrefix: hostJson.extensions?.http?.routePrefix ?? 'api',
    maxConcurrentActivities: int(
      env,
      'DEVHOST_MAX_ACTIVITIES',
      durable.maxConcurrentActivityFunctions ?? 10,
      1,
    ),
    maxConcurrentOrchestrations: int(
      env,
      'DEVHOST_MAX_ORCHESTRATIONS',
      durable.maxConcurrentOrchestratorFunctions ?? 16,
      1,
    ),
    maxRequestBytes: int(env, 'DEVHOST_MAX_REQUEST_BYTES', 100 * 1024 * 1024),
    blobPollMs: int(env, 'DEVHOST_BLOB_POLL_MS', 500, 10),
    blobRescanPage: int(env, 'DEVHOST_BLOB_RESCAN_PAGE', 500, 1),
    blobRescanMs: int(env, 'DEVHOST_BLOB_RESCAN_MS', 2000, 10),
  };
}
