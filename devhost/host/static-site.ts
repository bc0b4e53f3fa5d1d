/**
 * Serves the built web app (Vite's output, `web/dist` by default) at `/`, as the app's static
 * hosting does in Azure. Only GET and HEAD of paths outside the route prefix and the Durable API
 * reach it; anything it does not have falls through to the host's JSON 404.
 *
 * - `/` is `index.html`, sent with `no-cache` so a rebuild shows at once; files under `assets/`
 *   carry a content hash in their names and are cached for a year.
 * - Text files are gzipped when the browser accepts it, once per file, kept in memory.
 * - `config.json` is the deploy-time configuration the page reads (its API base URL). Locally
 *   there is none, so an empty object is served: the page then talks to its own origin.
 * - The root is read from `DEVHOST_WEB_DIR` (default `{appDir}/web/dist`). Without a build,
 *   `/` answers a JSON 404 that says how to make one.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.webmanifest']);

interface Entry {
  body: Buffer;
  gzip?: Buffer;
  mtimeMs: number;
}

/** Answers a request for the site; false when the request is not the site's to answer. */
export type StaticSite = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  urlPath: string,
) => boolean;

export function webRoot(appDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.DEVHOST_WEB_DIR ?? path.join(appDir, 'web', 'dist'));
}

export function createStaticSite(root: string): StaticSite {
  const cache = new Map<string, Entry>();

  const read = (file: string): Entry | undefined => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const cached = cache.get(file);
    if (cached !== undefined && cached.mtimeMs === stat.mtimeMs) return cached;
    const body = fs.readFileSync(file);
    const entry: Entry = { body, mtimeMs: stat.mtimeMs };
    if (COMPRESSIBLE.has(path.extname(file)) && body.length > 512) entry.gzip = zlib.gzipSync(body);
    cache.set(file, entry);
    return entry;
  };

  return (req, res, urlPath) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let relative: string;
    try {
      relative = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
    } catch {
      return false;
    }
    const file = path.resolve(root, `.${relative}`);
    // Never outside the root, whatever `..` or encoded separators the path holds.
    if (file !== root && !file.startsWith(root + path.sep)) return false;
    const ext = path.extname(file);
    let entry = read(file);
    if (entry === undefined && relative === '/config.json') {
      entry = { body: Buffer.from('{}\n'), mtimeMs: 0 };
    }
    if (entry === undefined) {
      if (relative !== '/index.html') return false;
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          error: {
            code: 'NOT_FOUND',
            message: `The web app is not built (no ${file}); run "npm run build:web" or "npm start".`,
          },
        }),
      );
      return true;
    }
    const accepts = String(req.headers['accept-encoding'] ?? '');
    const gzip = entry.gzip !== undefined && /\bgzip\b/.test(accepts);
    const body = gzip ? entry.gzip! : entry.body;
    const immutable = relative.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'content-length': String(body.length),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
