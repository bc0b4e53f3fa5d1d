/**
 * The timeline builder on histories recorded from the real durable-functions SDK on devhost's
 * engine (fixtures/histories.json, see timeline-engine.test.ts), read in both dialects: as
 * devhost's Durable HTTP API returns them, and as the Durable extension would from the same
 * stored events.
 */
import { buildTimeline, type TimelineEntry } from '../../../src/domain/ops/timeline';
import recorded from './fixtures/histories.json';
import { extensionHistoryView } from './support/extension-history-view';
import type { RecordedHistory } from './support/history-scenarios';

const histories = recorded as RecordedHistory[];

function fixture(scenario: string): RecordedHistory {
  const found = histories.find((r) => r.scenario === scenario);
  if (found === undefined) throw new Error(`No recorded scenario ${scenario}`);
  return found;
}

const DIALECTS = {
  devhost: (r: RecordedHistory) => r.historyEvents,
  extension: (r: RecordedHistory) => extensionHistoryView(r.storedHistory),
};

function timeline(scenario: string, dialect: keyof typeof DIALECTS): TimelineEntry[] {
  const r = fixture(scenario);
  return buildTimeline(DIALECTS[dialect](r), r.runtimeStatus);
}

/** The fields that identify an entry, in timeline order. */
function steps(entries: readonly TimelineEntry[]): string[] {
  return entries.map(
    (e) => `${e.kind} ${e.name}${e.attempt === undefined ? '' : ` #${e.attempt}`} ${e.status}`,
  );
}

describe('Function: buildTimeline', () => {
  describe.each(Object.keys(DIALECTS) as (keyof typeof DIALECTS)[])('%s history', (dialect) => {
    it('numbers retried activity attempts and shows the waits between them', () => {
      // Act
      const entries = timeline('retries', dialect);

      // Assess
      expect(steps(entries)).toEqual([
        'activity tlEcho #1 Completed',
        'activity tlFlaky #1 Failed',
        'retryTimer tlFlaky #1 Completed',
        'activity tlFlaky #2 Failed',
        'retryTimer tlFlaky #2 Completed',
        'activity tlFlaky #3 Completed',
        'activity tlBroken #1 Failed',
        'retryTimer tlBroken #1 Completed',
        'activity tlBroken #2 Failed',
      ]);
      expect(entries[1]?.error).toBe('transient failure 1');
      expect(entries[5]?.output).toBe('"ok on attempt 3"');
    });

    it('gives every entry times in order and a duration that matches them', () => {
      // Act
      const entries = timeline('retries', dialect);

      // Assess
      for (const entry of entries) {
        const from = Date.parse(entry.scheduledAt ?? '');
        const to = Date.parse(entry.completedAt ?? '');
        expect(to).toBeGreaterThanOrEqual(from);
        expect(entry.durationMs).toBe(to - from);
      }
      const starts = entries.map((e) => Date.parse(e.scheduledAt ?? ''));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    });

    it('waits for a retry no earlier than the failure it follows', () => {
      // Act
      const entries = timeline('retries', dialect);

      // Assess
      entries.forEach((entry, i) => {
        if (entry.kind !== 'retryTimer') return;
        const failed = entries[i - 1];
        const next = entries[i + 1];
        expect(failed).toMatchObject({ kind: 'activity', name: entry.name, status: 'Failed' });
        expect(Date.parse(entry.scheduledAt ?? '')).toBeGreaterThanOrEqual(
          Date.parse(failed?.completedAt ?? ''),
        );
        expect(entry.fireAt).toEqual(expect.any(String));
        expect(Date.parse(next?.scheduledAt ?? '')).toBeGreaterThanOrEqual(
          Date.parse(entry.fireAt ?? ''),
        );
      });
    });

    it('tells the retry of one branch of a fan-out from its siblings', () => {
      // Act
      const entries = timeline('fanOut', dialect);

      // Assess
      expect(steps(entries).sort()).toEqual([
        'activity tlRender #1 Completed',
        'activity tlRender #1 Completed',
        'activity tlRender #1 Failed',
        'activity tlRender #2 Completed',
        'retryTimer tlRender #1 Completed',
      ]);
      const second = entries.find((e) => e.attempt === 2);
      expect(second?.output).toBe('{"variant":"medium","bytes":600}');
    });

    it('shows entity signals and calls with their entity', () => {
      // Act
      const entries = timeline('entities', dialect);

      // Assess
      expect(entries.map((e) => [e.kind, e.name, e.target])).toEqual([
        ['entitySignal', 'add', 'tlcounter@entities-1'],
        ['entityCall', 'get', 'tlcounter@entities-1'],
        ['entityCall', 'fail', 'tlcounter@entities-1'],
      ]);
      expect(entries[1]?.durationMs).toEqual(expect.any(Number));
    });

    it('shows durable timers and external events, and a timer the run canceled', () => {
      // Act
      const entries = timeline('timersAndEvents', dialect);

      // Assess
      expect(steps(entries).sort()).toEqual([
        'externalEvent approve Completed',
        'timer timer Canceled',
        'timer timer Completed',
      ]);
      const event = entries.find((e) => e.kind === 'externalEvent');
      expect(event).toMatchObject({ scheduledAt: null, durationMs: null });
      expect(event?.completedAt).toEqual(expect.any(String));
    });

    it('shows sub-orchestrations and the error of the one that failed', () => {
      // Act
      const entries = timeline('subOrchestrations', dialect);

      // Assess
      expect(steps(entries)).toEqual([
        'subOrchestration tlChild #1 Completed',
        'subOrchestration tlChild #1 Failed',
      ]);
      expect(entries[0]?.output).toBe('"hello"');
      expect(entries[1]?.error).toBe('always broken');
    });

    it('ends a failed run at the activity that failed it', () => {
      // Act
      const entries = timeline('failed', dialect);

      // Assess
      expect(steps(entries)).toEqual([
        'activity tlEcho #1 Completed',
        'activity tlBroken #1 Failed',
      ]);
      expect(entries[1]?.error).toBe('always broken');
    });

    it('shows a retry still waiting on its timer as Pending', () => {
      // Act
      const entries = timeline('waitingRetry', dialect);

      // Assess
      expect(steps(entries)).toEqual([
        'activity tlBroken #1 Failed',
        'retryTimer tlBroken #1 Pending',
      ]);
      expect(entries[1]).toMatchObject({ completedAt: null, durationMs: null });
    });

    it('shows the attempt in flight after a retry timer fired', () => {
      // Act
      const entries = timeline('retryInFlight', dialect);

      // Assess
      expect(steps(entries)).toEqual([
        'activity tlSlowSecond #1 Failed',
        'retryTimer tlSlowSecond #1 Completed',
        'activity tlSlowSecond #2 Pending',
      ]);
      expect(entries[2]?.scheduledAt).toEqual(expect.any(String));
    });

    it('marks what a terminated run left unanswered as Canceled', () => {
      // Act
      const entries = timeline('terminated', dialect);

      // Assess
      expect(steps(entries)).toEqual(['activity tlEcho #1 Completed', 'timer timer Canceled']);
    });
  });

  describe('what only one dialect carries', () => {
    it("reports an entity call's result and error from devhost's answers", () => {
      // Act
      const entries = timeline('entities', 'devhost');

      // Assess
      expect(entries[1]).toMatchObject({ status: 'Completed', output: '5' });
      expect(entries[2]).toMatchObject({ status: 'Failed', error: 'counter refuses' });
    });

    it("reports an entity signal's input from the extension's request", () => {
      // Act
      const entries = timeline('entities', 'extension');

      // Assess
      expect(entries[0]).toMatchObject({ kind: 'entitySignal', input: '5' });
    });

    it("reports an external event's payload when the history keeps it", () => {
      // Act
      const entries = timeline('timersAndEvents', 'devhost');

      // Assess
      expect(entries.find((e) => e.kind === 'externalEvent')?.input).toBe('{"by":"ops"}');
    });
  });

  it('reads Pending or Canceled from the history itself when no status is given', () => {
    // Prepare
    const running = fixture('waitingRetry');
    const ended = fixture('terminated');

    // Act / Assess
    expect(buildTimeline(running.historyEvents).at(-1)?.status).toBe('Pending');
    expect(buildTimeline(ended.historyEvents).at(-1)?.status).toBe('Canceled');
  });

  it('keeps payload summaries short', () => {
    // Prepare: a recorded completion with its result replaced by a long one
    const events = fixture('failed').historyEvents.map((e) =>
      e.EventType === 'TaskCompleted' ? { ...e, Result: 'x'.repeat(5000) } : e,
    );

    // Act
    const output = buildTimeline(events, 'Failed')[0]?.output ?? '';

    // Assess
    expect(output.length).toBe(200);
    expect(output.endsWith('...')).toBe(true);
  });

  it('returns nothing for an empty history and skips what it cannot read', () => {
    // Act / Assess
    expect(buildTimeline([])).toEqual([]);
    expect(buildTimeline([null, 42, { EventType: 'GenericEvent' }], 'Running')).toEqual([]);
  });
});
