/**
 * `tableau-publish promote --from dev --to prod "Sales / Pipeline"` (or a LUID, `--project P`,
 * `--all`): each item is downloaded from the source environment (streamed to a temp file), planned
 * against the target environment with its rules, and published there only when every item can go.
 * One sign-in per environment for the whole batch. Promoted items are tagged
 * "promoted-from-<source>" (see core/environments/promotion.ts for why a tag).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TableauClient } from '../core/api/client';
import { clientLookup } from '../core/environments/lookup';
import { isLuid } from '../core/models';
import { downloadItem, goesTo, promotedTag, promotionTarget, targetOf, type SourceItem } from '../core/environments/promotion';
import { environmentOf, hostsOf, resolveTarget } from '../core/environments/resolve';
import { TableauError } from '../core/errors';
import { fileTypeOf } from '../core/package/inspect';
import { isGlob, type PublishManifest } from '../core/publish/manifest';
import { projectPaths, splitProjectPath, formatProjectPath } from '../core/publish/projectPath';
import type { CliCommand } from './args';
import type { CliConnection } from './connection';
import { openEnvironment, planFile, printPlan, publishPlanned, refusedPlanExit, withFlags, type Planned } from './envPlan';
import type { CliOutput } from './output';
import { loadCliManifest } from './publishCommand';

type PromoteArgs = Extract<CliCommand, { command: 'promote' }>;

async function sourceItems(args: PromoteArgs, manifest: PublishManifest, client: TableauClient, signal: AbortSignal): Promise<SourceItem[]> {
  const paths = projectPaths(await client.allProjects({ signal }));
  const [workbooks, datasources] = await Promise.all([client.allWorkbooks({ signal }), client.allDataSources({ signal })]);
  const all: SourceItem[] = [
    ...workbooks.map((w) => ({ kind: 'workbook' as const, id: w.id, name: w.name, projectPath: paths.get(w.project?.id ?? '') ?? '' })),
    ...datasources.map((d) => ({ kind: 'datasource' as const, id: d.id, name: d.name, projectPath: paths.get(d.project?.id ?? '') ?? '' })),
  ];
  const samePath = (a: string, b: string): boolean => formatProjectPath(splitProjectPath(a)).toLowerCase() === formatProjectPath(splitProjectPath(b)).toLowerCase();
  const notFound = (what: string): TableauError => new TableauError({ reason: 'notFound', message: `${what} is not on the source environment "${args.from}".` });
  if (args.all) {
    return manifest.targets
      .filter((t) => goesTo(t, args.from) && goesTo(t, args.to))
      .map((t) => {
        const r = resolveTarget(manifest, args.from, t);
        if (!r.name && isGlob(t.file)) throw new TableauError({ reason: 'invalidArgument', message: `The target "${t.file}" is a glob without a "name": promote its items by name.` });
        const name = r.name ?? path.basename(t.file, path.extname(t.file));
        const kind = fileTypeOf(t.file).kind;
        const hit = all.find((x) => x.kind === kind && x.name === name && samePath(x.projectPath, r.projectPath));
        if (!hit) throw notFound(`"${r.projectPath} / ${name}"`);
        return { ...hit, target: t };
      });
  }
  if (args.project !== undefined) {
    const items = all.filter((x) => samePath(x.projectPath, args.project!));
    if (!items.length) throw notFound(`No workbook or data source of project "${args.project}"`);
    return items;
  }
  return args.items.map((ref) => {
    if (isLuid(ref)) {
      const hit = all.find((x) => x.id.toLowerCase() === ref.toLowerCase());
      if (!hit) throw notFound(`The item ${ref}`);
      return hit;
    }
    const levels = splitProjectPath(ref);
    if (levels.length < 2) throw new TableauError({ reason: 'invalidArgument', message: `"${ref}" is not "Project / Name" (or a LUID).` });
    const name = levels[levels.length - 1];
    const project = formatProjectPath(levels.slice(0, -1));
    const hits = all.filter((x) => x.name === name && samePath(x.projectPath, project));
    if (hits.length > 1) throw new TableauError({ reason: 'invalidArgument', message: `"${ref}" names both a workbook and a data source: promote it by LUID.` });
    if (!hits.length) throw notFound(`"${ref}"`);
    return hits[0];
  });
}

export async function runPromote(args: PromoteArgs, out: CliOutput, vars: NodeJS.ProcessEnv, signal: AbortSignal, cwd: string): Promise<number> {
  const { manifest } = await loadCliManifest(args.manifest, cwd);
  if (!manifest) throw new TableauError({ reason: 'invalidArgument', message: 'promote needs a manifest with environments (.vscode/tableau-publish.json, version 2).' });
  const fromEnv = environmentOf(manifest, args.from);
  const toEnv = environmentOf(manifest, args.to);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tableau-promote-'));
  let src: CliConnection | undefined;
  let dst: CliConnection | undefined;
  try {
    src = openEnvironment(args, fromEnv, vars, out.logger);
    dst = openEnvironment(args, toEnv, vars, out.logger);
    const items = await sourceItems(args, manifest, src.client, signal);
    const lookup = clientLookup(dst.client);
    const planned: Planned[] = [];
    for (const item of items) {
      const t = targetOf(manifest, args.from, item);
      const sourceHosts = hostsOf([...(fromEnv.dataConnections ?? []), ...(t ? resolveTarget(manifest, args.from, t).rules : [])]);
      const file = await downloadItem(src.client, item, dir, { includeExtract: args.includeExtract, signal });
      const r = withFlags(promotionTarget(manifest, args.to, fromEnv, item, t), args);
      planned.push({ ...(await planFile(file, r, dst, lookup, vars, { sourceHosts, tags: [promotedTag(args.from)], signal })), event: { promotedFrom: args.from, sourceId: item.id } });
    }
    const ok = printPlan(planned.map((p) => p.item), out, args.json);
    if (!ok) return refusedPlanExit(planned.map((p) => p.item));
    return await publishPlanned(planned, dst, out, vars, signal, { createProjects: toEnv.createProjects ?? false, jobTimeoutMs: args.jobTimeoutMs });
  } finally {
    await Promise.all([src?.close({ cancelled: signal.aborted }), dst?.close({ cancelled: signal.aborted })]);
    rmSync(dir, { recursive: true, force: true });
  }
}
