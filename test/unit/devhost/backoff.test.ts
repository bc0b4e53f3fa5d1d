import { nextRestartDelay, RESTART_BACKOFF } from '../../../devhost/supervisor/backoff';

describe('restart backoff', () => {
  it('starts at 250 ms and doubles while the process keeps crashing, up to 5 s', () => {
    const delays: number[] = [];
    let delay: number | undefined;
    for (let crash = 0; crash < 8; crash += 1) {
      delay = nextRestartDelay(RESTART_BACKOFF, delay, 100);
      delays.push(delay);
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('goes back to 250 ms after 30 s of uptime', () => {
    expect(nextRestartDelay(RESTART_BACKOFF, 5000, 29_999)).toBe(5000);
    expect(nextRestartDelay(RESTART_BACKOFF, 5000, 30_000)).toBe(250);
  });
});
