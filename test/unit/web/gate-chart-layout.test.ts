/** The gate chart's layout: columns per minute, 429s stacked on top, a readable scale. */
import { layoutGateChart, minuteLabel, niceCeiling } from '../../../web/src/lib/gate-chart-layout';

const minute = (i: number, calls: number, throttled = 0) => ({
  at: new Date(Date.UTC(2026, 10, 1, 12, i)).toISOString(),
  calls,
  throttled,
});

describe('gate chart layout', () => {
  it('rounds the scale up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 12, 20, 21, 480].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 20, 50, 500]);
  });

  it('draws one column per minute, the 429s stacked on the other calls', () => {
    const layout = layoutGateChart([minute(0, 10, 0), minute(1, 20, 5), minute(2, 0)], 300, 100);
    expect(layout.max).toBe(20);
    expect(layout.bars).toHaveLength(3);
    const [a, b, c] = layout.bars;
    expect(a!.otherHeight).toBe(50);
    expect(a!.otherY).toBe(50);
    expect(a!.throttledHeight).toBe(0);
    expect(b!.otherHeight).toBe(75);
    expect(b!.throttledHeight).toBe(25);
    expect(b!.throttledY).toBe(0);
    expect(c!.otherHeight + c!.throttledHeight).toBe(0);
    // Columns are evenly spaced and inside the width.
    expect(b!.x - a!.x).toBeCloseTo(100);
    expect(c!.x + c!.width).toBeLessThanOrEqual(300);
    expect(layout.totalCalls).toBe(30);
    expect(layout.totalThrottled).toBe(5);
    expect(layout.gridlines.map((g) => g.value)).toEqual([0, 10, 20]);
  });

  it('never draws more 429s than calls, and an idle gate keeps a scale of 1', () => {
    const layout = layoutGateChart([minute(0, 2, 9), minute(1, 0)], 100, 50);
    expect(layout.bars[0]!.throttledHeight).toBe(50);
    expect(layout.bars[0]!.otherHeight).toBe(0);
    expect(layoutGateChart([minute(0, 0)], 100, 50).max).toBe(1);
    expect(layoutGateChart([minute(0, 0)], 100, 50).gridlines.map((g) => g.value)).toEqual([0, 1]);
  });

  it('labels minutes in UTC', () => {
    expect(minuteLabel(minute(7, 0).at)).toBe('12:07');
    expect(minuteLabel('nonsense')).toBe('');
  });
});
