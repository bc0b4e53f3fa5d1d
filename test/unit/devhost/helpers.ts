import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A tiny stand-in for the Functions host: it answers /admin/host/status like the real one,
 * echoes its environment on /env, and stops on SIGTERM. The supervisor runs it through
 * DEVHOST_HOST_ENTRY, so these tests do not depend on the real host.
 */
const STAND_IN_HOST = `
const http = require('http');
const port = Number(process.env.DEVHOST_PORT);
const server = http.createServer((req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/admin/host/status') return send(200, { state: 'Running', pid: process.pid });
  if (req.url === '/env') return send(200, process.env);
  send(404, { error: { code: 'NOT_FOUND', message: 'no route' } });
});
server.listen(port, '127.0.0.1', () => console.log('stand-in host ' + process.pid + ' listening'));
process.on('SIGTERM', () => {
  console.log('stand-in host stopping');
  server.close(() => process.exit(0));
});
`;

const createdDirs: string[] = [];

/** A new directory under the OS temp dir, removed by removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  createdDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of createdDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function writeStandInHost(): string {
  const file = path.join(tempDir('devhost-stand-in'), 'host.js');
  writeFileSync(file, STAND_IN_HOST);
  return file;
}

/** Live processes whose command line mentions `text` (Linux /proc), to prove nothing leaks. */
export function processesMentioning(text: string): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (cmdline.includes(text) && !/State:\s+Z/.test(status)) pids.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Fails the suite early with a clear message when dist/ has not been built. */
export function requireBuiltDevhost(repoRoot: string): void {
  const cli = path.join(repoRoot, 'dist', 'devhost', 'cli.js');
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run "npm run build" before these tests`);
}
