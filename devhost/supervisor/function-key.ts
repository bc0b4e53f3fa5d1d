import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface FunctionKey {
  key: string;
  /** `env` when FUNCTIONS_KEY supplied it (then nothing is written to disk). */
  source: 'env' | 'file';
  /** The key file (it holds the key only when source is `file`). */
  keyFile: string;
}

interface KeyFileContent {
  functionKey: string;
  createdAt: string;
}

export function keyFilePath(stateDir: string): string {
  return path.join(stateDir, 'keys.json');
}

function readStoredKey(keyFile: string): string | undefined {
  if (!existsSync(keyFile)) return undefined;
  const content = JSON.parse(readFileSync(keyFile, 'utf8')) as Partial<KeyFileContent>;
  return typeof content.functionKey === 'string' && content.functionKey.length > 0
    ? content.functionKey
    : undefined;
}

/**
 * The key that guards /api/ops and the admin routes: FUNCTIONS_KEY if set, otherwise the key
 * generated at the first start and kept in keys.json, so scripts keep working across restarts.
 */
export function loadOrCreateFunctionKey(stateDir: string, envKey: string | undefined): FunctionKey {
  const keyFile = keyFilePath(stateDir);
  if (envKey !== undefined && envKey.length > 0) return { key: envKey, source: 'env', keyFile };

  const stored = readStoredKey(keyFile);
  if (stored !== undefined) return { key: stored, source: 'file', keyFile };

  const content: KeyFileContent = {
    // Hex, not base64url: a key that began with "-" would read as an option on a command line
    // (`image-pipeline --key -abc…` is refused as a missing value).
    functionKey: randomBytes(32).toString('hex'),
    createdAt: new Date().toISOString(),
  };
  // Write then rename, so a crash never leaves a half-written key file behind.
  const temporary = `${keyFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, keyFile);
  return { key: content.functionKey, source: 'file', keyFile };
}
