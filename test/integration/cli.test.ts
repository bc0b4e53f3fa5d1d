/**
 * The compiled `image-pipeline` command (dist/cli/main.js) run as a user runs it, against the
 * integration stack: what it prints, on which stream, and its exit code.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { sharedStack, uploadOk, waitFinished } from './client';

const stack = sharedStack();
const MAIN = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
/** A directory without .devhost/keys.json, so only the environment decides the key. */
const CWD = mkdtempSync(path.join(tmpdir(), 'cli-test-'));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      {
        cwd: CWD,
        env: { PATH: process.env.PATH ?? '', IMAGE_PIPELINE_URL: stack.baseUrl, ...env },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const withKey = { IMAGE_PIPELINE_KEY: stack.key };

/** One line on stderr, nothing on stdout, exit code 1. */
function expectOneErrorLine(result: Result, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n')).toEqual([expect.stringMatching(pattern), '']);
}

let imageId: string;
let instanceId: string;

beforeAll(async () => {
  const png = await sharp({
    create: { width: 90, height: 60, channels: 3, background: { r: 10, g: 200, b: 90 } },
  })
    .png()
    .toBuffer();
  imageId = await uploadOk(stack, png, 'image/png');
  const { record } = await waitFinished(stack, imageId);
  instanceId = record.orchestration?.instanceId ?? '';
});

describe('CLI: images', () => {
  it('status prints the record with its steps', async () => {
    const result = await cli(['status', imageId]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`${imageId}  Completed`);
    expect(lines).toContainEqual(expect.stringMatching(/^STEP\s+STATUS\s+ATTEMPTS\s+DURATION/));
    expect(lines).toContainEqual(expect.stringMatching(/^inspect\s+Completed\s+1\s+\d/));
    expect(lines).toContainEqual(`run       ${instanceId}  Completed`);
  });

  it('status --json prints the record as the API returns it', async () => {
    const result = await cli(['status', imageId, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: imageId, status: 'Completed' });
  });

  it('list prints the newest images', async () => {
    const result = await cli(['list', '--limit', '100']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+CREATED\s+FILE/);
    expect(result.stdout).toMatch(new RegExp(`^${imageId}\\s+Completed\\s`, 'm'));
  });

  it('a server error is one line on stderr and exit code 1', async () => {
    expectOneErrorLine(
      await cli(['status', 'no-such-image']),
      /^error: NOT_FOUND: .*no-such-image.* \(HTTP 404\)$/,
    );
  });
});

describe('CLI: orchestrations', () => {
  it('orchestrations lists the instance, filtered by prefix and status', async () => {
    const result = await cli(
      ['orchestrations', '--prefix', `img-${imageId}`, '--status', 'Completed,Failed'],
      withKey,
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^INSTANCE\s+NAME\s+STATUS\s+CREATED/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^${instanceId}\\s+processImage\\s+Completed\\s`)),
    ]);
  });

  it('orchestrations --json prints the page', async () => {
    const result = await cli(['orchestrations', '--prefix', `img-${imageId}`, '--json'], withKey);
    expect(JSON.parse(result.stdout)).toEqual({
      items: [expect.objectContaining({ instanceId })],
      continuationToken: null,
    });
  });

  it('history prints one line per step of the run', async () => {
    const result = await cli(['history', instanceId], withKey);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${instanceId}  processImage  Completed`);
    expect(lines[3]).toMatch(/^AT\s+DURATION\s+KIND\s+NAME\s+TRY\s+STATUS\s+DETAIL$/);
    const steps = lines.slice(4);
    expect(steps).toContainEqual(
      expect.stringMatching(
        /^\+\d+\.\d{3}s\s+\d+(\.\d)? m?s\s+activity\s+inspectImage\s+#1\s+Completed/,
      ),
    );
    expect(steps.filter((line) => /\sresizeImage\s/.test(line))).toHaveLength(3);
  });

  it('a missing key gets the 401 as one line and exit code 1', async () => {
    expectOneErrorLine(
      await cli(['orchestrations']),
      /^error: UNAUTHORIZED: .*\(HTTP 401\) \(no function key: pass --key or set IMAGE_PIPELINE_KEY\)$/,
    );
  });

  it('a wrong key gets the 401 as one line and exit code 1', async () => {
    expectOneErrorLine(
      await cli(['history', instanceId, '--key', 'not-the-key']),
      /^error: UNAUTHORIZED: .*\(HTTP 401\) \(the key from flag was refused\)$/,
    );
  });

  it('an unknown instance is one line and exit code 1', async () => {
    expectOneErrorLine(
      await cli(['purge', 'img-no-such-instance'], withKey),
      /^error: NOT_FOUND: .*img-no-such-instance.* \(HTTP 404\)$/,
    );
  });
});

describe('CLI: routes served by other parts of the app', () => {
  it.each([[['gate', '--json']], [['reprocess', '--ids', 'no-such-image', '--dry-run', '--json']]])(
    '%p prints JSON, or one line and a non-zero exit when the route is missing',
    async (args) => {
      const result = await cli(args, withKey);
      if (result.code === 0) {
        expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
      } else {
        expectOneErrorLine(result, /^error: \S+: .* \(HTTP \d{3}\)$/);
      }
    },
  );
});

describe('CLI: usage and connection', () => {
  it('a usage error exits 2 with the usage text', async () => {
    const result = await cli(['orchestrations', '--limit', 'lots'], withKey);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: --limit must be a whole number from 1 to 100\n\nUsage: /,
    );
  });

  it('--help prints the usage and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: image-pipeline <command> \[options\]/);
  });

  it('an unreachable server is one line and exit code 1', async () => {
    expectOneErrorLine(
      await cli(['list', '--url', 'http://127.0.0.1:9']),
      /^error: cannot reach http:\/\/127\.0\.0\.1:9/,
    );
  });
});
