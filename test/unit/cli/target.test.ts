import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveTarget } from '../../../cli/target';
import { UsageError } from '../../../cli/usage-error';

function projectWithKey(content: unknown, dir = '.devhost'): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cli-target-'));
  mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, dir, 'keys.json'), JSON.stringify(content));
  return root;
}

describe('Function: resolveTarget', () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'cli-target-'));

  it('defaults to the local host and no key', () => {
    // Act / Assess
    expect(resolveTarget({ env: {}, cwd: empty })).toEqual({
      baseUrl: 'http://127.0.0.1:7071',
      keySource: 'none',
    });
  });

  it('prefers flags, then IMAGE_PIPELINE_*, then FUNCTIONS_KEY, then devhost keys.json', () => {
    // Prepare
    const cwd = projectWithKey({ functionKey: 'from-file', createdAt: '2026-11-01T00:00:00Z' });
    const env = {
      IMAGE_PIPELINE_URL: 'https://app.example.net/',
      IMAGE_PIPELINE_KEY: 'env',
      FUNCTIONS_KEY: 'fk',
    };

    // Act / Assess
    expect(resolveTarget({ url: 'http://h:1', key: 'flag', env, cwd })).toEqual({
      baseUrl: 'http://h:1',
      key: 'flag',
      keySource: 'flag',
    });
    expect(resolveTarget({ env, cwd })).toEqual({
      baseUrl: 'https://app.example.net',
      key: 'env',
      keySource: 'IMAGE_PIPELINE_KEY',
    });
    expect(resolveTarget({ env: { FUNCTIONS_KEY: 'fk' }, cwd }).key).toBe('fk');
    expect(resolveTarget({ env: {}, cwd })).toMatchObject({
      key: 'from-file',
      keySource: 'keys.json',
    });
  });

  it('finds keys.json under DEVHOST_DIR like devhost does', () => {
    // Prepare
    const cwd = projectWithKey({ functionKey: 'elsewhere' }, 'state/dh');

    // Act / Assess
    expect(resolveTarget({ env: { DEVHOST_DIR: 'state/dh' }, cwd }).key).toBe('elsewhere');
  });

  it('ignores a key file it cannot read', () => {
    // Act / Assess
    expect(resolveTarget({ env: {}, cwd: projectWithKey('not an object') }).keySource).toBe('none');
    expect(resolveTarget({ env: {}, cwd: projectWithKey({ functionKey: '' }) }).keySource).toBe(
      'none',
    );
  });

  it.each(['not a url', 'ftp://x'])('rejects the URL %p as a usage error', (url) => {
    // Act / Assess
    expect(() => resolveTarget({ url, env: {}, cwd: empty })).toThrow(UsageError);
  });
});
