/** Loads the app's entry files from `package.json#main` (a path or a simple glob), like the worker. */
import fs from 'node:fs';
import path from 'node:path';

function globToRegex(glob: string): RegExp {
  const re = glob
    .split('/')
    .map((seg) =>
      seg === '**'
        ? '(?:.*/)?'
        : seg
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]') + '/',
    )
    .join('');
  return new RegExp(`^${re.replace(/\/$/, '').replace(/\(\?:\.\*\/\)\?\//g, '(?:.*/)?')}$`);
}

function walk(dir: string, base: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, base, out);
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
}

export function resolveEntryFiles(appDir: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as {
    main?: string;
  };
  const main = (pkg.main ?? 'index.js').replace(/^\.\//, '');
  if (!/[*?]/.test(main)) {
    const file = path.resolve(appDir, main);
    if (!fs.existsSync(file)) {
      throw new Error(
        `package.json#main points to ${main}, which does not exist. Build the app first (npm run build).`,
      );
    }
    return [file];
  }
  const fixed = main
    .split('/')
    .filter((s, i, all) => !/[*?]/.test(all.slice(0, i + 1).join('/')))
    .join('/');
  const files: string[] = [];
  const root = path.resolve(appDir, fixed);
  if (fs.existsSync(root)) walk(root, appDir, files);
  const re = globToRegex(main);
  const matched = files.filter((f) => re.test(f)).sort();
  if (matched.length === 0) throw new Error(`package.json#main glob ${main} matched no files.`);
  return matched.map((f) => path.resolve(appDir, f));
}

export function loadApp(appDir: string): string[] {
  const files = resolveEntryFiles(appDir);
  // The worker loads entry files with require (CommonJS) too; an ESM app would need import().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const file of files) require(file);
  return files;
}
