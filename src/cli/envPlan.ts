/**
 * What `plan --env`, `publish --env` and `promote` share: the environment's connection (its
 * server, site and credential variables), the CLI's password source, planning one file for an
 * environment, printing a plan, and publishing exactly the planned items through the same
 * per-item publish as `publish` without --env (settings, permissions, refresh, checks).
 */
import * as path from 'node:path';
import type { SecretReference } from '../core/connections/rules';
import { environmentVariables } from '../core/environments/resolve';
import { planItem, refusedItem, type PlanItem, type PlanLookup, type SecretSource } from '../core/environments/plan';
import { planLines, planSummary } from '../core/environments/planText';
import { settingsOfOptions, targetSettingsOf } from '../core/environments/planSettings';
import { fileShowsExtract } from '../core/publish/afterPublish';
import type { ResolvedTarget } from '../core/environments/resolve';
import { TableauError } from '../core/errors';
import { globalRedactor, type Logger } from '../core/logger';
import { inspectPackage, type PackageInfo } from '../core/package/inspect';
import type { ManifestEnvironment, ManifestOptions } from '../core/publish/manifest';
import { resolveProjectPath } from '../core/publish/projectPath';
import type { ResolvedSettings, TargetSettings } from '../core/publish/settings';
import { stepsFor, type Steps } from './afterPublishSteps';
import type { CliCommand, CommonArgs } from './args';
import { openConnection, type CliConnection } from './connection';
import { EXIT } from './exitCodes';
import type { CliOutput } from './output';
import { publishItem, reportItemFailure, resolveBeforeUpload } from './publishItem';
import { optionsWithFlags, type OptionFlags } from './publishSettings';

type PublishArgs = Extract<CliCommand, { command: 'publish' }>;

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
  /** The target's options for the environment, command-line flags applied (settings, permissions, steps). */
  options?: ManifestOptions;
  /** More fields of the item's "published" event (promotion's source). */
  event?: Record<string, unknown>;
}

/** The `publish` flags an environment's publish takes too; like without --env, they win over the manifest. */
export type EnvPublishFlags = OptionFlags & Partial<Pick<PublishArgs, 'mode'>>;

/** The resolved target with the flags given on the command line applied over its options and mode. */
export function withFlags(r: ResolvedTarget, f: EnvPublishFlags): ResolvedTarget {
  return { ...r, mode: f.mode ?? r.mode, options: optionsWithFlags(r.options, f) };
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
  return { item, info, options: o };
}

/**
 * The exit code of a publish whose plan cannot go: 8 when the only thing stopping it is
 * failOnImpact (as `publish --fail-on-impact` without --env), 2 otherwise.
 */
export function refusedPlanExit(items: readonly PlanItem[]): number {
  const problems = items.flatMap((i) => i.problems);
  return problems.length && problems.every((p) => p.code === 'impactRefused') ? EXIT.impactRefused : EXIT.usage;
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

/** Steps are in the options once flags are applied (withFlags): none comes from here. */
const NO_FLAGS: Steps = { refresh: false, checkViews: false, failOnImpact: false };

/**
 * Publishes the planned items as planned (same rules, same target), one after another, each
 * through the same publish as `publish` without --env. Every item's settings are resolved before
 * the first upload: an unknown owner, group or view publishes nothing. Returns the exit code.
 */
export async function publishPlanned(
  planned: readonly Planned[],
  conn: CliConnection,
  out: CliOutput,
  vars: NodeJS.ProcessEnv,
  signal: AbortSignal,
  opts: { createProjects: boolean; chunkSizeMb?: number; jobTimeoutMs?: number },
): Promise<number> {
  const ready: { p: Planned; info: PackageInfo; o: ManifestOptions; steps: Steps; settings: TargetSettings; resolved: ResolvedSettings }[] = [];
  for (const p of planned) {
    const { item } = p;
    try {
      // Only items that can go are published, and each of those was read for its plan.
      if (!p.info) throw new TableauError({ reason: 'invalidFile', message: `${item.file} was not read for the plan.` });
      const o = p.options ?? {};
      const steps = stepsFor(NO_FLAGS, o, p.info, path.basename(item.file), out);
      // The plan's tags (with promotion's mark) are the ones the item gets.
      const settings: TargetSettings = { ...settingsOfOptions(o), tags: item.tags };
      const resolved = await resolveBeforeUpload(conn.client, p.info, settings, item.hiddenViews, signal);
      ready.push({ p, info: p.info, o, steps, settings, resolved });
    } catch (e) {
      return reportItemFailure(out, item.file, e);
    }
  }
  const secrets = cliSecrets(vars);
  const codes: number[] = [];
  for (const { p, info, o, steps, settings, resolved } of ready) {
    const { item } = p;
    if (signal.aborted) break;
    try {
      const passwords = new Map<number, string>();
      item.rules.forEach((rule, i) => {
        const pw = rule.credentials ? secrets.password(rule.credentials.password) : undefined;
        if (pw !== undefined) {
          globalRedactor.addSecret(pw);
          passwords.set(i, pw);
        }
      });
      const project = await resolveProjectPath(conn.client, item.target.project, { create: opts.createProjects, signal });
      const code = await publishItem(
        conn,
        out,
        {
          file: item.file,
          info,
          project: item.target.project,
          projectId: project.id,
          name: item.target.name,
          mode: item.mode,
          request: {
            asJob: o.asJob,
            skipConnectionCheck: info.kind === 'workbook' ? o.skipConnectionCheck : undefined,
            showTabs: item.showTabs,
            hiddenViews: item.hiddenViews,
            description: item.description,
            dataConnectionRules: item.rules.length ? item.rules : undefined,
            dataConnectionPasswords: passwords.size ? passwords : undefined,
          },
          settings,
          steps,
          resolved,
          credentialHosts: item.credentials.map((c) => c.host),
          environment: item.environment,
          event: p.event,
        },
        { signal, chunkSizeMb: opts.chunkSizeMb, jobTimeoutMs: opts.jobTimeoutMs, onProgress: (x) => out.progress(path.basename(item.file), x.bytesSent, x.totalBytes, x.phase === 'job' ? `job ${x.jobProgress ?? 0}%` : x.phase) },
      );
      if (code) codes.push(code);
    } catch (e) {
      codes.push(reportItemFailure(out, item.file, e));
    }
  }
  out.clearBar();
  if (signal.aborted) return EXIT.cancelled;
  return codes.length ? codes[0] : EXIT.ok;
}
