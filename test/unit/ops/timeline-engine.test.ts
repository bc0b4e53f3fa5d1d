/**
 * Keeps the recorded histories honest: runs every scenario again on devhost's engine with the
 * real SDK and checks that the timeline it yields has the same entries as the recorded one.
 * `RECORD_HISTORIES=1 npx jest test/unit/ops/timeline-engine.test.ts` rewrites the recording.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildTimeline, type TimelineEntry } from '../../../src/domain/ops/timeline';
import recorded from './fixtures/histories.json';
import { type RecordedHistory, recordHistories } from './support/history-scenarios';

const FIXTURE = path.join(__dirname, 'fixtures', 'histories.json');

/** What must not change between runs: everything but times (parallel steps may swap places). */
function shape(entries: readonly TimelineEntry[]): string[] {
  return entries
    .map((e) =>
      [e.kind, e.name, e.attempt ?? '-', e.status, e.error ?? '', e.output ?? ''].join(' '),
    )
    .sort();
}

describe('Function: buildTimeline on the engine', () => {
  let live: RecordedHistory[];

  beforeAll(async () => {
    live = await recordHistories();
    if (process.env.RECORD_HISTORIES === '1') {
      writeFileSync(FIXTURE, `${JSON.stringify(live, null, 2)}\n`);
    }
  });

  it('runs every recorded scenario', () => {
    // Assess
    expect(live.map((r) => r.scenario)).toEqual(
      (recorded as RecordedHistory[]).map((r) => r.scenario),
    );
  });

  it.each((recorded as RecordedHistory[]).map((r) => [r.scenario, r] as const))(
    'yields the recorded timeline for %s',
    (scenario, fixture) => {
      // Prepare
      const fresh = live.find((r) => r.scenario === scenario);

      // Act
      const now = buildTimeline(fresh?.historyEvents ?? [], fresh?.runtimeStatus);
      const then = buildTimeline(fixture.historyEvents, fixture.runtimeStatus);

      // Assess
      expect(fresh?.runtimeStatus).toBe(fixture.runtimeStatus);
      expect(shape(now)).toEqual(shape(then));
    },
  );
});
