/**
 * What `plan --env`, `publish --env` and `promote` share: the environment's connection (its
 * server, site and credential variables), the CLI's password source, planning one file for an
 * environment, printing a plan, and publishing exactly the planned items.
 */
import * as path from 'node:path';
import type { SecretReference } from '../core/connections/rules';
import type { ManifestEnvironment } from '../core/publish/manifest';
import { environmentVariables } from '../core/environments/resolve';
import { planItem, refusedItem, type PlanItem, type PlanLookup, type SecretSource } from '../core/environments/plan';
import { planLines, planSummary } from '../core/environments/planText';
import { targetSettingsOf } from '../core/environments/planSettings';
import { fileShowsExtract } from '../core/publish/afterPublish';
import type { ResolvedTarget } from '../core/environments/resolve';
import { TableauError } from '../core/errors';
import { globalRedactor, type Logger } from '../core/logger';
import { inspectPackage, type PackageInfo } from '../core/package/inspect';
import { publish } from '../core/publish/publisher';
import { resolveProjectPath } from '../core/publish/projectPath';
import type { CommonArgs } from './args';
import { openConnection, type CliConnection } from './connection';
import { line, type CliOutput } from './output';
import { formatBytes } from '../core/display';

/** Signs in to an environment: its server (or `<envPrefix>SERVER`), its site, its credential variables. */
export function openEnvironment(common: CommonArgs, env: ManifestEnvironment, vars: NodeJS.ProcessEnv, logger: Logger): CliConnection {
  const e = environmentVariables(env, vars);
  return openConnection({ ...common, command: 'publish', server: env.server, site: env.site }, e, logger);
}

/** Passwords for the CLI come from the environment variables the rules name ("env"). */
export function cliSecrets(vars: NodeJS.ProcessEnv): SecretSource & { password(ref: SecretReference): string | undefined } {
  const password = (ref: SecretReference): string | undefined => (ref.env && vars[ref.env] ? vars[ref.env] : undefined);
  return {
    password,
    describe: (ref) => (ref.env ? `environment variable ${ref.env}` : `VS Code secret "${ref.secret}"`),
    missing: (ref) => {
      if (!ref.env) return 'the rule names no environment variable ("env") for the CLI';
      return password(ref) === undefined ? `environment variable ${ref.env} is not set` : undefined;
    },
  };
}

export interface Planned {
  item: PlanItem;
  info?: PackageInfo;
}

/** Plans one file for a resolved target; a file that cannot be read is a refused item, not a crash. */
export async function planFile(
  file: string,
  r: ResolvedTarget,
  conn: CliConnection,
  lookup: PlanLookup,
  vars: NodeJS.ProcessEnv,
  extra: { sourceHosts?: string[]; tags?: string[]; signal: AbortSignal },
): Promise<Planned> {
  let info: PackageInfo;
  try {
    info = await inspectPackage(file);
  } catch (e) {
    if (!TableauError.is(e)) throw e;
    return { item: refusedItem(file, r.environment, 'invalidFile', e.message) };
  }
  const o = r.options;
  const tags = extra.tags ? [...new Set([...(o.tags ?? []), ...extra.tags])] : o.tags;
  const item = await planItem(
    {
      file,
      kind: info.kind,
      dataConnections: info.dataConnections,
      environment: r.environment,
      server: conn.serverUrl,
      site: conn.site,
      projectPath: r.projectPath,
      name: r.name ?? path.basename(file, path.extname(file)),
      mode: r.mode,
      createProjects: r.env.createProjects ?? false,
      tags,
      description: o.description,
      hiddenViews: o.hiddenViews,
      showTabs: o.showTabs,
      settings: targetSettingsOf({ ...o, tags }),
      afterPublish: { refresh: o.refresh, checkViews: o.checkViews, failOnImpact: o.failOnImpact },
      hasExtract: fileShowsExtract(info),
      rules: r.rules,
      sharedRules: r.sharedRules,
      secrets: cliSecrets(vars),
      sourceHosts: extra.sourceHosts,
    },
    lookup,
    extra.signal,
  );
  return { item, info };
}

/** Prints the plan: lines for people, one JSON object per item with --json. Returns true when all can go. */
export function printPlan(items: readonly PlanItem[], out: CliOutput, json: boolean): boolean {
  for (const item of items) {
    if (json) out.result('', { event: 'plan', ...item });
    else for (const l of planLines(item)) out.result(l, {});
  }
  const ok = items.every((i) => i.problems.length === 0);
  if (json) out.result('', { event: 'planSummary', ok, items: items.length, refused: items.filter((i) => i.problems.length).length });
  else out.result(planSummary(items), {});
  return ok;
}

/** Publishes the planned items as planned (same rules, same target), one after another. */
export async function publishPlanned(planned: readonly Planned[], conn: CliConnection, out: CliOutput, vars: NodeJS.ProcessEnv, signal: AbortSignal, opts: { createProjects: boolean; event?: Record<string, unknown> }): Promise<void> {
  const secrets = cliSecrets(vars);
  for (const { item, info } of planned) {
    const passwords = new Map<number, string>();
    item.rules.forEach((rule, i) => {
      const pw = rule.credentials ? secrets.password(rule.credentials.password) : undefined;
      if (pw !== undefined) {
        globalRedactor.addSecret(pw);
        passwords.set(i, pw);
      }
    });
    const project = await resolveProjectPath(conn.client, item.target.project, { create: opts.createProjects, signal });
    const r = await publish(
      conn.client,
      {
        filePath: item.file,
        name: item.target.name,
        projectId: project.id,
        mode: item.mode,
        showTabs: item.showTabs,
        hiddenViews: item.hiddenViews,
        description: item.description,
        tags: item.tags,
        dataConnectionRules: item.rules.length ? item.rules : undefined,
        dataConnectionPasswords: passwords.size ? passwords : undefined,
      },
      { inspection: info, signal, logger: out.logger },
    );
    const published = r.mismatch ? undefined : r.item;
    out.result(
      line`Published ${item.kind === 'workbook' ? 'workbook' : 'data source'} "${item.target.name}" to [${item.environment}] "${item.target.project}" (${formatBytes(r.bytes) ?? '?'}): ${published?.webpageUrl ?? published?.id ?? '?'}`,
      {
        event: 'published', ...opts.event, environment: item.environment, server: conn.serverUrl, site: conn.site, file: item.file, kind: r.kind,
        id: published?.id, name: published?.name, project: item.target.project, projectId: project.id, mode: item.mode, bytes: r.bytes, tags: r.tags, connectionChanges: r.connectionChanges, warnings: r.warnings,
      },
    );
  }
}
