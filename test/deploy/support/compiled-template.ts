/**
 * infra/main.bicep compiled to ARM JSON with the real Bicep compiler (infra/scripts/bicep.sh:
 * `bicep` on PATH, else the pinned NuGet package, always the pinned one in CI). Compiled once
 * per content of infra/ and host.json, under a lock so parallel test files share one build. A
 * missing compiler throws: these tests never pass without the template.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'infra', 'scripts', 'bicep.sh');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'bicep', 'compiled');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface ArmTemplate {
  parameters?: Record<string, { type: string; defaultValue?: Json; allowedValues?: Json[] }>;
  variables?: Record<string, Json>;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, { type: string; value: Json }>;
  [key: string]: unknown;
}
export interface ArmResource {
  type: string;
  name: string;
  condition?: Json;
  properties?: Json;
  [key: string]: Json | undefined;
}

/** Every file that goes into the compiled template, relative to the repository. */
export function templateSources(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.(bicep|json)$/.test(entry.name)) found.push(rel);
    }
  };
  walk('infra');
  return [...found.sort(), 'host.json'];
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock<T>(lockDir: string, work: () => T): T {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run is older than any real compile.
      const since = fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 5 * 60_000) fs.rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${lockDir}`, { cause: error });
      }
      sleep(250);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

let cached: ArmTemplate | undefined;

/** The compiled infra/main.bicep. */
export function compiledTemplate(): ArmTemplate {
  if (cached !== undefined) return cached;
  const hash = createHash('sha256');
  for (const file of templateSources())
    hash.update(file).update(fs.readFileSync(path.join(ROOT, file)));
  const out = path.join(CACHE, `main-${hash.digest('hex').slice(0, 16)}.json`);
  fs.mkdirSync(CACHE, { recursive: true });
  if (!fs.existsSync(out)) {
    withLock(path.join(CACHE, '.lock'), () => {
      if (fs.existsSync(out)) return;
      const partial = `${out}.${process.pid}.tmp`;
      execFileSync('bash', [SCRIPT, 'build', partial], {
        cwd: ROOT,
        stdio: 'pipe',
        timeout: 9 * 60_000,
      });
      fs.renameSync(partial, out);
    });
  }
  cached = JSON.parse(fs.readFileSync(out, 'utf8')) as ArmTemplate;
  return cached;
}

export function resourcesOf(template: ArmTemplate): ArmResource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}
