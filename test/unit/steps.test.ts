import {
  completeStep,
  failStep,
  pendingSteps,
  skipPending,
  startSteps,
  stepsFromCustomStatus,
  timingOf,
} from '../../src/domain/pipeline/steps';

describe('Functions: step progress', () => {
  it('moves steps through Pending, Running, Completed and Failed', () => {
    // Prepare
    let steps = pendingSteps(['inspect', 'resize:thumb', 'analyze']);

    // Act
    steps = startSteps(steps, ['inspect'], 't0');
    steps = completeStep(steps, 'inspect', 't1', 1);
    steps = startSteps(steps, ['resize:thumb', 'analyze'], 't1');
    steps = failStep(steps, 'analyze', 't2', 4, { code: 'ANALYSIS_FAILED', message: 'boom' });

    // Assess
    expect(steps).toEqual([
      { name: 'inspect', status: 'Completed', attempts: 1, startedAt: 't0', completedAt: 't1' },
      { name: 'resize:thumb', status: 'Running', attempts: 1, startedAt: 't1', completedAt: null },
      {
        name: 'analyze',
        status: 'Failed',
        attempts: 4,
        startedAt: 't1',
        completedAt: 't2',
        error: { code: 'ANALYSIS_FAILED', message: 'boom' },
      },
    ]);
  });

  it('skips what will not run any more', () => {
    // Prepare
    const steps = pendingSteps(['inspect', 'resize:thumb', 'save']);

    // Act
    const skipped = skipPending(steps, ['save']);

    // Assess
    expect(skipped.map((step) => step.status)).toEqual(['Skipped', 'Skipped', 'Pending']);
  });
});

describe('Functions: step times reported by the activity', () => {
  const timing = { startedAt: '2026-01-01T00:00:01.000Z', completedAt: '2026-01-01T00:00:01.158Z' };

  it('records a fanned-out step at its own times, not at the fan-in', () => {
    // Prepare: the fan-out started at 00:00, the fan-in came at 00:03
    let steps = startSteps(pendingSteps(['resize:thumb']), ['resize:thumb'], 'fanout');

    // Act
    steps = completeStep(steps, 'resize:thumb', 'fanin', 1, timing);

    // Assess
    expect(steps[0]).toMatchObject(timing);
  });

  it('keeps the first schedule as the start when attempts were retried', () => {
    // Prepare
    let steps = startSteps(pendingSteps(['analyze']), ['analyze'], '2026-01-01T00:00:00.000Z');

    // Act
    steps = failStep(
      steps,
      'analyze',
      'fanin',
      3,
      { code: 'ANALYSIS_FAILED', message: 'x' },
      timing,
    );

    // Assess: the retry waits belong to the step's duration
    expect(steps[0]).toMatchObject({
      startedAt: '2026-01-01T00:00:00.000Z',
      completedAt: timing.completedAt,
      attempts: 3,
    });
  });

  it('reads timing from an activity result and refuses malformed or reversed times', () => {
    expect(timingOf({ ok: true, value: 1, timing })).toEqual(timing);
    expect(timingOf({ ok: true, value: 1 })).toBeUndefined();
    expect(timingOf({ timing: { startedAt: 1, completedAt: 'x' } })).toBeUndefined();
    expect(
      timingOf({ timing: { startedAt: timing.completedAt, completedAt: timing.startedAt } }),
    ).toBeUndefined();
    expect(timingOf(null)).toBeUndefined();
  });
});

describe('Function: stepsFromCustomStatus', () => {
  it('reads the steps back from an orchestration custom status', () => {
    // Prepare
    const steps = completeStep(pendingSteps(['inspect']), 'inspect', 't1', 2);

    // Act
    const read = stepsFromCustomStatus(JSON.parse(JSON.stringify({ steps })));

    // Assess
    expect(read).toEqual(steps);
  });

  it('ignores anything that is not a step list', () => {
    // Prepare / Act / Assess
    expect(stepsFromCustomStatus(null)).toBeUndefined();
    expect(stepsFromCustomStatus({ steps: [{ name: 'x', status: 'Weird' }] })).toBeUndefined();
    expect(stepsFromCustomStatus('Running')).toBeUndefined();
  });
});
