import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { asRunningProcess, spawnNodeChild, type RunningProcess } from '../supervisor/child-process';
import { compiledDevhostFile } from '../supervisor/paths';
import { LOOPBACK, waitForPorts } from '../supervisor/ports';
import { SNAPSHOT_MIN_BYTES_ENV } from './loki-journal';
import { DEV_STORAGE_ACCOUNT, DEV_STORAGE_KEY } from './well-known-keys';

export interface AzuritePorts {
  blobPort: number;
  queuePort: number;
  tablePort: number;
}

export interface AzuriteOptions extends AzuritePorts {
  stateDir: string;
  startTimeoutMs?: number;
  /** Journal Azurite's metadata (default true); false only to measure what the journal costs. */
  journal?: boolean;
  /**
   * Journal bytes below which no snapshot is taken (loki-journal.ts); tests set it small to make
   * snapshots happen.
   */
  snapshotMinBytes?: number;
  /** Aborting stops waiting (and the child) at once, e.g. on Ctrl-C during a long start. */
  signal?: AbortSignal;
}

export interface RunningAzurite extends RunningProcess, AzuritePorts {
  connectionString: string;
  child: ChildProcess;
}

/** Azurite flushes its metadata database on SIGTERM; give it time to do so. */
const STOP_GRACE_MS = 10_000;

/** Azurite's CLI script, found through its package.json so a version bump cannot break it. */
export function azuriteEntry(): string {
  const manifestPath = require.resolve('azurite/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin?: Record<string, string>;
  };
  const bin = manifest.bin?.azurite ?? 'dist/src/azurite.js';
  return path.join(path.dirname(manifestPath), bin);
}

export function azuriteConnectionString(ports: AzuritePorts): string {
  const endpoint = (port: number): string => `http://${LOOPBACK}:${port}/${DEV_STORAGE_ACCOUNT}`;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_STORAGE_ACCOUNT}`,
    `AccountKey=${DEV_STORAGE_KEY}`,
    `BlobEndpoint=${endpoint(ports.blobPort)}`,
    `QueueEndpoint=${endpoint(ports.queuePort)}`,
    `TableEndpoint=${endpoint(ports.tablePort)}`,
    '',
  ].join(';');
}

export function azuriteArgs(options: AzuriteOptions): string[] {
  return [
    '--blobHost',
    LOOPBACK,
    '--blobPort',
    String(options.blobPort),
    '--queueHost',
    LOOPBACK,
    '--queuePort',
    String(options.queuePort),
    '--tableHost',
    LOOPBACK,
    '--tablePort',
    String(options.tablePort),
    '--location',
    path.join(options.stateDir, 'azurite'),
    '--disableTelemetry',
    '--silent',
    '--skipApiVersionCheck',
    '--loose',
  ];
}

/** Starts Azurite (blob, queue, table) with its data on disk under <stateDir>/azurite. */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const child = spawnNodeChild({
    script: azuriteEntry(),
    // A write-ahead journal under Azurite's metadata databases (azurite-journal-preload.ts).
    preload:
      options.journal === false
        ? []
        : [compiledDevhostFile('emulators', 'azurite-journal-preload.js')],
    args: azuriteArgs(options),
    ...(options.snapshotMinBytes === undefined
      ? {}
      : {
          env: {
            ...process.env,
            [SNAPSHOT_MIN_BYTES_ENV]: String(options.snapshotMinBytes),
          },
        }),
    cwd: options.stateDir,
    output: { logFile: path.join(options.stateDir, 'logs', 'azurite.log') },
  });
  const running = asRunningProcess(child, STOP_GRACE_MS);
  let exitedEarly: string | undefined;
  void running.exited.then((exit) => {
    exitedEarly = `Azurite exited during start (code ${String(exit.code)}, signal ${String(exit.signal)}); see ${path.join(options.stateDir, 'logs', 'azurite.log')}`;
  });
  try {
    await waitForPorts([options.blobPort, options.queuePort, options.tablePort], {
      timeoutMs: options.startTimeoutMs ?? 60_000,
      giveUp: () => (options.signal?.aborted ? 'start aborted' : exitedEarly),
    });
  } catch (error) {
    await running.stop();
    throw error;
  }
  return {
    ...running,
    blobPort: options.blobPort,
    queuePort: options.queuePort,
    tablePort: options.tablePort,
    connectionString: azuriteConnectionString(options),
    child,
  };
}
