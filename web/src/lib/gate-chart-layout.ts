/**
 * Lays out a gate's recent minutes as a bar chart: one column per minute, the calls the service
 * accepted (or failed) stacked under the 429s, the y scale rounded up to a readable step so the
 * gridlines fall on whole numbers. Pure: the SVG widget only draws the result.
 */
export interface MinuteCount {
  /** The minute's start, ISO 8601. */
  at: string;
  calls: number;
  throttled: number;
}

export interface MinuteBar {
  x: number;
  width: number;
  /** Top of the 429 part, then of the rest of the calls (SVG y grows downwards). */
  throttledY: number;
  throttledHeight: number;
  otherY: number;
  otherHeight: number;
  /** `12:34`, UTC like every time on the page. */
  label: string;
  minute: MinuteCount;
}

export interface GateChartLayout {
  bars: MinuteBar[];
  /** The value of the top gridline. */
  max: number;
  gridlines: { y: number; value: number }[];
  width: number;
  height: number;
  totalCalls: number;
  totalThrottled: number;
}

/** The smallest of 1, 2, 5 × 10^n at or above `value` (at least 1). */
export function niceCeiling(value: number): number {
  if (!(value > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function minuteLabel(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : new Date(t).toISOString().slice(11, 16);
}

export function layoutGateChart(
  minutes: readonly MinuteCount[],
  width: number,
  height: number,
): GateChartLayout {
  const peak = Math.max(0, ...minutes.map((m) => m.calls));
  const max = niceCeiling(peak);
  const slot = minutes.length > 0 ? width / minutes.length : width;
  const barWidth = Math.max(1, slot * 0.7);
  const scale = (n: number): number => (Math.max(0, n) / max) * height;
  const bars = minutes.map((minute, i) => {
    const throttled = Math.min(minute.throttled, minute.calls);
    const otherHeight = scale(minute.calls - throttled);
    const throttledHeight = scale(throttled);
    return {
      x: i * slot + (slot - barWidth) / 2,
      width: barWidth,
      otherY: height - otherHeight,
      otherHeight,
      throttledY: height - otherHeight - throttledHeight,
      throttledHeight,
      label: minuteLabel(minute.at),
      minute,
    };
  });
  const gridlines = [0, max / 2, max]
    .filter((v, i, all) => Number.isInteger(v) && all.indexOf(v) === i)
    .map((value) => ({ value, y: height - scale(value) }));
  return {
    bars,
    max,
    gridlines,
    width,
    height,
    totalCalls: minutes.reduce((n, m) => n + m.calls, 0),
    totalThrottled: minutes.reduce((n, m) => n + m.throttled, 0),
  };
}
