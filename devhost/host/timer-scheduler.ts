/**
 * Timer triggers (`app.timer`): runs each function on its NCRONTAB or TimeSpan schedule, honours
 * `runOnStartup`, and passes the Timer object the Functions host passes (`Schedule`,
 * `ScheduleStatus`, `IsPastDue`, which @azure/functions camel-cases). Each function runs one
 * invocation at a time. The schedule status is stored after every run (schedule-monitor.ts), so
 * a restarted host neither repeats an occurrence nor forgets one it missed: that one runs once,
 * with `isPastDue`. A failed invocation is logged and the schedule goes on, as in Azure.
 *
 * Azure stores the status by default only for schedules at most once a minute; devhost stores it
 * for every schedule unless the function sets `useMonitor: false`, so restarts behave the same
 * whatever the frequency. Schedules may name an app setting: `schedule: '%MY_SCHEDULE%'`.
 */
import type { RegisteredFunction } from './functions-core';
import { parseSchedule, type Schedule } from './ncrontab';
import type { ScheduleMonitor } from './schedule-monitor';
import { planStartup, statusAfterRun, type ScheduleStatus } from './schedule-status';

/** The trigger payload, as the host serializes TimerInfo. */
export interface TimerPayload {
  Schedule: { AdjustForDST: boolean };
  ScheduleStatus: ScheduleStatus;
  IsPastDue: boolean;
}

export interface TimerSchedulerOptions {
  functions: RegisteredFunction[];
  invoke: (fn: RegisteredFunction, timer: TimerPayload) => Promise<unknown>;
  monitor: ScheduleMonitor;
  /** App settings, for `%NAME%` schedules. */
  setting: (name: string) => string | undefined;
  log: (level: string, message: string) => void;
}

interface Job {
  fn: RegisteredFunction;
  schedule: Schedule;
  monitored: boolean;
  status?: ScheduleStatus;
  timer?: NodeJS.Timeout;
}

/** setTimeout's ceiling; a later occurrence re-arms until it is due. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class TimerScheduler {
  private readonly jobs: Job[] = [];
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: TimerSchedulerOptions) {}

  /** Reads each schedule's status and runs what is due at start-up; then keeps the schedules. */
  async start(): Promise<void> {
    for (const fn of this.o.functions) {
      const expression = this.expression(fn);
      let schedule: Schedule;
      try {
        schedule = parseSchedule(expression);
      } catch (err) {
        this.o.log('error', `Timer trigger ${fn.name} is disabled: ${(err as Error).message}`);
        continue;
      }
      this.jobs.push({ fn, schedule, monitored: fn.trigger.useMonitor !== false });
    }
    await Promise.all(this.jobs.map((job) => this.begin(job)));
  }

  stop(): void {
    this.stopped = true;
    for (const job of this.jobs) if (job.timer) clearTimeout(job.timer);
  }

  /** Stops, then waits for runs in progress to finish and store their status. */
  async drain(): Promise<void> {
    this.stop();
    await Promise.all(this.running);
  }

  private expression(fn: RegisteredFunction): string {
    const raw = typeof fn.trigger.schedule === 'string' ? fn.trigger.schedule : '';
    const setting = /^%(.+)%$/.exec(raw.trim());
    return setting?.[1] ? (this.o.setting(setting[1]) ?? '') : raw;
  }

  private async begin(job: Job): Promise<void> {
    const name = job.fn.name;
    let stored: ScheduleStatus | undefined;
    if (job.monitored) {
      try {
        stored = await this.o.monitor.get(name);
      } catch (err) {
        this.o.log(
          'warn',
          `Timer trigger ${name}: could not read its schedule status: ${String(err)}`,
        );
      }
    }
    const plan = planStartup(
      job.schedule,
      stored,
      new Date(),
      job.fn.trigger.runOnStartup === true,
    );
    job.status = plan.status;
    if (plan.store) await this.save(job);
    if (plan.run !== 'none') await this.fire(job, plan.run);
    this.arm(job);
  }

  private arm(job: Job): void {
    if (this.stopped || !job.status) return;
    const due = Date.parse(job.status.Next);
    const delay = Math.max(0, due - Date.now());
    job.timer = setTimeout(
      () => {
        if (Date.now() < due) this.arm(job);
        else void this.fire(job, 'scheduled').then(() => this.arm(job));
      },
      Math.min(delay, MAX_DELAY_MS),
    );
    job.timer.unref?.();
  }

  private fire(job: Job, kind: 'scheduled' | 'pastDue' | 'startup'): Promise<void> {
    if (this.stopped || !job.status) return Promise.resolve();
    const run = this.run(job, job.status, kind);
    this.running.add(run);
    return run.finally(() => this.running.delete(run));
  }

  private async run(
    job: Job,
    status: ScheduleStatus,
    kind: 'scheduled' | 'pastDue' | 'startup',
  ): Promise<void> {
    const invokedAt = new Date();
    try {
      await this.o.invoke(job.fn, {
        Schedule: { AdjustForDST: true },
        ScheduleStatus: status,
        IsPastDue: kind === 'pastDue',
      });
    } catch (err) {
      this.o.log(
        'error',
        `Timer trigger ${job.fn.name} failed: ${(err as Error).stack ?? String(err)}`,
      );
    }
    job.status = statusAfterRun(job.schedule, status, kind, invokedAt);
    await this.save(job);
  }

  private async save(job: Job): Promise<void> {
    if (!job.monitored || !job.status) return;
    try {
      await this.o.monitor.update(job.fn.name, job.status);
    } catch (err) {
      this.o.log(
        'warn',
        `Timer trigger ${job.fn.name}: could not store its schedule status: ${String(err)}`,
      );
    }
  }
}
