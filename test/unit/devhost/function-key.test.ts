import { existsSync, statSync } from 'node:fs';
import { loadOrCreateFunctionKey } from '../../../devhost/supervisor/function-key';
import { removeTempDirs, tempDir } from './helpers';

afterAll(removeTempDirs);

describe('function key', () => {
  it('is generated once, stored privately and reused', () => {
    const stateDir = tempDir('keys');
    const first = loadOrCreateFunctionKey(stateDir, undefined);
    expect(first.source).toBe('file');
    expect(first.key).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(first.keyFile).mode & 0o077).toBe(0);
    expect(loadOrCreateFunctionKey(stateDir, undefined).key).toBe(first.key);
  });

  it('comes from FUNCTIONS_KEY when set, without writing it to disk', () => {
    const stateDir = tempDir('keys');
    const key = loadOrCreateFunctionKey(stateDir, 'my-key');
    expect(key).toMatchObject({ key: 'my-key', source: 'env' });
    expect(existsSync(key.keyFile)).toBe(false);
  });
});
