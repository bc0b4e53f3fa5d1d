/**
 * Timer-trigger schedules as the Functions host reads them: NCRONTAB expressions with six fields
 * (second minute hour day month day-of-week; five fields, without seconds, also parse) and
 * TimeSpan intervals ("hh:mm:ss", "d.hh:mm:ss", "hh:mm"). Times are UTC, Azure's default.
 * As in NCrontab (not Vixie cron), day-of-month and day-of-week must both match, a name matches
 * by prefix ("Mon", "March"), and `n/step` runs from n to the end of the field.
 */

export interface Schedule {
  readonly expression: string;
  /** The first occurrence strictly after `after`, on a whole second. */
  next(after: Date): Date;
}

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY: FieldSpec = { name: 'day', min: 1, max: 31 };
const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  names:
    'January February March April May June July August September October November December'.split(
      ' ',
    ),
};
const DAY_OF_WEEK: FieldSpec = {
  name: 'day of week',
  min: 0,
  max: 6,
  names: 'Sunday Monday Tuesday Wednesday Thursday Friday Saturday'.split(' '),
};

/** Occurrences are searched this far ahead; "30 February" and the like never occur. */
const SEARCH_YEARS = 8;

/** Date.UTC, but correct for years 0-99 too (Date.UTC maps them to 1900-1999). */
function utc(year: number, month: number, day: number, hour = 0, minute = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(hour, minute, 0, 0);
  return d.getTime();
}

function parseValue(text: string, spec: FieldSpec): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max)
      throw new ScheduleError(
        `${n} is out of range for the ${spec.name} field (${spec.min}-${spec.max}).`,
      );
    return n;
  }
  const index = text
    ? (spec.names ?? []).findIndex((n) => n.toLowerCase().startsWith(text.toLowerCase()))
    : -1;
  if (index < 0) throw new ScheduleError(`'${text}' is not a valid ${spec.name} value.`);
  return index + spec.min;
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || (stepText !== undefined && !/^\d+$/.test(stepText)))
      throw new ScheduleError(`'${part}' has an invalid step in the ${spec.name} field.`);
    let first: number;
    let last: number;
    if (range === '*') {
      first = spec.min;
      last = spec.max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      first = parseValue(a, spec);
      last = parseValue(b, spec);
      if (last < first)
        throw new ScheduleError(`'${part}' is an empty range in the ${spec.name} field.`);
    } else {
      first = parseValue(range, spec);
      last = stepText === undefined ? first : spec.max;
    }
    for (let v = first; v <= last; v += step) values.add(v);
  }
  return values;
}

class CronSchedule implements Schedule {
  private readonly seconds: Set<number>;
  private readonly minutes: Set<number>;
  private readonly hours: Set<number>;
  private readonly days: Set<number>;
  private readonly months: Set<number>;
  private readonly daysOfWeek: Set<number>;

  constructor(
    readonly expression: string,
    fields: string[],
  ) {
    const withSeconds = fields.length === 6 ? fields : ['0', ...fields];
    const [s = '', m = '', h = '', d = '', mo = '', dow = ''] = withSeconds;
    this.seconds = parseField(s, SECOND);
    this.minutes = parseField(m, MINUTE);
    this.hours = parseField(h, HOUR);
    this.days = parseField(d, DAY);
    this.months = parseField(mo, MONTH);
    this.daysOfWeek = parseField(dow, DAY_OF_WEEK);
  }

  next(after: Date): Date {
    // Start at the next whole second; then skip whole months, days, hours and minutes that
    // cannot match before stepping through seconds.
    let t = Math.floor(after.getTime() / 1000) * 1000 + 1000;
    const limit = after.getTime() + SEARCH_YEARS * 366 * 86_400_000;
    while (t < limit) {
      const d = new Date(t);
      const [year, month, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
      if (!this.months.has(month + 1)) {
        t = utc(year, month + 1, 1);
      } else if (!this.days.has(day) || !this.daysOfWeek.has(d.getUTCDay())) {
        t = utc(year, month, day + 1);
      } else if (!this.hours.has(d.getUTCHours())) {
        t = utc(year, month, day, d.getUTCHours() + 1);
      } else if (!this.minutes.has(d.getUTCMinutes())) {
        t = utc(year, month, day, d.getUTCHours(), d.getUTCMinutes() + 1);
      } else if (!this.seconds.has(d.getUTCSeconds())) {
        t += 1000;
      } else {
        return d;
      }
    }
    throw new ScheduleError(`The schedule '${this.expression}' has no occurrence.`);
  }
}

class IntervalSchedule implements Schedule {
  constructor(
    readonly expression: string,
    private readonly intervalMs: number,
  ) {}

  next(after: Date): Date {
    return new Date(after.getTime() + this.intervalMs);
  }
}

/** `[d.]hh:mm[:ss]`, as .NET's TimeSpan parses it; undefined when it is not one. */
function parseTimeSpan(text: string): number | undefined {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const [days, hours, minutes, seconds] = [m[1], m[2], m[3], m[4]].map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
  ];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

export function parseSchedule(expression: string): Schedule {
  const text = expression.trim();
  const intervalMs = parseTimeSpan(text);
  if (intervalMs !== undefined) {
    if (intervalMs <= 0) throw new ScheduleError(`The interval '${expression}' must be positive.`);
    return new IntervalSchedule(text, intervalMs);
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new ScheduleError(
      `The schedule expression '${expression}' was not recognized as a valid cron expression or timespan string: ` +
        'a cron expression has six fields (second minute hour day month day-of-week).',
    );
  }
  try {
    return new CronSchedule(text, fields);
  } catch (err) {
    throw new ScheduleError(
      `The schedule expression '${expression}' was not recognized as a valid cron expression: ${(err as Error).message}`,
    );
  }
}
