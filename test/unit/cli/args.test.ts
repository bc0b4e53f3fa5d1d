import { parseCommandLine, positiveIntOption, listOption } from '../../../cli/args';
import { reprocessRequest } from '../../../cli/reprocess-request';
import { UsageError } from '../../../cli/usage-error';

function usageError(argv: string[]): string {
  try {
    const line = parseCommandLine(argv);
    if (line.command === 'reprocess') reprocessRequest(line);
    if (line.command === 'list') positiveIntOption(line, 'limit', 100);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('Function: parseCommandLine', () => {
  it('reads the command, its arguments and options, global options anywhere', () => {
    // Act
    const line = parseCommandLine(['--json', 'terminate', 'img-1', '--reason', 'stuck', '--key=k']);

    // Assess
    expect(line).toEqual({
      command: 'terminate',
      args: ['img-1'],
      options: { json: true, reason: 'stuck', key: 'k' },
      help: false,
    });
  });

  it.each([[['--help']], [['-h']], [['help']], [['status', '--help']]])(
    'asks for help with %p',
    (argv) => {
      // Act / Assess
      expect(parseCommandLine(argv).help).toBe(true);
    },
  );

  it.each([
    [[], 'Missing command'],
    [['frobnicate'], 'Unknown command "frobnicate"'],
    [['list', '--lmit', '3'], "Unknown option '--lmit'"],
    [['status'], 'status needs exactly: <imageId>'],
    [['status', 'a', 'b'], 'status needs exactly: <imageId>'],
    [['list', 'extra'], 'list takes no arguments'],
    [['status', 'a', '--limit', '3'], '--limit does not apply to status'],
    [['orchestrations', '--reason', 'x'], '--reason does not apply to orchestrations'],
    [['list', '--limit', '0'], '--limit must be a whole number from 1 to 100'],
    [['list', '--limit', 'many'], '--limit must be a whole number from 1 to 100'],
    [['reprocess'], 'reprocess needs at least one filter'],
    [['reprocess', '--ids', 'a,,b'], '--ids has an empty item'],
    [['reprocess', '--status', ''], '--status needs a value'],
    [['reprocess', '--status', 'Failed', '--max-concurrency', '-1'], "Option '--max-concurrency"],
  ])('rejects %p: %s', (argv, message) => {
    // Act / Assess
    expect(usageError(argv)).toContain(message);
  });
});

describe('Function: reprocessRequest', () => {
  it('maps every option to the request body', () => {
    // Prepare
    const line = parseCommandLine([
      'reprocess',
      '--status',
      'Failed',
      '--analysis-status',
      'Deferred',
      '--since',
      '2026-11-01',
      '--until',
      '2026-11-30',
      '--ids',
      'a, b',
      '--steps',
      'resize,analyze',
      '--max-concurrency',
      '4',
      '--dry-run',
    ]);

    // Act / Assess
    expect(reprocessRequest(line)).toEqual({
      filter: {
        status: 'Failed',
        analysisStatus: 'Deferred',
        createdFrom: '2026-11-01',
        createdTo: '2026-11-30',
        ids: ['a', 'b'],
      },
      steps: ['resize', 'analyze'],
      dryRun: true,
      maxConcurrency: 4,
    });
  });

  it('leaves out what was not asked for', () => {
    // Act / Assess
    expect(reprocessRequest(parseCommandLine(['reprocess', '--ids', 'x']))).toEqual({
      filter: { ids: ['x'] },
    });
    expect(listOption(parseCommandLine(['reprocess', '--ids', 'x']), 'steps')).toBeUndefined();
  });
});
