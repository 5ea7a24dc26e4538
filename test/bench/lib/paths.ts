/** Where the built pieces the benchmark drives live, found from wherever the bundle runs. */
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/** The checkout root: the nearest folder up from this bundle whose package.json is ours. */
export function repoRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tableau-publisher') {
      return (cached = dir);
    }
    if (path.dirname(dir) === dir) throw new Error(`no tableau-publisher package.json above ${__dirname}`);
  }
}

export const cliPath = (): string => path.join(repoRoot(), 'dist', 'cli.js');
export const simMainPath = (): string => path.join(repoRoot(), 'out', 'test', 'simulator', 'main.js');
export const benchDir = (): string => path.join(repoRoot(), '.bench');

/** Fails early, with the command to run, when a built file the bench needs is missing. */
export function requireBuilt(file: string): void {
  if (!fs.existsSync(file)) throw new Error(`${path.relative(repoRoot(), file)} is missing: run \`npm run build && npm run build:test\` first.`);
}
