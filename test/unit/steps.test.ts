import {
  completeStep,
  failStep,
  pendingSteps,
  skipPending,
  startSteps,
  stepsFromCustomStatus,
} from '../../src/domain/steps';

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
