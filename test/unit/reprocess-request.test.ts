import { AppError } from '../../src/domain/errors';
import { parseReprocessRequest } from '../../src/domain/reprocess/request';

function refusal(body: unknown): AppError {
  try {
    parseReprocessRequest(body);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('Function: parseReprocessRequest', () => {
  it('applies the defaults: both steps, no dry run, 8 at a time', () => {
    // Act
    const request = parseReprocessRequest({ filter: { status: 'Failed' } });

    // Assess
    expect(request).toEqual({
      filter: { statuses: ['Failed'] },
      steps: ['resize', 'analyze'],
      dryRun: false,
      maxConcurrency: 8,
    });
  });

  it('reads every filter field and normalises what it can', () => {
    // Act
    const request = parseReprocessRequest({
      filter: {
        status: ['Completed', 'CompletedWithWarnings', 'Completed'],
        analysisStatus: 'Deferred',
        createdFrom: '2026-11-01',
        createdTo: '2026-11-02T08:00:00+02:00',
        ids: ['01hz0000000000000000000001', '01hz0000000000000000000001', 'b'],
      },
      steps: ['analyze', 'resize'],
      dryRun: true,
      maxConcurrency: 64,
    });

    // Assess
    expect(request).toEqual({
      filter: {
        statuses: ['Completed', 'CompletedWithWarnings'],
        analysisStatus: 'Deferred',
        createdFrom: '2026-11-01T00:00:00.000Z',
        createdTo: '2026-11-02T06:00:00.000Z',
        ids: ['01hz0000000000000000000001', 'b'],
      },
      steps: ['resize', 'analyze'],
      dryRun: true,
      maxConcurrency: 64,
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['a body that is not an object', [], /JSON object/],
    ['a missing filter', {}, /^filter is required/],
    ['an empty filter', { filter: {} }, /filter must name at least one of .*every image/],
    ['a filter that is not an object', { filter: 'Failed' }, /^filter must be an object/],
    [
      'a misspelt filter field',
      { filter: { stauts: 'Failed' } },
      /^filter\.stauts is not a known field/,
    ],
    [
      'an unknown body field',
      { filter: { status: 'Failed' }, step: ['resize'] },
      /^step is not a known field/,
    ],
    [
      'an unknown status',
      { filter: { status: 'Broken' } },
      /^filter\.status "Broken" is not an image status/,
    ],
    [
      'a status still being processed',
      { filter: { status: 'Processing' } },
      /^filter\.status Processing is refused/,
    ],
    ['an empty status list', { filter: { status: [] } }, /^filter\.status must name at least one/],
    [
      'an unknown analysis status',
      { filter: { analysisStatus: 'Later' } },
      /^filter\.analysisStatus/,
    ],
    [
      'a local time',
      { filter: { createdFrom: '2026-11-01T08:00:00' } },
      /^filter\.createdFrom must be an ISO 8601/,
    ],
    [
      'a date that is not one',
      { filter: { createdTo: 'yesterday' } },
      /^filter\.createdTo must be an ISO 8601/,
    ],
    [
      'a range that ends before it starts',
      { filter: { createdFrom: '2026-11-02', createdTo: '2026-11-01' } },
      /^filter\.createdFrom must not be after filter\.createdTo/,
    ],
    ['an empty id list', { filter: { ids: [] } }, /^filter\.ids must be a non-empty array/],
    [
      'an id that is not one',
      { filter: { ids: ['a/b'] } },
      /^filter\.ids\[0\] "a\/b" is not an image id/,
    ],
    [
      'too many ids',
      { filter: { ids: Array.from({ length: 1001 }, (_, i) => `id${i}`) } },
      /^filter\.ids may list at most 1000/,
    ],
    [
      'an unknown step',
      { filter: { status: 'Failed' }, steps: ['crop'] },
      /^steps\[0\] "crop" is not a step/,
    ],
    [
      'an empty step list',
      { filter: { status: 'Failed' }, steps: [] },
      /^steps must be a non-empty array/,
    ],
    [
      'a dry run that is not a boolean',
      { filter: { status: 'Failed' }, dryRun: 'yes' },
      /^dryRun must be true or false/,
    ],
    [
      'no concurrency',
      { filter: { status: 'Failed' }, maxConcurrency: 0 },
      /^maxConcurrency must be an integer from 1 to 64/,
    ],
    [
      'too much concurrency',
      { filter: { status: 'Failed' }, maxConcurrency: 65 },
      /^maxConcurrency/,
    ],
    [
      'a fractional concurrency',
      { filter: { status: 'Failed' }, maxConcurrency: 2.5 },
      /^maxConcurrency/,
    ],
  ])('refuses %s with INVALID_REQUEST naming the field', (_name, body, message) => {
    // Act
    const error = refusal(body);

    // Assess
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });
});
