import {
  BACKOFF,
  initialBackoff,
  isFinalStatus,
  isStalled,
  nextBackoff,
} from '../../../web/src/lib/backoff';

describe('Function: nextBackoff', () => {
  it('grows while nothing changes, up to the cap', () => {
    let state = initialBackoff();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      state = nextBackoff(state, false);
      delays.push(state.delayMs);
    }
    expect(delays[0]).toBe(1500);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(delays[delays.length - 1]).toBe(BACKOFF.maxMs);
  });

  it('resets on a change and honours Retry-After as a floor', () => {
    const slow = { delayMs: 20_000, unchanged: 6 };
    expect(nextBackoff(slow, true)).toEqual({ delayMs: 1000, unchanged: 0 });
    expect(nextBackoff(slow, true, 2)).toEqual({ delayMs: 2000, unchanged: 0 });
    expect(nextBackoff(initialBackoff(), false, 5).delayMs).toBe(5000);
  });
});

describe('Function: isStalled', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');

  it('says so when no step moved for longer than the limit', () => {
    const record = {
      status: 'Processing',
      updatedAt: '2026-01-01T00:00:00Z',
      steps: [{ startedAt: '2026-01-01T00:01:00Z', completedAt: null }],
    };
    expect(isStalled(record, now)).toBe(true);
    expect(isStalled(record, now, 10 * 60_000)).toBe(false);
  });

  it('never calls a finished image stalled', () => {
    expect(isStalled({ status: 'Completed', updatedAt: '2020-01-01T00:00:00Z' }, now)).toBe(false);
    expect(isFinalStatus('Failed')).toBe(true);
    expect(isFinalStatus('Processing')).toBe(false);
  });
});
