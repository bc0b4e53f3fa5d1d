/**
 * The devhost Functions host process: loads the app through `package.json#main`, serves HTTP
 * triggers and the Durable HTTP API, runs the task hub and blob triggers. It keeps no state of its
 * own: kill it at any moment and a new process carries on from storage.
 */
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { TableStore } from '../durable/table-store';
import { TaskHub } from '../durable/task-hub';
import { BlobWatcher } from './blob-watcher';
import { durableClientPayload } from './client-payload';
import { createFaultHook, parseFaults } from './fault-injection';
import { clientInputs, FunctionsDurableInvoker } from './durable-invoker';
import { Registry, installCoreApi } from './functions-core';
import { loadHostConfig } from './host-config';
import { createHttpServer, createRpcServer } from './http-server';
import { createStaticSite, webRoot } from './static-site';
import { Invoker } from './invoke';
import { loadApp } from './load-app';
import { BlobScheduleMonitor } from './schedule-monitor';
import { TimerScheduler } from './timer-scheduler';

function log(level: string, message: string): void {
  const line = `${new Date().toISOString()} [${level}] ${message}`;
  if (level === 'error' || level === 'warning' || level === 'warn') console.error(line);
  else console.log(line);
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function main(): Promise<void> {
  const config = loadHostConfig();
  process.env.WEBSITE_HOSTNAME ??= `127.0.0.1:${config.port}`;
  process.env.FUNCTIONS_WORKER_RUNTIME ??= 'node';

  const registry = new Registry();
  registry.logSink = (level, category, message) => {
    if (category === 'system' && level === 'information') return;
    log(level, message);
  };
  installCoreApi(registry);
  const files = loadApp(config.appDir);
  const invoker = new Invoker(registry, log);

  const store = await TableStore.open(config.storageConnection, `${config.hubName}TaskHub`);
  let rpcBaseUrl = '';
  const publicBaseUrl = `http://127.0.0.1:${config.port}`;
  const clientInput = () => ({
    string: JSON.stringify(
      durableClientPayload({
        hubName: config.hubName,
        publicBaseUrl,
        rpcBaseUrl,
        systemKey: config.functionKey,
      }),
    ),
  });
  const durableInvoker = new FunctionsDurableInvoker(registry, invoker, clientInput);
  const hub = new TaskHub({
    store,
    invoker: durableInvoker,
    log: (level, message) => log(level, message),
    maxConcurrentActivities: config.maxConcurrentActivities,
    maxConcurrentOrchestrations: config.maxConcurrentOrchestrations,
    trace: process.env.DEVHOST_TRACE === '1',
    fault: createFaultHook(parseFaults(process.env.DEVHOST_FAULT), config.stateDir, log),
  });
  const managementUrls = (instanceId: string): Record<string, string> => {
    const payload = durableClientPayload({
      hubName: config.hubName,
      publicBaseUrl,
      rpcBaseUrl,
      systemKey: config.functionKey,
    }).managementUrls as Record<string, string>;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(payload))
      out[k] = v.replace('INSTANCEID', encodeURIComponent(instanceId));
    out.id = instanceId;
    return out;
  };
  const durableApi = { hub, hubName: config.hubName, managementUrls };

  const rpcServer = createRpcServer(durableApi, log);
  const rpcPort = await listen(rpcServer, config.rpcPort);
  rpcBaseUrl = `http://127.0.0.1:${rpcPort}/durabletask/`;

  let ready = false;
  const server = createHttpServer({
    registry,
    invoker,
    routePrefix: config.routePrefix,
    functionKey: config.functionKey,
    maxRequestBytes: config.maxRequestBytes,
    durableApi,
    clientInput,
    isReady: () => ready,
    staticSite: createStaticSite(webRoot(config.appDir)),
    log,
  });
  await listen(server, config.port);

  await invoker.runAppStartHooks(config.appDir);
  await hub.start();
  const watcher = new BlobWatcher({
    functions: registry.byTrigger('blobTrigger'),
    invoker,
    connectionString: (name) => process.env[name] ?? process.env[`${name}__connectionString`],
    clientInput,
    pollMs: config.blobPollMs,
    rescanPage: config.blobRescanPage,
    rescanMs: config.blobRescanMs,
    concurrency: 8,
    hostId: config.hubName.toLowerCase(),
    log,
  });
  await watcher.start();
  const timers = new TimerScheduler({
    functions: registry.byTrigger('timerTrigger'),
    invoke: (fn, timer) =>
      invoker.invoke(fn, {
        inputData: [
          { name: fn.triggerName, data: { json: JSON.stringify(timer) } },
          ...clientInputs(fn, clientInput),
        ],
      }),
    monitor: new BlobScheduleMonitor(config.storageConnection, config.hubName.toLowerCase()),
    setting: (name) => process.env[name],
    log,
  });
  ready = true;
  // Start-up runs (past due, runOnStartup) go through the same pipeline as any invocation.
  void timers
    .start()
    .catch((err: unknown) =>
      log('error', `Timer triggers failed to start: ${(err as Error).stack ?? String(err)}`),
    );

  fs.mkdirSync(path.join(config.stateDir, 'run'), { recursive: true });
  const names = [...registry.functions.values()].map((f) => `${f.name} (${f.trigger.type})`);
  log(
    'info',
    `Loaded ${files.map((f) => path.relative(config.appDir, f)).join(', ')}: ${names.length} functions: ${names.join(', ')}`,
  );
  log(
    'info',
    `Host running on ${publicBaseUrl} (durable rpc on ${rpcPort}, task hub ${config.hubName})`,
  );

  const shutdown = (): void => {
    ready = false;
    watcher.stop();
    server.close();
    rpcServer.close();
    // Let running work finish and be stored, so a clean stop redelivers nothing.
    setTimeout(() => process.exit(0), 9000).unref();
    void Promise.all([hub.drain(8000), timers.drain()])
      .then(() => invoker.runAppTerminateHooks())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  log('error', `Host failed to start: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
