/**
 * The Durable Functions HTTP API (`/runtime/webhooks/durabletask/...`), with the routes and
 * response shapes of the extension's HttpApiHandler, so `DurableClient` works unchanged.
 */
import { randomUUID } from 'node:crypto';
import { TERMINAL, type RuntimeStatus } from './orchestration-state';
import { orchestrationFromRows } from './state-rows';
import { statusView } from './status-view';
import { decodeKey, type InstanceQuery } from './table-store';
import type { TaskHub } from './task-hub';

export interface ApiRequest {
  method: string;
  /** Path below the API root, without a leading slash, e.g. `instances/abc`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface ApiOptions {
  hub: TaskHub;
  hubName: string;
  /** Builds the public management URLs for an instance (as in createCheckStatusResponse). */
  managementUrls: (instanceId: string) => Record<string, string>;
}

const RUNNING: ReadonlySet<RuntimeStatus> = new Set([
  'Pending',
  'Running',
  'ContinuedAsNew',
  'Suspended',
]);

function error(status: number, message: string): ApiResponse {
  return { status, body: { Message: message } };
}

function parseBody(body: Buffer): string | undefined {
  const text = body.toString('utf8').trim();
  if (text === '') return undefined;
  JSON.parse(text);
  return text;
}

export async function handleDurableApi(req: ApiRequest, o: ApiOptions): Promise<ApiResponse> {
  const parts = req.path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  const [root, a, b, c] = parts;
  const method = req.method.toUpperCase();
  try {
    if (root === 'orchestrators' && method === 'POST' && a) return await startNew(req, o, a, b);
    if (root === 'instances') {
      if (!a) {
        if (method === 'GET') return await listInstances(req, o);
        if (method === 'DELETE') return await purgeBy(req, o);
      } else if (!b) {
        if (method === 'GET') return await getStatus(req, o, a);
        if (method === 'DELETE') return await purgeOne(o, a);
      } else if (method === 'POST') {
        return await instanceAction(req, o, a, b, c);
      }
    }
    if (root === 'entities' && a && b !== undefined)
      return await entity(req, o, a, parts.slice(2).join('/'));
    return error(404, `No Durable API route for ${method} /${req.path}.`);
  } catch (err) {
    if (err instanceof SyntaxError) return error(400, 'The request body is not valid JSON.');
    throw err;
  }
}

async function startNew(
  req: ApiRequest,
  o: ApiOptions,
  name: string,
  instanceId = randomUUID().replace(/-/g, ''),
): Promise<ApiResponse> {
  const input = parseBody(req.body);
  const version = req.query.get('version') ?? undefined;
  if (!(await o.hub.startNew(name, instanceId, input, version))) {
    return error(
      409,
      `An orchestration instance with ID '${instanceId}' already exists and is still running.`,
    );
  }
  const urls = o.managementUrls(instanceId);
  return {
    status: 202,
    headers: { Location: urls.statusQueryGetUri ?? '', 'Retry-After': '10' },
    body: urls,
  };
}

function flag(q: URLSearchParams, name: string): boolean {
  return (q.get(name) ?? '').toLowerCase() === 'true';
}

async function getStatus(req: ApiRequest, o: ApiOptions, id: string): Promise<ApiResponse> {
  // History needs the whole partition; plain status is one point read of the state row.
  const state = flag(req.query, 'showHistory')
    ? await o.hub.getOrchestration(id)
    : await o.hub.getOrchestrationSummary(id);
  if (!state) return error(404, `No instance with ID '${id}' was found.`);
  const body = statusView(state, {
    showInput: req.query.get('showInput') === null ? true : flag(req.query, 'showInput'),
    showHistory: flag(req.query, 'showHistory'),
    showHistoryOutput: flag(req.query, 'showHistoryOutput'),
  });
  if (RUNNING.has(state.status)) {
    const urls = o.managementUrls(id);
    return {
      status: 202,
      headers: { Location: urls.statusQueryGetUri ?? '', 'Retry-After': '5' },
      body,
    };
  }
  return { status: 200, body };
}

function instanceQuery(q: URLSearchParams): InstanceQuery {
  const from = q.get('createdTimeFrom');
  const to = q.get('createdTimeTo');
  const statuses = (q.get('runtimeStatus') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    createdFrom: from ? new Date(from).toISOString() : undefined,
    createdTo: to ? new Date(to).toISOString() : undefined,
    statuses,
    instanceIdPrefix: q.get('instanceIdPrefix') ?? undefined,
  };
}

function validDates(q: URLSearchParams): boolean {
  return ['createdTimeFrom', 'createdTimeTo'].every((k) => {
    const v = q.get(k);
    return v === null || !Number.isNaN(Date.parse(v));
  });
}

async function listInstances(req: ApiRequest, o: ApiOptions): Promise<ApiResponse> {
  if (!validDates(req.query))
    return error(400, 'createdTimeFrom and createdTimeTo must be ISO 8601 dates.');
  const top = Math.min(1000, Math.max(1, Number(req.query.get('top') ?? 100) || 100));
  const header = req.headers['x-ms-continuation-token'];
  const token = (Array.isArray(header) ? header[0] : header) || undefined;
  const page = await o.hub.store.queryInstances(instanceQuery(req.query), top, token);
  // The extension shows inputs in queries unless asked not to.
  const showInput = req.query.get('showInput') === null ? true : flag(req.query, 'showInput');
  const items = page.rows
    .map((row) => orchestrationFromRows(decodeKey(row.partition), [row]))
    .filter((s) => s !== undefined)
    .map((s) => statusView(s, { showInput, showHistory: false, showHistoryOutput: false }));
  const headers: Record<string, string> = {};
  if (page.continuationToken) headers['x-ms-continuation-token'] = page.continuationToken;
  return { status: 200, headers, body: items };
}

async function purgeBy(req: ApiRequest, o: ApiOptions): Promise<ApiResponse> {
  if (!validDates(req.query))
    return error(400, 'createdTimeFrom and createdTimeTo must be ISO 8601 dates.');
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await o.hub.store.queryInstances(instanceQuery(req.query), 500, token);
    for (const row of page.rows) {
      if (
        TERMINAL.has(row.columns.Status as RuntimeStatus) &&
        (await o.hub.purge(decodeKey(row.partition)))
      )
        deleted++;
    }
    token = page.continuationToken;
  } while (token);
  return deleted > 0
    ? { status: 200, body: { instancesDeleted: deleted } }
    : error(404, 'No finished instances matched the filter.');
}

async function purgeOne(o: ApiOptions, id: string): Promise<ApiResponse> {
  const state = await o.hub.getOrchestration(id);
  if (!state) return error(404, `No instance with ID '${id}' was found.`);
  if (!TERMINAL.has(state.status) || !(await o.hub.purge(id))) {
    return error(
      412,
      `Instance '${id}' is ${state.status}; only finished instances can be purged.`,
    );
  }
  return { status: 200, body: { instancesDeleted: 1 } };
}

async function instanceAction(
  req: ApiRequest,
  o: ApiOptions,
  id: string,
  action: string,
  eventName?: string,
): Promise<ApiResponse> {
  const state = await o.hub.getOrchestration(id);
  if (!state) {
    return action.toLowerCase() === 'restart'
      ? error(400, 'InstanceId does not match a valid orchestration instance.')
      : error(404, `No instance with ID '${id}' was found.`);
  }
  const reason = req.query.get('reason') ?? undefined;
  const finished = TERMINAL.has(state.status);
  switch (action.toLowerCase()) {
    case 'raiseevent': {
      if (!eventName) return error(400, 'An event name is required.');
      if (finished) return error(410, `Instance '${id}' has already finished.`);
      await o.hub.send(id, {
        kind: 'EventRaised',
        name: eventName,
        input: parseBody(req.body) ?? 'null',
      });
      return { status: 202 };
    }
    case 'terminate':
    case 'suspend':
    case 'resume': {
      if (finished) return error(410, `Instance '${id}' has already finished.`);
      const kind =
        action.toLowerCase() === 'terminate'
          ? 'Terminate'
          : action.toLowerCase() === 'suspend'
            ? 'Suspend'
            : 'Resume';
      await o.hub.send(id, { kind, reason });
      return { status: 202 };
    }
    case 'rewind':
      if (state.status !== 'Failed') {
        return error(
          412,
          `Instance '${id}' is ${state.status}; only failed instances can be rewound.`,
        );
      }
      return error(501, 'Rewind is not supported by this host; use restart.');
    case 'restart': {
      const newId = flag(req.query, 'restartWithNewInstanceId')
        ? randomUUID().replace(/-/g, '')
        : id;
      if (newId === id && !finished)
        return error(409, `Instance '${id}' is still running; terminate it first.`);
      await o.hub.startNew(state.name, newId, state.input, state.version);
      const urls = o.managementUrls(newId);
      return {
        status: 202,
        headers: { Location: urls.statusQueryGetUri ?? '', 'Retry-After': '10' },
        body: urls,
      };
    }
    default:
      return error(404, `Unknown instance action '${action}'.`);
  }
}

async function entity(
  req: ApiRequest,
  o: ApiOptions,
  name: string,
  key: string,
): Promise<ApiResponse> {
  const entityId = `@${name.toLowerCase()}@${key}`;
  const method = req.method.toUpperCase();
  if (method === 'GET') {
    const state = await o.hub.getEntity(entityId);
    if (!state?.exists) return error(404, `Entity ${entityId} does not exist.`);
    return {
      status: 200,
      body: state.state === undefined ? null : (JSON.parse(state.state) as unknown),
    };
  }
  if (method === 'POST' || method === 'DELETE') {
    const operation = method === 'DELETE' ? 'delete' : (req.query.get('op') ?? '');
    await o.hub.send(entityId, {
      kind: 'EntityOperation',
      id: randomUUID(),
      operation,
      input: method === 'POST' ? parseBody(req.body) : undefined,
      signal: true,
    });
    return { status: 202 };
  }
  return error(405, 'Entities support GET, POST and DELETE.');
}
