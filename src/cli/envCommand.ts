/**
 * `tableau-publish plan --env NAME [files...]`, `tableau-publish publish --env NAME [files...]`:
 * the manifest's targets resolved for one environment, planned against its site, and, for
 * `publish`, published exactly as planned, only when every item can go.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { clientLookup } from '../core/environments/lookup';
import { refusedItem } from '../core/environments/plan';
import { environmentOf, resolveTarget } from '../core/environments/resolve';
import { TableauError } from '../core/errors';
import { findTargets, isGlob, matchesGlob, type ManifestTarget, type PublishManifest } from '../core/publish/manifest';
import { assertInsideWorkspace } from '../core/publish/workspacePath';
import type { CommonArgs } from './args';
import type { CliConnection } from './connection';
import { openEnvironment, planFile, printPlan, publishPlanned, refusedPlanExit, withFlags, type EnvPublishFlags, type Planned } from './envPlan';
import { EXIT } from './exitCodes';
import type { CliOutput } from './output';
import { loadCliManifest } from './publishCommand';

export interface EnvPublishArgs extends CommonArgs, EnvPublishFlags {
  env: string;
  files: string[];
  manifest?: string;
  name?: string;
  chunkSizeMb?: number;
  jobTimeoutMs?: number;
}

/** Files walked to expand a manifest glob; a workspace larger than this is named in the error. */
const MAX_WALK = 100_000;
const SKIP_DIRS = new Set(['node_modules', '.git']);

/** Workspace-relative files (forward slashes) that a glob target matches, sorted. */
function expandGlob(root: string, glob: string): string[] {
  const out: string[] = [];
  let seen = 0;
  const walk = (dir: string, rel: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (++seen > MAX_WALK) throw new TableauError({ reason: 'responseTooLarge', message: `More than ${MAX_WALK} files under ${root}: name the files to publish.` });
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory() && !SKIP_DIRS.has(d.name)) walk(path.join(dir, d.name), r);
      else if (d.isFile() && matchesGlob(glob, r)) out.push(r);
    }
  };
  walk(root, '');
  return out.sort();
}

/** A target goes to an environment when it names it, or when it has no connection of its own. */
function forEnvironment(t: ManifestTarget, env: string): boolean {
  return t.environments?.[env] !== undefined || t.connection === undefined;
}

/** (file, target) pairs: the files given, or every file of every target the environment takes. */
function pairsOf(manifest: PublishManifest, root: string, env: string, files: string[], cwd: string): { file: string; target?: ManifestTarget }[] {
  if (files.length) {
    return files.map((f) => {
      const file = path.resolve(cwd, f);
      return { file, target: findTargets(manifest, path.relative(root, file)).find((t) => forEnvironment(t, env)) };
    });
  }
  return manifest.targets
    .filter((t) => forEnvironment(t, env))
    .flatMap((target) => (isGlob(target.file) ? expandGlob(root, target.file) : [target.file]).map((rel) => ({ file: path.join(root, ...rel.split('/')), target })));
}

export async function runEnvPublish(args: EnvPublishArgs, publishNow: boolean, out: CliOutput, vars: NodeJS.ProcessEnv, signal: AbortSignal, cwd: string): Promise<number> {
  const { manifest, root } = await loadCliManifest(args.manifest, cwd);
  if (!manifest) throw new TableauError({ reason: 'invalidArgument', message: '--env needs a manifest with environments (.vscode/tableau-publish.json, version 2).' });
  const env = environmentOf(manifest, args.env);
  const pairs = pairsOf(manifest, root, args.env, args.files, cwd);
  if (!pairs.length) throw new TableauError({ reason: 'invalidArgument', message: `No manifest target goes to environment "${args.env}".` });
  if (args.name !== undefined && pairs.length > 1) throw new TableauError({ reason: 'invalidArgument', message: '--name can only be used with one file.' });
  let conn: CliConnection | undefined;
  try {
    conn = openEnvironment(args, env, vars, out.logger);
    const lookup = clientLookup(conn.client);
    const planned: Planned[] = [];
    for (const { file, target } of pairs) {
      if (!target) {
        planned.push({ item: refusedItem(file, args.env, 'invalidFile', `No manifest target covers ${path.relative(root, file)} for environment "${args.env}".`) });
        continue;
      }
      // A file a manifest target picked must really be in the workspace, not linked out of it.
      await assertInsideWorkspace(root, file);
      const r = withFlags(resolveTarget(manifest, args.env, target), args);
      planned.push(await planFile(file, { ...r, name: args.name ?? r.name }, conn, lookup, vars, { signal }));
    }
    const ok = printPlan(planned.map((p) => p.item), out, args.json);
    if (!ok) return publishNow ? refusedPlanExit(planned.map((p) => p.item)) : EXIT.usage;
    if (!publishNow) return EXIT.ok;
    return await publishPlanned(planned, conn, out, vars, signal, { createProjects: env.createProjects ?? false, chunkSizeMb: args.chunkSizeMb, jobTimeoutMs: args.jobTimeoutMs });
  } finally {
    await conn?.close({ cancelled: signal.aborted });
  }
}
