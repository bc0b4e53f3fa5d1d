/**
 * The timer-trigger schedule parser and its next-occurrence logic: NCRONTAB with six (or five)
 * fields and TimeSpan intervals, in UTC, with NCrontab's rules where cron dialects differ.
 */
import { parseSchedule, ScheduleError } from '../../../devhost/host/ncrontab';

const at = (iso: string) => new Date(iso);

/** The next `n` occurrences after `from`, as ISO strings. */
function occurrences(expression: string, from: string, n: number): string[] {
  const schedule = parseSchedule(expression);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    t = schedule.next(t);
    out.push(t.toISOString());
  }
  return out;
}

describe('Function: parseSchedule', () => {
  describe('six-field NCRONTAB', () => {
    it.each([
      [
        'every 2 seconds',
        '*/2 * * * * *',
        '2030-01-01T00:00:00.500Z',
        ['2030-01-01T00:00:02.000Z', '2030-01-01T00:00:04.000Z', '2030-01-01T00:00:06.000Z'],
      ],
      [
        'every minute at second 0',
        '0 */1 * * * *',
        '2030-01-01T00:00:30.000Z',
        ['2030-01-01T00:01:00.000Z', '2030-01-01T00:02:00.000Z', '2030-01-01T00:03:00.000Z'],
      ],
      [
        'every 5 minutes',
        '0 */5 * * * *',
        '2030-01-01T10:03:00.000Z',
        ['2030-01-01T10:05:00.000Z', '2030-01-01T10:10:00.000Z', '2030-01-01T10:15:00.000Z'],
      ],
      [
        'at 9:30 on weekdays (names)',
        '0 30 9 * * Mon-Fri',
        '2030-01-04T12:00:00.000Z', // a Friday
        ['2030-01-07T09:30:00.000Z', '2030-01-08T09:30:00.000Z', '2030-01-09T09:30:00.000Z'],
      ],
      [
        'lists and ranges',
        '15,45 0 8-9 * * *',
        '2030-01-01T08:00:20.000Z',
        ['2030-01-01T08:00:45.000Z', '2030-01-01T09:00:15.000Z', '2030-01-01T09:00:45.000Z'],
      ],
      [
        'a start with a step runs to the end of the field',
        '0 0 20/2 * * *',
        '2030-01-01T00:00:00.000Z',
        ['2030-01-01T20:00:00.000Z', '2030-01-01T22:00:00.000Z', '2030-01-02T20:00:00.000Z'],
      ],
      [
        'the 31st skips shorter months',
        '0 0 0 31 * *',
        '2030-01-31T00:00:00.000Z',
        ['2030-03-31T00:00:00.000Z', '2030-05-31T00:00:00.000Z', '2030-07-31T00:00:00.000Z'],
      ],
      [
        'day of month and day of week must both match',
        '0 0 0 13 * Fri',
        '2030-01-01T00:00:00.000Z',
        ['2030-09-13T00:00:00.000Z', '2030-12-13T00:00:00.000Z', '2031-06-13T00:00:00.000Z'],
      ],
      [
        'month names by prefix',
        '0 0 12 1 Mar,Jun *',
        '2030-01-01T00:00:00.000Z',
        ['2030-03-01T12:00:00.000Z', '2030-06-01T12:00:00.000Z', '2031-03-01T12:00:00.000Z'],
      ],
      [
        '29 February waits for a leap year',
        '0 0 0 29 2 *',
        '2030-01-01T00:00:00.000Z',
        ['2032-02-29T00:00:00.000Z', '2036-02-29T00:00:00.000Z', '2040-02-29T00:00:00.000Z'],
      ],
    ])('%s: %s', (_what, expression, from, expected) => {
      expect(occurrences(expression, from, 3)).toEqual(expected);
    });

    it('returns the occurrence strictly after the given time, never the same one', () => {
      const schedule = parseSchedule('*/2 * * * * *');
      const on = at('2030-01-01T00:00:02.000Z');
      expect(schedule.next(on).toISOString()).toBe('2030-01-01T00:00:04.000Z');
      expect(schedule.next(new Date(on.getTime() - 1)).toISOString()).toBe(on.toISOString());
    });
  });

  it('counts from .NET\'s "never" (year 1) like from any other time', () => {
    expect(occurrences('0 0 0 1 1 *', '0001-01-01T00:00:00.000Z', 2)).toEqual([
      '0002-01-01T00:00:00.000Z',
      '0003-01-01T00:00:00.000Z',
    ]);
  });

  it('reads five-field expressions as minutes, with second 0', () => {
    expect(occurrences('*/15 * * * *', '2030-01-01T00:07:10.000Z', 2)).toEqual([
      '2030-01-01T00:15:00.000Z',
      '2030-01-01T00:30:00.000Z',
    ]);
  });

  describe('TimeSpan intervals', () => {
    it.each([
      ['00:00:03', 3_000],
      ['01:30:00', 90 * 60_000],
      ['1.00:00:00', 86_400_000],
      ['00:05', 5 * 60_000],
    ])('%s is an interval of %i ms from the last run', (expression, ms) => {
      const from = at('2030-01-01T00:00:00.250Z');
      expect(parseSchedule(expression).next(from).getTime()).toBe(from.getTime() + ms);
    });
  });

  describe('invalid expressions', () => {
    it.each([
      ['', /not recognized/],
      ['* * * *', /six fields/],
      ['60 * * * * *', /out of range for the second field/],
      ['0 0 0 0 * *', /out of range for the day field/],
      ['0 0 0 * * 7', /out of range for the day of week field/],
      ['0 0 0 * Foo *', /'Foo' is not a valid month value/],
      ['*/0 * * * * *', /invalid step/],
      ['0 0 10-5 * * *', /empty range/],
      ['00:00:00', /must be positive/],
    ])('rejects %j', (expression, message) => {
      expect(() => parseSchedule(expression)).toThrow(ScheduleError);
      expect(() => parseSchedule(expression)).toThrow(message);
    });

    it('reports a schedule that can never occur', () => {
      const schedule = parseSchedule('0 0 0 30 2 *');
      expect(() => schedule.next(at('2030-01-01T00:00:00Z'))).toThrow(/no occurrence/);
    });
  });
});
