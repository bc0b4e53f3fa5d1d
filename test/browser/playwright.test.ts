/**
 * Runs the browser tests (Playwright, see playwright.config.ts) from Jest, so `npm test` and CI
 * count them with everything else: Playwright runs once while this file loads, then each of its
 * tests becomes one Jest test that passes or fails with it. If Playwright cannot run at all
 * (no Chromium, a broken config), one failing test says why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const config = path.join(__dirname, 'playwright.config.ts');
const reportFile = path.join(root, 'test-output/browser/report.json');

interface PwResult {
  status: string;
  error?: { message?: string };
  errors?: { message?: string }[];
}
interface PwSpec {
  title: string;
  file: string;
  tests: { status: string; results: PwResult[] }[];
}
interface PwSuite {
  title: string;
  specs?: PwSpec[];
  suites?: PwSuite[];
}

function specsOf(suite: PwSuite, prefix: string[]): { name: string; spec: PwSpec }[] {
  const here = suite.title.endsWith('.ts') ? prefix : [...prefix, suite.title];
  return [
    ...(suite.specs ?? []).map((spec) => ({ name: [...here, spec.title].join(' › '), spec })),
    ...(suite.suites ?? []).flatMap((s) => specsOf(s, here)),
  ];
}

/** Playwright refuses to run where it sees Jest's worker variables: they are not passed on. */
function playwrightEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JEST_')));
}

rmSync(reportFile, { force: true });
const run = spawnSync('npx', ['playwright', 'test', '-c', config, '--reporter=list,json'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...playwrightEnv(), PLAYWRIGHT_JSON_OUTPUT_NAME: reportFile, FORCE_COLOR: '0' },
  maxBuffer: 64 * 1024 * 1024,
});
const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
const report = existsSync(reportFile)
  ? (JSON.parse(readFileSync(reportFile, 'utf8')) as {
      suites: PwSuite[];
      errors?: { message?: string }[];
    })
  : undefined;
const specs = (report?.suites ?? []).flatMap((s) => specsOf(s, [path.basename(s.title)]));

describe('browser (Playwright on /usr/bin/chromium)', () => {
  if (specs.length === 0 || (report?.errors ?? []).length > 0) {
    it('runs', () => {
      throw new Error(
        `Playwright exited ${run.status ?? run.signal} without running the tests:\n${output.slice(-4000)}`,
      );
    });
  }
  for (const { name, spec } of specs) {
    it(name, () => {
      const failures = spec.tests.filter((t) => t.status !== 'expected' && t.status !== 'skipped');
      if (failures.length === 0) return;
      const messages = failures.flatMap((t) =>
        t.results.flatMap((r) => (r.errors ?? [r.error ?? {}]).map((e) => e.message ?? r.status)),
      );
      throw new Error(messages.join('\n\n'));
    });
  }
  it('Playwright exits 0', () => {
    if (run.status !== 0)
      throw new Error(`Playwright exited ${run.status ?? run.signal}:\n${output.slice(-4000)}`);
  });
});
