import * as path from 'node:path';
import type { SupervisorState } from './state-file';

/** Paths under the current directory read better relative (".devhost/logs"). */
function display(target: string, cwd: string): string {
  const relative = path.relative(cwd, target);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? relative
    : target;
}

/** Each emulated Vision endpoint with its key, and the emulator's admin API. */
function visionLines(state: SupervisorState): string[] {
  if (state.vision === undefined) return [];
  return [
    ...state.vision.endpoints.map(
      (endpoint) =>
        `  Vision ${endpoint.name.padEnd(8)}${endpoint.url}  (key ${endpoint.keys[0] ?? ''})`,
    ),
    `  Vision admin   ${state.vision.adminUrl}`,
  ];
}

/** The lines printed once the host first answers Running. */
export function formatBanner(state: SupervisorState, functionKey: string, cwd: string): string[] {
  const { baseUrl } = state.host;
  const keyWhere =
    state.functionKey.source === 'env'
      ? 'from FUNCTIONS_KEY'
      : `stored in ${display(state.functionKey.keyFile ?? '', cwd)}`;
  const storage = state.storage.external
    ? ['  Storage        from AzureWebJobsStorage (devhost did not start Azurite)']
    : [
        `  Blob           http://127.0.0.1:${state.storage.blobPort}/devstoreaccount1`,
        `  Queue          http://127.0.0.1:${state.storage.queuePort}/devstoreaccount1`,
        `  Table          http://127.0.0.1:${state.storage.tablePort}/devstoreaccount1`,
      ];
  const cosmos = state.cosmos.external
    ? `  Cosmos DB      ${state.cosmos.endpoint} (from COSMOS_ENDPOINT)`
    : `  Cosmos DB      ${state.cosmos.endpoint}`;
  return [
    '',
    'devhost is running',
    `  Web app        ${baseUrl}/`,
    `  App            ${baseUrl}/api/...`,
    `  Durable API    ${baseUrl}/runtime/webhooks/durabletask`,
    `  Function key   ${functionKey}  (header x-functions-key or ?code=; ${keyWhere})`,
    ...storage,
    cosmos,
    ...visionLines(state),
    `  Logs           ${display(state.logsDir, cwd)}${path.sep} (host.log, azurite.log, cosmos.log${state.vision ? ', vision.log' : ''})`,
    `  Host pid       ${display(state.host.pidFile, cwd)}`,
    'Press Ctrl-C to stop.',
    '',
  ];
}
