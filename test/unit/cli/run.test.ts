import { run, type Io } from '../../../cli/run';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** A server scripted by path: each answer is [status, body]; a list answers in turn. */
function server(routes: Record<string, [number, unknown] | [number, unknown][]>) {
  const calls: Call[] = [];
  const fetch = (url: string, init: RequestInit): Promise<Response> => {
    const parsed = new URL(url);
    calls.push({
      method: init.method ?? 'GET',
      url,
      headers: init.headers as Record<string, string>,
      ...(init.body === undefined ? {} : { body: JSON.parse(init.body as string) as unknown }),
    });
    const key = `${init.method ?? 'GET'} ${parsed.pathname}`;
    const route = routes[key];
    if (route === undefined) {
      return Promise.resolve(
        new Response(
          JSON.stringify({
            error: { code: 'NOT_FOUND', message: `No function serves ${parsed.pathname}.` },
          }),
          {
            status: 404,
          },
        ),
      );
    }
    const answer = (Array.isArray(route[0]) ? (route as [number, unknown][]).shift() : route) as [
      number,
      unknown,
    ];
    if (Array.isArray(route[0]) && (route as unknown[]).length === 0)
      (route as unknown[]).push(answer);
    return Promise.resolve(new Response(JSON.stringify(answer[1]), { status: answer[0] }));
  };
  return { calls, fetch };
}

async function cli(argv: string[], fetch: Io['fetch'], options: Partial<Io> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { IMAGE_PIPELINE_URL: 'http://app.test', IMAGE_PIPELINE_KEY: 'k' },
    cwd: '/nonexistent',
    isTTY: false,
    sleep: () => Promise.resolve(),
    ...(fetch === undefined ? {} : { fetch }),
    ...options,
  });
  return { code, stdout, stderr };
}

describe('Function: run', () => {
  it('sends the key and prints the JSON with --json', async () => {
    // Prepare
    const s = server({ 'GET /api/images/a': [200, { id: 'a', status: 'Completed' }] });

    // Act
    const result = await cli(['status', 'a', '--json'], s.fetch);

    // Assess
    expect(result).toEqual({
      code: 0,
      stdout: `${JSON.stringify({ id: 'a', status: 'Completed' }, null, 2)}\n`,
      stderr: '',
    });
    expect(s.calls[0]?.headers['x-functions-key']).toBe('k');
  });

  it('turns options into query parameters', async () => {
    // Prepare
    const s = server({
      'GET /api/ops/orchestrations': [200, { items: [], continuationToken: 'next' }],
    });

    // Act
    const result = await cli(
      [
        'orchestrations',
        '--status',
        'Running,Failed',
        '--since',
        '2026-11-01',
        '--prefix',
        'img-',
        '--limit',
        '5',
      ],
      s.fetch,
    );

    // Assess
    expect(result.code).toBe(0);
    expect(new URL(s.calls[0]?.url ?? '').search).toBe(
      '?runtimeStatus=Running%2CFailed&createdFrom=2026-11-01&instanceIdPrefix=img-&limit=5',
    );
    expect(result.stdout).toBe('No orchestration instances.\nnext page: --continuation next\n');
  });

  it('prints a server error as one line and exits 1', async () => {
    // Prepare
    const s = server({
      'GET /api/images/x': [
        404,
        { error: { code: 'NOT_FOUND', message: 'Image "x" was not found' } },
      ],
    });

    // Act / Assess
    expect(await cli(['status', 'x'], s.fetch)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: NOT_FOUND: Image "x" was not found (HTTP 404)\n',
    });
  });

  it('says where a 401 came from', async () => {
    // Prepare
    const s = server({
      'GET /api/ops/orchestrations': [
        401,
        { error: { code: 'UNAUTHORIZED', message: 'A valid function key is required.' } },
      ],
    });

    // Act
    const result = await cli(['orchestrations'], s.fetch, {
      env: { IMAGE_PIPELINE_URL: 'http://app.test' },
    });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: UNAUTHORIZED: A valid function key is required. (HTTP 401) (no function key: pass --key or set IMAGE_PIPELINE_KEY)\n',
    );
    expect(s.calls[0]?.headers).not.toHaveProperty('x-functions-key');
  });

  it('reports an error body that is not ours with the status and the route', async () => {
    // Prepare
    const fetch = () => Promise.resolve(new Response('', { status: 404, statusText: 'Not Found' }));

    // Act / Assess
    expect((await cli(['gate'], fetch)).stderr).toBe(
      'error: HTTP_404: Not Found from GET /api/ops/gate (HTTP 404)\n',
    );
  });

  it('prints one line when the server cannot be reached', async () => {
    // Prepare
    const fetch = () =>
      Promise.reject(
        Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      );

    // Act
    const result = await cli(['list'], fetch);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: cannot reach http://app.test (ECONNREFUSED); is the app running? Set --url or IMAGE_PIPELINE_URL\n',
    );
  });

  it('exits 2 with the usage on a usage error, 0 with it on --help', async () => {
    // Act
    const bad = await cli(['list', '--limit', 'x'], undefined);
    const help = await cli(['--help'], undefined);

    // Assess
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^error: --limit must be a whole number from 1 to 100\n\nUsage: image-pipeline/,
    );
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: image-pipeline <command>/);
  });

  it('acts on an instance', async () => {
    // Prepare
    const s = server({
      'POST /api/ops/orchestrations/img-1/terminate': [202, { instanceId: 'img-1' }],
      'POST /api/ops/orchestrations/img-1/restart': [
        202,
        { instanceId: 'new', restartedFrom: 'img-1' },
      ],
      'POST /api/ops/orchestrations/img-1/purge': [200, { instancesDeleted: 1 }],
    });

    // Act
    const outputs = [
      await cli(['terminate', 'img-1', '--reason', 'stuck'], s.fetch),
      await cli(['restart', 'img-1', '--same-id'], s.fetch),
      await cli(['purge', 'img-1'], s.fetch),
    ];

    // Assess
    expect(outputs.map((o) => o.code)).toEqual([0, 0, 0]);
    expect(s.calls[0]?.body).toEqual({ reason: 'stuck' });
    expect(new URL(s.calls[1]?.url ?? '').search).toBe('?restartWithNewInstanceId=false');
    expect(outputs[1]?.stdout).toBe('Restarted img-1 as new\n');
    expect(outputs[2]?.stdout).toBe('Purged img-1 (1 instance deleted)\n');
  });

  it('resets a gate and rejects other gate arguments', async () => {
    // Prepare
    const s = server({ 'POST /api/ops/gate/vision-0/reset': [200, {}] });

    // Act / Assess
    expect((await cli(['gate', 'reset', 'vision-0'], s.fetch)).code).toBe(0);
    expect((await cli(['gate', 'open', 'vision-0'], s.fetch)).code).toBe(2);
  });

  describe('reprocess', () => {
    const progress = (completed: number, status: string) => ({
      batchId: 'b1',
      total: 2,
      completed,
      failed: 0,
      running: 2 - completed,
      status,
    });

    it('polls until the batch ends, a plain line per change off a terminal', async () => {
      // Prepare
      const s = server({
        'POST /api/ops/reprocess': [
          202,
          { batchId: 'b1', matched: 2, statusUrl: 'http://app.test/api/ops/reprocess/b1' },
        ],
        'GET /api/ops/reprocess/b1': [
          [200, progress(0, 'Running')],
          [200, progress(0, 'Running')],
          [200, progress(1, 'Running')],
          [200, progress(2, 'Completed')],
        ],
      });

      // Act
      const result = await cli(
        ['reprocess', '--status', 'Failed', '--steps', 'analyze', '--max-concurrency', '2'],
        s.fetch,
      );

      // Assess
      expect(result.code).toBe(0);
      expect(s.calls[0]?.body).toEqual({
        filter: { status: 'Failed' },
        steps: ['analyze'],
        maxConcurrency: 2,
      });
      expect(result.stdout.split('\n')).toEqual([
        'Batch b1: 2 images to reprocess',
        'Running: 0/2 done (0 completed, 0 failed, 2 running)',
        'Running: 1/2 done (1 completed, 0 failed, 1 running)',
        'Completed: 2/2 done (2 completed, 0 failed, 0 running)',
        'Batch b1 Completed: Completed: 2/2 done (2 completed, 0 failed, 0 running)',
        '',
      ]);
    });

    it('redraws a bar on a terminal and exits 1 when the batch does not complete', async () => {
      // Prepare
      const s = server({
        'POST /api/ops/reprocess': [202, { batchId: 'b1', matched: 2 }],
        'GET /api/ops/reprocess/b1': [
          [200, progress(1, 'Running')],
          [200, progress(1, 'Canceled')],
        ],
      });

      // Act
      const result = await cli(['reprocess', '--ids', 'a,b'], s.fetch, { isTTY: true });

      // Assess
      expect(result.code).toBe(1);
      expect(result.stdout.split('\u001b[2K\r[')).toHaveLength(3);
      expect(result.stdout).toContain('\nBatch b1 Canceled');
    });

    it('prints the JSON documents with --json', async () => {
      // Prepare
      const s = server({
        'POST /api/ops/reprocess': [202, { batchId: 'b1', matched: 2 }],
        'GET /api/ops/reprocess/b1': [200, progress(2, 'Completed')],
      });

      // Act
      const result = await cli(['reprocess', '--ids', 'a,b', '--json'], s.fetch);

      // Assess
      expect(
        result.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown),
      ).toEqual([{ batchId: 'b1', matched: 2 }, progress(2, 'Completed')]);
    });

    it('lists the matches of a dry run', async () => {
      // Prepare
      const s = server({ 'POST /api/ops/reprocess': [200, { matched: 2, ids: ['a', 'b'] }] });

      // Act
      const result = await cli(['reprocess', '--status', 'Failed', '--dry-run'], s.fetch);

      // Assess
      expect(s.calls[0]?.body).toEqual({ filter: { status: 'Failed' }, dryRun: true });
      expect(result).toEqual({
        code: 0,
        stdout: '2 images match (dry run, nothing started)\na\nb\n',
        stderr: '',
      });
    });

    it('prints one line when the server has no reprocess route', async () => {
      // Prepare
      const s = server({});

      // Act / Assess
      expect(await cli(['reprocess', '--status', 'Failed'], s.fetch)).toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: NOT_FOUND: No function serves /api/ops/reprocess. (HTTP 404)\n',
      });
    });
  });
});
