/**
 * The emulator's admin API, served next to the service routes so tests and benchmarks can steer
 * a running emulator: `/emulator/...` acts on every endpoint, `/{name}/emulator/...` on one.
 *
 *   GET        /emulator                 what runs: endpoints, URLs, keys
 *   GET        .../emulator/counters     counters (one endpoint, or `{ endpoints: {...}, total }`)
 *   GET        .../emulator/config       configuration and scheduled outage
 *   PUT|PATCH  .../emulator/config       change fields of the configuration (JSON)
 *   POST       .../emulator/outage       `{ seconds, mode?: "503"|"reset"|"timeout", startInSeconds? }`
 *   DELETE     .../emulator/outage       end an outage now
 *   POST       .../emulator/reset        start configuration, zero counters, no outage
 *   GET        .../emulator/requests     recent calls (`?limit=`, default 50, at most 200)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigPatchError, parseConfigPatch, applyPatch } from './endpoint-config';
import type { TotalCounters } from './counters';
import { readJson, sendJson } from './http-io';
import type { OutageMode, VirtualEndpoint } from './virtual-endpoint';

export interface AdminScope {
  /** The endpoints the route acts on: one, or all of them for `/emulator/...`. */
  endpoints: readonly VirtualEndpoint[];
  /** True for `/{name}/emulator/...`: answers are about that one endpoint. */
  single: boolean;
  /** `GET /emulator`: the description of the whole emulator. */
  describe: () => unknown;
}

const OUTAGE_MODES: readonly OutageMode[] = ['503', 'reset', 'timeout'];

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function perEndpoint<T>(scope: AdminScope, pick: (endpoint: VirtualEndpoint) => T): unknown {
  if (scope.single && scope.endpoints[0] !== undefined) return pick(scope.endpoints[0]);
  return { endpoints: Object.fromEntries(scope.endpoints.map((e) => [e.name, pick(e)])) };
}

function outageSpec(body: unknown): { seconds: number; mode: OutageMode; startInSeconds: number } {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { seconds, mode = '503', startInSeconds = 0 } = input;
  if (typeof seconds !== 'number' || !(seconds > 0)) {
    throw new AdminError(400, 'InvalidOutage', 'seconds must be a number above 0');
  }
  if (typeof mode !== 'string' || !OUTAGE_MODES.includes(mode as OutageMode)) {
    throw new AdminError(400, 'InvalidOutage', `mode must be one of ${OUTAGE_MODES.join(', ')}`);
  }
  if (typeof startInSeconds !== 'number' || !(startInSeconds >= 0)) {
    throw new AdminError(400, 'InvalidOutage', 'startInSeconds must be a number, 0 or more');
  }
  return { seconds, mode: mode as OutageMode, startInSeconds };
}

/** Calls and outcomes summed over the scope's endpoints (windows are per endpoint: not summed). */
function totalOf(scope: AdminScope): TotalCounters {
  const total: TotalCounters = {
    calls: 0,
    ok: 0,
    throttled: 0,
    quotaThrottled: 0,
    unauthorized: 0,
    rejected: 0,
    errors: { '500': 0, '503': 0, timeouts: 0, resets: 0 },
    inFlight: 0,
  };
  for (const endpoint of scope.endpoints) {
    const counters = endpoint.counters();
    for (const field of ['calls', 'ok', 'throttled', 'quotaThrottled'] as const) {
      total[field] += counters[field];
    }
    total.unauthorized += counters.unauthorized;
    total.rejected += counters.rejected;
    total.inFlight += counters.inFlight;
    for (const kind of ['500', '503', 'timeouts', 'resets'] as const) {
      total.errors[kind] += counters.errors[kind];
    }
  }
  return total;
}

async function route(
  scope: AdminScope,
  action: string,
  req: IncomingMessage,
  url: URL,
): Promise<unknown> {
  const method = req.method ?? 'GET';
  const key = `${method} ${action}`;
  switch (key) {
    case 'GET ':
      return scope.single ? perEndpoint(scope, (e) => e.view()) : scope.describe();
    case 'GET /counters': {
      const counters = perEndpoint(scope, (e) => e.counters());
      return scope.single ? counters : { ...(counters as object), total: totalOf(scope) };
    }
    case 'GET /config':
      return perEndpoint(scope, (e) => e.view());
    case 'PUT /config':
    case 'PATCH /config': {
      let patch;
      try {
        patch = parseConfigPatch(await readJson(req));
        // Check against every endpoint before changing any, so a bad patch changes nothing.
        for (const endpoint of scope.endpoints) applyPatch(endpoint.view().config, patch);
      } catch (error) {
        if (error instanceof ConfigPatchError || error instanceof SyntaxError) {
          throw new AdminError(400, 'InvalidConfig', error.message);
        }
        throw error;
      }
      for (const endpoint of scope.endpoints) endpoint.configure(patch);
      return perEndpoint(scope, (e) => e.view());
    }
    case 'POST /outage': {
      let body: unknown;
      try {
        body = await readJson(req);
      } catch (error) {
        throw new AdminError(400, 'InvalidOutage', (error as Error).message);
      }
      const spec = outageSpec(body);
      for (const endpoint of scope.endpoints) endpoint.startOutage(spec);
      return perEndpoint(scope, (e) => e.view());
    }
    case 'DELETE /outage':
      for (const endpoint of scope.endpoints) endpoint.endOutage();
      return perEndpoint(scope, (e) => e.view());
    case 'POST /reset':
      for (const endpoint of scope.endpoints) endpoint.reset();
      return perEndpoint(scope, (e) => e.view());
    case 'GET /requests': {
      const raw = Number(url.searchParams.get('limit') ?? 50);
      const limit = Number.isInteger(raw) && raw > 0 ? Math.min(raw, 200) : 50;
      if (scope.single) return { requests: scope.endpoints[0]?.requests(limit) ?? [] };
      const all = scope.endpoints
        .flatMap((e) => e.requests(limit).map((entry) => ({ endpoint: e.name, ...entry })))
        .sort((a, b) => a.at.localeCompare(b.at));
      return { requests: all.slice(-limit) };
    }
    default:
      throw new AdminError(404, 'NotFound', `No admin route ${method} ${url.pathname}`);
  }
}

/** Answers one admin request; `action` is the path after `/emulator` ('' for the root). */
export async function handleAdmin(
  scope: AdminScope,
  action: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  try {
    sendJson(res, 200, await route(scope, action.replace(/\/+$/, ''), req, url));
  } catch (error) {
    if (error instanceof AdminError) {
      sendJson(res, error.status, { error: { code: error.code, message: error.message } });
      return;
    }
    throw error;
  }
}
