import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The repository root, found by walking up from this file. This module runs both compiled
 * (dist/devhost/supervisor) and transformed from source by jest (devhost/supervisor), so a
 * fixed number of `..` would be wrong in one of the two.
 */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'devhost'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root above ${__dirname}`);
    dir = parent;
  }
}

/** A compiled devhost file: child processes always run the JS in dist/, never the TS source. */
export function compiledDevhostFile(...segments: string[]): string {
  return path.join(repoRoot(), 'dist', 'devhost', ...segments);
}
