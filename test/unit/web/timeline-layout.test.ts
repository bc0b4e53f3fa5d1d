import { layoutTimeline, MIN_BAR_PX } from '../../../web/src/lib/timeline-layout';

const t = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + s).toISOString();

describe('Function: layoutTimeline', () => {
  it('keeps a 3 ms activity visible next to a 30 s one', () => {
    const layout = layoutTimeline(
      [
        {
          kind: 'activity',
          name: 'inspect',
          scheduledAt: t(0),
          completedAt: t(3),
          status: 'Completed',
        },
        {
          kind: 'activity',
          name: 'analyze',
          scheduledAt: t(3),
          completedAt: t(30_003),
          status: 'Completed',
        },
      ],
      Date.parse(t(40_000)),
      600,
    );
    expect(layout.bars[0]!.width).toBe(MIN_BAR_PX);
    // The longest bar spans the width, less the room kept for a minimum bar at the very end.
    expect(layout.bars[1]!.x + layout.bars[1]!.width).toBeCloseTo(600 - MIN_BAR_PX, 0);
    expect(layout.bars.map((b) => b.row)).toEqual([0, 1]);
  });

  it('draws running work to now, marks failures and retry waits', () => {
    const now = Date.parse(t(10_000));
    const layout = layoutTimeline(
      [
        {
          kind: 'activity',
          name: 'resize',
          scheduledAt: t(0),
          completedAt: t(1000),
          status: 'Failed',
          error: 'boom',
        },
        {
          kind: 'retryTimer',
          name: 'resize',
          attempt: 1,
          scheduledAt: t(1000),
          completedAt: t(3000),
          status: 'Completed',
        },
        {
          kind: 'activity',
          name: 'resize',
          attempt: 2,
          scheduledAt: t(3000),
          completedAt: null,
          status: 'Pending',
        },
      ],
      now,
      1000,
    );
    expect(layout.bars.map((b) => b.tone)).toEqual(['failed', 'wait', 'pending']);
    expect(layout.bars[2]!.open).toBe(true);
    expect(layout.endMs).toBe(now);
    expect(layout.bars[2]!.label).toBe('resize #2');
    expect(layout.ticks.length).toBeGreaterThan(1);
  });

  it('lays out nothing for an empty history', () => {
    expect(layoutTimeline([], 0, 500).bars).toEqual([]);
  });
});
