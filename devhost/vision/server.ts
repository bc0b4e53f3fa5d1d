/**
 * The Azure AI Vision emulator: one HTTP server on loopback serving one or more virtual
 * endpoints ("regions"), each under its own path prefix with its own keys, quota, faults and
 * counters, plus the admin API. `http://127.0.0.1:{port}/r1` is an endpoint URL in the sense of
 * `VISION_ENDPOINTS`: the client appends `/computervision/imageanalysis:analyze`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin, type AdminScope } from './admin-routes';
import { handleAnalyze, type HeldRequests } from './analyze-route';
import { ANALYZE_PATH, API_VERSIONS, MODEL_VERSION } from './contract';
import { applyPatch, DEFAULT_CONFIG, type ConfigPatch } from './endpoint-config';
import { sendJson } from './http-io';
import { resourceNotFound } from './service-errors';
import { VirtualEndpoint, type OutageMode } from './virtual-endpoint';

export const LOOPBACK = '127.0.0.1';

export interface VisionEmulatorOptions {
  /** 0 (the default): any free port. */
  port?: number;
  /** How many endpoints (named r1, r2, ...) or their names. Default 1. */
  endpoints?: number | readonly string[];
  /** One key per endpoint, in order; default `vision-emulator-key-{name}`. */
  keys?: readonly string[];
  /** Applied to every endpoint at start (and restored by a reset). */
  config?: ConfigPatch;
  /** Applied to the named endpoints after `config`. */
  perEndpoint?: Readonly<Record<string, ConfigPatch>>;
  /** An outage scheduled at start on every endpoint. */
  outage?: { seconds: number; mode?: OutageMode; startInSeconds?: number };
  /** Seed of the fault dice; endpoint i uses seed + i. Default 1. */
  seed?: number;
  /** Time source for quotas, outages and counters (tests pass a fake one). */
  clock?: () => number;
}

export interface EmulatedEndpoint {
  name: string;
  /** What to put in VISION_ENDPOINTS. */
  url: string;
  keys: string[];
  adminUrl: string;
}

export interface RunningVisionEmulator {
  port: number;
  /** `http://127.0.0.1:{port}` */
  url: string;
  /** `http://127.0.0.1:{port}/emulator`: the admin API for every endpoint. */
  adminUrl: string;
  endpoints: EmulatedEndpoint[];
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/;
const RESERVED = new Set(['emulator', 'computervision']);

export function endpointNames(endpoints: number | readonly string[] | undefined): string[] {
  const names =
    typeof endpoints === 'number' || endpoints === undefined
      ? Array.from({ length: endpoints ?? 1 }, (_, i) => `r${i + 1}`)
      : [...endpoints];
  if (names.length === 0) throw new Error('the emulator needs at least one endpoint');
  for (const name of names) {
    if (!NAME.test(name) || RESERVED.has(name.toLowerCase())) {
      throw new Error(`"${name}" cannot name an endpoint: use letters, digits and -`);
    }
  }
  if (new Set(names).size !== names.length) throw new Error('endpoint names must be distinct');
  return names;
}

export const defaultKey = (name: string): string => `vision-emulator-key-${name}`;

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startVisionEmulator(
  options: VisionEmulatorOptions = {},
): Promise<RunningVisionEmulator> {
  const names = endpointNames(options.endpoints);
  const strangers = Object.keys(options.perEndpoint ?? {}).filter((name) => !names.includes(name));
  if (strangers.length > 0) {
    throw new Error(`configuration for unknown endpoint(s) ${strangers.join(', ')}`);
  }
  if (options.keys !== undefined && options.keys.length !== names.length) {
    throw new Error(`give one key per endpoint (${names.length}), not ${options.keys.length}`);
  }
  // Check every endpoint's configuration before taking the port.
  const configs = names.map((name, i) => {
    let config = { ...DEFAULT_CONFIG, keys: [options.keys?.[i] ?? defaultKey(name)] };
    if (options.config !== undefined) config = applyPatch(config, options.config);
    const own = options.perEndpoint?.[name];
    return own === undefined ? config : applyPatch(config, own);
  });
  const clock = options.clock ?? Date.now;
  const seed = options.seed ?? 1;
  const held: HeldRequests = new Set();
  const startedAt = new Date().toISOString();
  let endpoints: VirtualEndpoint[] = [];
  let url = '';

  const describe = (): unknown => ({
    service: 'Azure AI Vision Image Analysis 4.0 (emulated)',
    pid: process.pid,
    startedAt,
    url,
    adminUrl: `${url}/emulator`,
    apiVersions: API_VERSIONS,
    modelVersion: MODEL_VERSION,
    endpoints: endpoints.map((e) => ({
      name: e.name,
      url: e.url,
      keys: [...e.keys],
      adminUrl: `${e.url}/emulator`,
      quotaPerMinute: e.quota.perWindow,
      windowSeconds: e.quota.windowSeconds,
    })),
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? '/', url);
    const path = requestUrl.pathname;
    const [, first = '', ...rest] = path.split('/');
    const tail = rest.length > 0 ? `/${rest.join('/')}` : '';
    if (first === 'emulator') {
      const scope: AdminScope = { endpoints, single: false, describe };
      await handleAdmin(scope, tail, req, res, requestUrl);
      return;
    }
    const endpoint = endpoints.find((e) => e.name === first);
    if (endpoint !== undefined && (tail === '/emulator' || tail.startsWith('/emulator/'))) {
      const scope: AdminScope = { endpoints: [endpoint], single: true, describe };
      await handleAdmin(scope, tail.slice('/emulator'.length), req, res, requestUrl);
      return;
    }
    if (endpoint !== undefined && tail === ANALYZE_PATH) {
      await handleAnalyze(endpoint, req, res, requestUrl, held);
      return;
    }
    // Without a prefix, the first endpoint answers: handy for curl against "the" endpoint.
    const fallback = endpoints[0];
    if (path === ANALYZE_PATH && fallback !== undefined) {
      await handleAnalyze(fallback, req, res, requestUrl, held);
      return;
    }
    req.resume();
    const notFound = resourceNotFound();
    sendJson(res, notFound.status, notFound.body);
  }

  const server = createServer((req, res) => {
    dispatch(req, res).catch((error: unknown) => {
      process.stderr.write(
        `vision emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      sendJson(res, 500, {
        error: { code: 'InternalServerError', message: 'The emulator failed to answer.' },
      });
    });
  });
  const port = await listen(server, options.port ?? 0);
  url = `http://${LOOPBACK}:${port}`;

  endpoints = names.map((name, i) => {
    const config = configs[i] ?? { ...DEFAULT_CONFIG, keys: [defaultKey(name)] };
    const endpoint = new VirtualEndpoint(name, `${url}/${name}`, config, seed + i, clock);
    if (options.outage !== undefined) {
      endpoint.startOutage({
        seconds: options.outage.seconds,
        mode: options.outage.mode ?? '503',
        startInSeconds: options.outage.startInSeconds ?? 0,
      });
    }
    return endpoint;
  });

  return {
    port,
    url,
    adminUrl: `${url}/emulator`,
    endpoints: endpoints.map((e) => ({
      name: e.name,
      url: e.url,
      keys: [...e.keys],
      adminUrl: `${e.url}/emulator`,
    })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const req of held) req.socket.destroy();
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
