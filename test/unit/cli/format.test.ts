import { formatGates } from '../../../cli/format/gates';
import { formatImageList } from '../../../cli/format/image-list';
import { formatImageRecord } from '../../../cli/format/image-record';
import { formatOrchestrationList } from '../../../cli/format/orchestration-list';
import { progressBar, progressFrame, progressLine } from '../../../cli/format/progress';
import { renderTable } from '../../../cli/format/table';
import { formatTimeline } from '../../../cli/format/timeline';
import { formatDuration, formatOffset, formatTime } from '../../../cli/format/units';
import { buildTimeline } from '../../../src/domain/ops/timeline';
import recorded from '../ops/fixtures/histories.json';
import type { RecordedHistory } from '../ops/support/history-scenarios';

describe('Function: renderTable', () => {
  it('pads every column but the last to its widest cell', () => {
    // Act / Assess
    expect(
      renderTable(
        ['A', 'LONG HEADER', 'C'],
        [
          ['xyz', '1', 'end'],
          ['q', '22', ''],
        ],
      ),
    ).toBe(['A    LONG HEADER  C', 'xyz  1            end', 'q    22'].join('\n'));
  });
});

describe('Function: formatDuration / formatOffset / formatTime', () => {
  it.each([
    [null, '-'],
    [0, '0 ms'],
    [999.4, '999 ms'],
    [1234, '1.2 s'],
    [61_000, '1 min 01 s'],
    [3_723_000, '1 h 02 min'],
  ])('formatDuration(%p) is %p', (ms, text) => {
    // Act / Assess
    expect(formatDuration(ms)).toBe(text);
  });

  it('writes offsets from the start of a run', () => {
    // Act / Assess
    expect([
      formatOffset(0),
      formatOffset(12_345),
      formatOffset(62_500),
      formatOffset(null),
    ]).toEqual(['+0.000s', '+12.345s', '+1:02.500', '?']);
  });

  it('writes UTC times without milliseconds', () => {
    // Act / Assess
    expect(formatTime('2026-11-21T07:06:22.741Z')).toBe('2026-11-21 07:06:22Z');
    expect(formatTime(null)).toBe('-');
  });
});

describe('Function: formatImageRecord', () => {
  it('shows status, source, variants and each step with attempts and duration', () => {
    // Prepare
    const record = {
      id: 'img1',
      status: 'Failed',
      createdAt: '2026-11-21T07:00:00.000Z',
      updatedAt: '2026-11-21T07:00:03.000Z',
      source: { filename: 'cat.jpg', format: 'jpeg', width: 4000, height: 3000, bytes: 2_500_000 },
      variants: [{ name: 'thumb', width: 150, height: 113, bytes: 4096 }],
      steps: [
        {
          name: 'inspect',
          status: 'Completed',
          attempts: 1,
          startedAt: '2026-11-21T07:00:00.000Z',
          completedAt: '2026-11-21T07:00:00.250Z',
        },
        {
          name: 'resize:large',
          status: 'Failed',
          attempts: 3,
          startedAt: '2026-11-21T07:00:00.250Z',
          completedAt: '2026-11-21T07:00:02.750Z',
          error: { code: 'PROCESSING_FAILED', message: 'out of memory' },
        },
        { name: 'save', status: 'Pending', attempts: 0, startedAt: null, completedAt: null },
      ],
      error: { code: 'PROCESSING_FAILED', message: 'resize:large failed' },
      orchestration: { instanceId: 'img-img1-abc', runtimeStatus: 'Completed' },
    };

    // Act
    const text = formatImageRecord(record);

    // Assess
    expect(text).toBe(
      [
        'img1  Failed',
        'created   2026-11-21 07:00:00Z   updated 2026-11-21 07:00:03Z',
        'source    cat.jpg  jpeg  4000×3000  2.4 MiB',
        'variants  thumb 150×113 (4.0 KiB)',
        'run       img-img1-abc  Completed',
        '',
        'STEP          STATUS     ATTEMPTS  DURATION  ERROR',
        'inspect       Completed  1         250 ms',
        'resize:large  Failed     3         2.5 s     PROCESSING_FAILED: out of memory',
        'save          Pending    0         -',
        '',
        'error     PROCESSING_FAILED: resize:large failed',
      ].join('\n'),
    );
  });

  it('prints what is there when the record is sparse', () => {
    // Act / Assess
    expect(formatImageRecord({ id: 'x', status: 'Accepted' })).toBe(
      'x  Accepted\ncreated   -   updated -',
    );
  });
});

describe('Function: formatImageList / formatOrchestrationList', () => {
  it('prints one row per item, or says there are none', () => {
    // Act
    const images = formatImageList({
      items: [
        {
          id: 'a',
          status: 'Completed',
          createdAt: '2026-11-21T07:00:00Z',
          source: { filename: 'a.png' },
        },
      ],
    });
    const runs = formatOrchestrationList({
      items: [
        {
          instanceId: 'img-a-1',
          name: 'processImage',
          runtimeStatus: 'Completed',
          createdTime: '2026-11-21T07:00:00Z',
          lastUpdatedTime: '2026-11-21T07:00:01.500Z',
        },
      ],
    });

    // Assess
    expect(images.split('\n')[1]).toBe('a   Completed  2026-11-21 07:00:00Z  a.png');
    expect(runs.split('\n')[1]).toMatch(
      /^img-a-1\s+processImage\s+Completed\s+2026-11-21 07:00:00Z\s+2026-11-21 07:00:01Z\s+1\.5 s$/,
    );
    expect(formatImageList({ items: [] })).toBe('No images.');
    expect(formatOrchestrationList({})).toBe('No orchestration instances.');
  });
});

describe('Function: formatTimeline', () => {
  it('prints one line per entry with offset, duration, kind, name, attempt, status and error', () => {
    // Prepare: a recorded run with retries
    const retries = (recorded as RecordedHistory[]).find((r) => r.scenario === 'retries');
    const timeline = buildTimeline(retries?.historyEvents ?? [], 'Completed');
    const createdTime = timeline[0]?.scheduledAt ?? '';

    // Act
    const lines = formatTimeline({
      instanceId: 'retries-1',
      name: 'tlRetries',
      runtimeStatus: 'Completed',
      createdTime,
      lastUpdatedTime: createdTime,
      timeline,
    }).split('\n');

    // Assess
    expect(lines[0]).toBe('retries-1  tlRetries  Completed');
    expect(lines[3]).toMatch(/^AT\s+DURATION\s+KIND\s+NAME\s+TRY\s+STATUS\s+DETAIL$/);
    expect(lines[4]).toMatch(
      /^\+0\.000s\s+\d+ ms\s+activity\s+tlEcho\s+#1\s+Completed\s+out "first"$/,
    );
    expect(lines[5]).toMatch(/activity\s+tlFlaky\s+#1\s+Failed\s+error: transient failure 1$/);
    expect(lines[6]).toMatch(/retryTimer\s+tlFlaky\s+#1\s+Completed/);
    expect(lines).toHaveLength(4 + timeline.length);
  });

  it('says so when nothing ran yet', () => {
    // Act / Assess
    expect(formatTimeline({ instanceId: 'i', timeline: [] })).toContain('No steps recorded yet.');
  });
});

describe('Function: formatGates', () => {
  it('prints each gate on one line', () => {
    // Act
    const text = formatGates([
      {
        id: 'vision-0',
        endpoint: 'https://v.cognitiveservices.azure.com',
        circuit: 'Open',
        configuredPerMinute: 20,
        ratePerMinute: 18.5,
        tokens: 0,
        nextSlotAt: '2026-11-21T07:00:03Z',
        pausedUntil: null,
        openUntil: '2026-11-21T07:00:30Z',
        counters: { granted: 40, throttled: 2 },
      },
    ]);

    // Assess
    expect(text.split('\n')[1]).toMatch(
      /^vision-0\s+https:\/\/v\.cognitiveservices\.azure\.com\s+Open\s+18\.5\/20\s+0\s+2026-11-21 07:00:03Z\s+-\s+2026-11-21 07:00:30Z\s+granted=40 throttled=2$/,
    );
    expect(formatGates([])).toBe('No gates.');
  });
});

describe('Function: progressBar / progressFrame / progressLine', () => {
  const progress = {
    batchId: 'b',
    total: 40,
    completed: 11,
    failed: 1,
    running: 3,
    status: 'Running',
  };

  it('fills the bar in proportion to what is done', () => {
    // Act / Assess
    expect(progressBar(progress, 10)).toBe(
      '[###.......] 12/40 done (11 completed, 1 failed, 3 running)',
    );
    expect(progressBar({ ...progress, total: 0, completed: 0, failed: 0 }, 4)).toBe(
      '[....] 0/0 done (0 completed, 0 failed, 3 running)',
    );
  });

  it('redraws in place on a terminal and writes plain lines elsewhere', () => {
    // Act / Assess
    expect(progressFrame(progress).startsWith('\u001b[2K\r[')).toBe(true);
    expect(progressLine(progress)).toBe('Running: 12/40 done (11 completed, 1 failed, 3 running)');
  });
});
