import { mergeLiveStatus } from '../../src/domain/pipeline/live-status';
import { acceptedRecord, type ImageRecord } from '../../src/domain/record';

const accepted = acceptedRecord({
  id: 'img1',
  now: new Date('2024-01-01T00:00:00.000Z'),
  filename: null,
  format: 'png',
  contentType: 'image/png',
  bytes: 10,
  sha256: 'a'.repeat(64),
  instanceId: 'img-img1-abc',
});

const runningSteps = {
  steps: [
    { name: 'inspect', status: 'Completed', attempts: 1, startedAt: 'a', completedAt: 'b' },
    { name: 'resize:thumb', status: 'Running', attempts: 1, startedAt: 'b', completedAt: null },
  ],
};

describe('Function: mergeLiveStatus', () => {
  it('reports Processing with the live steps while the run is Running', () => {
    // Prepare / Act
    const merged = mergeLiveStatus(accepted, {
      runtimeStatus: 'Running',
      customStatus: runningSteps,
      output: null,
    });

    // Assess
    expect(merged.status).toBe('Processing');
    expect(merged.steps).toEqual(runningSteps.steps);
    expect(merged.orchestration).toEqual({ instanceId: 'img-img1-abc', runtimeStatus: 'Running' });
  });

  it('keeps Accepted while the run is only Pending', () => {
    // Prepare / Act
    const merged = mergeLiveStatus(accepted, {
      runtimeStatus: 'Pending',
      customStatus: null,
      output: null,
    });

    // Assess
    expect(merged.status).toBe('Accepted');
    expect(merged.orchestration.runtimeStatus).toBe('Pending');
  });

  it('reports a run that failed without saving as Failed with its reason', () => {
    // Prepare / Act
    const merged = mergeLiveStatus(accepted, {
      runtimeStatus: 'Failed',
      customStatus: runningSteps,
      output: "Orchestrator function 'processImage' failed: Cosmos unavailable\n    at stack...",
    });

    // Assess
    expect(merged.status).toBe('Failed');
    expect(merged.error).toEqual({
      code: 'PROCESSING_FAILED',
      message: "Orchestrator function 'processImage' failed: Cosmos unavailable",
    });
  });

  it('reports a terminated run as Failed', () => {
    // Prepare / Act
    const merged = mergeLiveStatus(accepted, {
      runtimeStatus: 'Terminated',
      customStatus: null,
      output: 'stop',
    });

    // Assess
    expect(merged.status).toBe('Failed');
    expect(merged.error?.code).toBe('PROCESSING_TERMINATED');
  });

  it('leaves the record alone without a live status or once finished', () => {
    // Prepare
    const done: ImageRecord = { ...accepted, status: 'Completed' };

    // Act
    const unknown = mergeLiveStatus(accepted, undefined);
    const finished = mergeLiveStatus(done, {
      runtimeStatus: 'Failed',
      customStatus: null,
      output: 'x',
    });

    // Assess
    expect(unknown).toBe(accepted);
    expect(finished).toBe(done);
  });
});
