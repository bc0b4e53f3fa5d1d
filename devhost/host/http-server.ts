/**
 * The host's HTTP front door: HTTP triggers under the route prefix, the Durable HTTP API under
 * `/runtime/webhooks/durabletask`, and `/admin/host/status`. Function keys are checked as the
 * Functions host does (`x-functions-key` header or `?code=`).
 */
import http from 'node:http';
import { handleDurableApi, type ApiOptions, type ApiResponse } from '../durable/http-api';
import { clientInputs } from './durable-invoker';
import type { Registry, RpcHttpData, RpcTypedData } from './functions-core';
import type { Invoker } from './invoke';
import { keepConnectionsLikeAzure } from './keep-alive';
import { compileRoute, matchRoute, sortRoutes, type CompiledRoute } from './routes';
import type { StaticSite } from './static-site';

export interface HttpServerOptions {
  registry: Registry;
  invoker: Invoker;
  routePrefix: string;
  functionKey: string;
  maxRequestBytes: number;
  durableApi: ApiOptions;
  clientInput: () => RpcTypedData;
  isReady: () => boolean;
  /** The web app, for paths outside the route prefix and the Durable API. */
  staticSite?: StaticSite;
  log: (level: string, message: string) => void;
}

class TooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new TooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    ...headers,
  });
  res.end(text);
}

function hostError(res: http.ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

function sendApi(res: http.ServerResponse, r: ApiResponse): void {
  sendJson(res, r.status, r.body, r.headers);
}

function unauthorized(res: http.ServerResponse): void {
  hostError(
    res,
    401,
    'UNAUTHORIZED',
    'A valid function key is required (x-functions-key header or code query parameter).',
  );
}

function keyFrom(req: http.IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('code') ?? undefined;
}

export function createHttpServer(o: HttpServerOptions): http.Server {
  let routes: CompiledRoute[] | undefined;
  const compiled = (): CompiledRoute[] =>
    (routes ??= sortRoutes(o.registry.byTrigger('httpTrigger').map(compileRoute)));
  const prefix = o.routePrefix.replace(/^\/+|\/+$/g, '');

  return keepConnectionsLikeAzure(
    http.createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
        const path = url.pathname;
        try {
          if (path === '/admin/host/status') {
            sendJson(res, o.isReady() ? 200 : 503, {
              state: o.isReady() ? 'Running' : 'Initialized',
            });
            return;
          }
          if (!o.isReady()) {
            hostError(res, 503, 'HOST_STARTING', 'The host is starting; try again in a moment.');
            return;
          }
          const durablePrefix = '/runtime/webhooks/durabletask/';
          if (path.startsWith(durablePrefix)) {
            if (keyFrom(req, url) !== o.functionKey) {
              unauthorized(res);
              return;
            }
            const body = await readBody(req, o.maxRequestBytes);
            sendApi(
              res,
              await handleDurableApi(
                {
                  method: req.method ?? 'GET',
                  path: path.slice(durablePrefix.length),
                  query: url.searchParams,
                  headers: req.headers,
                  body,
                },
                o.durableApi,
              ),
            );
            return;
          }
          const routePath = prefix
            ? path.startsWith(`/${prefix}/`) || path === `/${prefix}`
              ? path.slice(prefix.length + 2)
              : undefined
            : path.slice(1);
          if (routePath === undefined) {
            if (o.staticSite?.(req, res, path)) return;
            hostError(res, 404, 'NOT_FOUND', `No function serves ${path}.`);
            return;
          }
          const match = matchRoute(compiled(), req.method ?? 'GET', routePath.replace(/\/+$/, ''));
          if (!match) {
            hostError(res, 404, 'NOT_FOUND', `No function serves ${path}.`);
            return;
          }
          if ('methodNotAllowed' in match) {
            hostError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}.`);
            return;
          }
          const { route, params } = match;
          const authLevel = String(route.fn.trigger.authLevel ?? 'function').toLowerCase();
          if (authLevel !== 'anonymous' && keyFrom(req, url) !== o.functionKey) {
            unauthorized(res);
            return;
          }
          const body = await readBody(req, o.maxRequestBytes);
          await invokeHttp(o, route, req, url, params, body, res);
        } catch (err) {
          if (err instanceof TooLarge) {
            hostError(
              res,
              413,
              'PAYLOAD_TOO_LARGE',
              `The request body exceeds the host limit of ${o.maxRequestBytes} bytes.`,
            );
            return;
          }
          o.log(
            'error',
            `Request ${req.method} ${path} failed: ${(err as Error).stack ?? String(err)}`,
          );
          if (!res.headersSent)
            hostError(res, 500, 'INTERNAL', 'The function failed; see the host log.');
          else res.end();
        }
      })();
    }),
  );
}

async function invokeHttp(
  o: HttpServerOptions,
  route: CompiledRoute,
  req: http.IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
  res: http.ServerResponse,
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const httpData: RpcHttpData = {
    method: req.method ?? 'GET',
    url: url.href,
    headers,
    query,
    params,
    body: { bytes: body },
  };
  const fn = route.fn;
  const response = await o.invoker.invoke(fn, {
    inputData: [
      { name: fn.triggerName, data: { http: httpData } },
      ...clientInputs(fn, o.clientInput),
    ],
  });
  const outName = Object.entries(fn.bindings).find(
    ([, b]) => b.direction === 'out' && b.type.toLowerCase() === 'http',
  )?.[0];
  const out =
    outName === '$return' || !outName
      ? response.returnValue
      : response.outputData?.find((d) => d.name === outName)?.data;
  const rpc = out?.http;
  if (!rpc) {
    res.writeHead(204);
    res.end();
    return;
  }
  const status = Number(rpc.statusCode ?? 200) || 200;
  const outHeaders: Record<string, string> = { ...(rpc.headers ?? {}) };
  const payload = typedBytes(rpc.body);
  res.writeHead(status, outHeaders);
  res.end(payload);
}

function typedBytes(data: RpcTypedData | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.string !== undefined) return Buffer.from(data.string);
  if (data.json !== undefined) return Buffer.from(data.json);
  return Buffer.alloc(0);
}

/** The loopback-only endpoint the durable client's `rpcBaseUrl` points at (no key, as in Azure). */
export function createRpcServer(
  api: ApiOptions,
  log: (level: string, message: string) => void,
): http.Server {
  return keepConnectionsLikeAzure(
    http.createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const root = '/durabletask/';
        try {
          if (!url.pathname.startsWith(root)) {
            sendJson(res, 404, { Message: 'Not found' });
            return;
          }
          const body = await readBody(req, 100 * 1024 * 1024);
          sendApi(
            res,
            await handleDurableApi(
              {
                method: req.method ?? 'GET',
                path: url.pathname.slice(root.length),
                query: url.searchParams,
                headers: req.headers,
                body,
              },
              api,
            ),
          );
        } catch (err) {
          log(
            'error',
            `Durable API ${req.method} ${url.pathname} failed: ${(err as Error).stack ?? String(err)}`,
          );
          if (!res.headersSent)
            sendJson(res, 500, { Message: 'Internal error; see the host log.' });
          else res.end();
        }
      })();
    }),
  );
}
