import { LOOPBACK, sleep } from './ports';

export interface HostStatusProbe {
  port: number;
  functionKey: string;
}

/** One look at the host's admin status: true when it answers 200 `{ "state": "Running" }`. */
export async function isHostRunning(probe: HostStatusProbe): Promise<boolean> {
  try {
    const response = await fetch(`http://${LOOPBACK}:${probe.port}/admin/host/status`, {
      headers: { 'x-functions-key': probe.functionKey, accept: 'application/json' },
      signal: AbortSignal.timeout(2000),
    });
    if (response.status !== 200) return false;
    const body = (await response.json()) as { state?: unknown };
    return body.state === 'Running';
  } catch {
    return false;
  }
}

/**
 * Polls until the host reports Running. There is no deadline: the host may crash and be
 * restarted several times on the way (the caller logs that); `signal` ends the wait.
 */
export async function waitForHostRunning(
  probe: HostStatusProbe,
  options: { signal: AbortSignal; onSlow?: (waitedMs: number) => void; slowAfterMs?: number },
): Promise<boolean> {
  const started = Date.now();
  let warned = false;
  while (!options.signal.aborted) {
    if (await isHostRunning(probe)) return true;
    const waited = Date.now() - started;
    if (!warned && waited > (options.slowAfterMs ?? 30_000)) {
      warned = true;
      options.onSlow?.(waited);
    }
    await sleep(150);
  }
  return false;
}
