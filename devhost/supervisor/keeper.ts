import { nextRestartDelay, RESTART_BACKOFF, type BackoffPolicy } from './backoff';
import type { ProcessExit, RunningProcess } from './child-process';

export interface KeeperOptions<T extends RunningProcess> {
  /** Shown in log lines: "host", "Azurite", ... */
  name: string;
  /** Starts one instance; may reject (then it counts as a crash and is retried). */
  launch: () => Promise<T>;
  log: (line: string) => void;
  /** Called after every successful launch, the first one included. */
  onLaunched?: (process: T) => void;
  backoff?: BackoffPolicy;
}

function describeExit(exit: ProcessExit): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${String(exit.code)}`;
}

/**
 * Keeps one process running: whenever it ends without being asked to, it is started again
 * after a backoff, the way Azure restarts a crashed worker.
 */
export class Keeper<T extends RunningProcess> {
  private currentProcess: T | undefined;
  private stopping = false;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: KeeperOptions<T>) {}

  /** Launches the first instance; rejects if that launch fails (the caller decides what next). */
  async start(): Promise<T> {
    const first = await this.options.launch();
    this.adopt(first);
    this.loop = this.keepAlive(first);
    return first;
  }

  /** Stops the current instance and the restarts. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    const running = this.currentProcess;
    if (running) await running.stop();
    await this.loop;
  }

  private adopt(process: T): void {
    this.currentProcess = process;
    this.options.onLaunched?.(process);
  }

  private async keepAlive(first: T): Promise<void> {
    const { name, log } = this.options;
    const policy = this.options.backoff ?? RESTART_BACKOFF;
    let running: T | undefined = first;
    let startedAt = Date.now();
    let delay: number | undefined;
    for (;;) {
      if (running) {
        const exit = await running.exited;
        if (this.stopping) return;
        this.currentProcess = undefined;
        delay = nextRestartDelay(policy, delay, Date.now() - startedAt);
        log(`${name} ${describeExit(exit)}; restarting in ${delay} ms`);
      } else {
        delay = nextRestartDelay(policy, delay, 0);
      }
      await this.pause(delay);
      if (this.stopping) return;
      startedAt = Date.now();
      try {
        running = await this.options.launch();
      } catch (error) {
        running = undefined;
        log(`${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (this.stopping) {
        await running.stop();
        return;
      }
      this.adopt(running);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
