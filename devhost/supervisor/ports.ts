import * as net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** True when nothing listens on the port: we can bind it ourselves. */
export function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function listenOnAnyPort(host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => resolve(server));
  });
}

/**
 * `count` distinct ports the OS considers free right now: bind port 0 that many times at
 * once (so no port comes back twice), read the ports back, release them.
 */
export async function findFreePorts(count: number, host = LOOPBACK): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listenOnAnyPort(host)));
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  if (ports.some((port) => port === 0)) throw new Error('could not find free ports');
  return ports;
}

/** True when something accepts TCP connections on the port. */
export function acceptsConnections(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until every port accepts connections. `giveUp` is checked between polls so a caller
 * can stop waiting as soon as the process that should open the ports has died.
 */
export async function waitForPorts(
  ports: readonly number[],
  options: { timeoutMs: number; giveUp?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const open = await Promise.all(ports.map((port) => acceptsConnections(port)));
    if (open.every(Boolean)) return;
    const reason = options.giveUp?.();
    if (reason !== undefined) throw new Error(reason);
    if (Date.now() > deadline) {
      const closed = ports.filter((_, i) => !open[i]);
      throw new Error(`port ${closed.join(', ')} did not open within ${options.timeoutMs} ms`);
    }
    await sleep(100);
  }
}

/** A port we need is taken; the message is the one line the user sees. */
export class PortBusyError extends Error {
  constructor(
    readonly port: number,
    readonly envVar: string,
    what: string,
  ) {
    super(`Port ${port} (${what}) is already in use; set ${envVar} to use another port.`);
    this.name = 'PortBusyError';
  }
}

export interface PortClaim {
  port: number;
  envVar: string;
  what: string;
}

/** Fails on the first busy port, naming it and the env var that moves it. */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  const seen = new Map<number, PortClaim>();
  for (const claim of claims) {
    const other = seen.get(claim.port);
    if (other) {
      throw new Error(
        `Port ${claim.port} is configured for both ${other.what} (${other.envVar}) and ${claim.what} (${claim.envVar}).`,
      );
    }
    seen.set(claim.port, claim);
    if (!(await isPortFree(claim.port)))
      throw new PortBusyError(claim.port, claim.envVar, claim.what);
  }
}
