/**
 * A manifest target planned for an environment in VS Code: the environment's saved connection
 * and site, the same core plan as the CLI's, passwords from SecretStorage (asked once per secret
 * id), and the confirmation before overwriting in an environment that asks for it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SecretReference } from '../../core/connections/rules';
import { needsConfirm } from '../../core/environments/definitions';
import { clientLookup } from '../../core/environments/lookup';
import { planItem, type PlanItem, type SecretSource } from '../../core/environments/plan';
import { planLines } from '../../core/environments/planText';
import { targetSettingsOf } from '../../core/environments/planSettings';
import { fileShowsExtract } from '../../core/publish/afterPublish';
import { resolveTarget } from '../../core/environments/resolve';
import { cancelled, TableauError } from '../../core/errors';
import { globalRedactor } from '../../core/logger';
import { inspectPackage } from '../../core/package/inspect';
import { loadManifest, type ManifestOptions, type PublishManifest } from '../../core/publish/manifest';
import { defaultName } from '../../core/publish/publisher';
import { resolveProjectPath, splitProjectPath } from '../../core/publish/projectPath';
import type { ConnectionProfile } from '../connections/connectionManager';
import type { FolderTarget } from '../publish/manifestStore';
import { settingsFromManifest } from '../publish/targetSettings';
import type { PublishPlan } from '../publish/publishRunner';
import type { Services } from '../services/services';

/** SecretStorage keys of data connection passwords (not a connection's own secret: another prefix). */
export function dataConnectionSecretKey(id: string): string {
  return `tableau.dataConnectionSecret.${id}`;
}

export const vscodeSecrets: SecretSource = {
  describe: (ref) => (ref.secret ? `VS Code secret "${ref.secret}"` : `environment variable ${ref.env} (CLI only)`),
  // Asked at publish when not stored yet: only a rule without a VS Code secret id cannot go from here.
  missing: (ref) => (ref.secret ? undefined : 'the rule names no VS Code secret ("secret"), only an environment variable for the CLI'),
};

/** The environment a target publishes to here: with no connection of its own, the active one (else the one it last went to); with one, the active one when the target lists it. */
export async function environmentFor(services: Services, t: FolderTarget, interactive: boolean): Promise<string | undefined> {
  const active = services.environments.active();
  if (t.target.connection !== undefined) return active && t.target.environments?.[active] ? active : undefined;
  if (active) return active;
  // None active: the environment it was last published to (Publish… through an environment records it).
  if (t.target.environment) return t.target.environment;
  const names = Object.keys(t.target.environments ?? {});
  if (!interactive || !names.length) throw new TableauError({ reason: 'invalidArgument', message: `"${t.target.file}" publishes through environments: choose one in the status bar first.` });
  const picked = await services.ui.pick('environment.forTarget', names.map((n) => ({ id: n, label: n })), { placeHolder: vscode.l10n.t('Publish to which environment?') });
  if (!picked?.id) throw cancelled();
  await services.environments.setActive(picked.id);
  return picked.id;
}

export interface EnvironmentPlan {
  item: PlanItem;
  profile: ConnectionProfile;
  manifest: PublishManifest;
  /** The target's options for the environment: settings, permissions and after-publish steps go with the publish. */
  options: ManifestOptions;
}

/** Plans one file of a manifest target for an environment (nothing is sent but lookups). */
export async function planForEnvironment(services: Services, t: FolderTarget, file: string, environment: string, signal?: AbortSignal): Promise<EnvironmentPlan> {
  const manifest = await loadManifest(t.manifestPath, { workspaceRoot: t.folder.uri.fsPath });
  if (!manifest) throw new TableauError({ reason: 'notFound', message: `${t.manifestPath} is gone.` });
  const r = resolveTarget(manifest, environment, t.target);
  const label = r.env.connection;
  const profile = label ? services.connections.findByLabel(label) : undefined;
  if (!profile) {
    throw new TableauError({ reason: 'notFound', message: label ? `Environment "${environment}" uses the connection "${label}", which is not one of your Tableau connections.` : `Environment "${environment}" names no "connection" for VS Code.` });
  }
  const client = await services.connections.getClient(profile.id, { siteContentUrl: r.env.site, purpose: 'publish', signal });
  const info = await inspectPackage(file);
  const o = r.options;
  const item = await planItem(
    {
      file, kind: info.kind, dataConnections: info.dataConnections, environment, server: profile.serverUrl, site: r.env.site, projectPath: r.projectPath,
      name: r.name ?? defaultName(file), mode: r.mode, createProjects: r.env.createProjects ?? false, tags: o.tags, description: o.description,
      hiddenViews: o.hiddenViews, showTabs: o.showTabs, rules: r.rules, sharedRules: r.sharedRules, secrets: vscodeSecrets,
      // The extension's publish refreshes after the upload; it does not render views (that is the CLI's --check-views).
      settings: targetSettingsOf(o), afterPublish: { refresh: o.refresh, failOnImpact: o.failOnImpact }, hasExtract: fileShowsExtract(info),
    },
    clientLookup(client),
    signal,
  );
  return { item, profile, manifest, options: o };
}

async function passwordOf(services: Services, ref: SecretReference, username: string, interactive: boolean): Promise<string> {
  const key = dataConnectionSecretKey(ref.secret!);
  let pw = await services.context.secrets.get(key);
  if (pw === undefined) {
    if (!interactive) throw new TableauError({ reason: 'signInFailed', message: `The password "${ref.secret}" is not stored yet: publish once from the editor to enter it.` });
    pw = await services.ui.input('publish.environmentSecret', { password: true, prompt: vscode.l10n.t('Password of {0} (kept in VS Code\'s secret storage as "{1}")', username, ref.secret!) });
    if (!pw) throw cancelled();
    await services.context.secrets.store(key, pw);
  }
  globalRedactor.addSecret(pw);
  return pw;
}

/**
 * Whether the plan is shown, to be confirmed, before an item of this environment is overwritten:
 * the environment asks (a prod name, or `confirm`), or the workspace is not trusted.
 */
export function confirmsOverwrite(environment: string, env: Parameters<typeof needsConfirm>[1]): boolean {
  return needsConfirm(environment, env) || !vscode.workspace.isTrusted;
}

/** Turns a plan that can go into a publish plan: asks before overwriting where the environment says so, gets the passwords. */
export async function publishPlanFor(services: Services, ep: EnvironmentPlan, interactive: boolean, signal?: AbortSignal, opts: { confirmed?: boolean } = {}): Promise<PublishPlan> {
  const { item, profile, manifest, options } = ep;
  if (item.problems.length) {
    throw new TableauError({ reason: 'invalidArgument', message: `${path.basename(item.file)} cannot go to "${item.environment}": ${item.problems.map((p) => p.message).join(' ')}` });
  }
  const env = manifest.environments![item.environment];
  // An untrusted workspace's manifest chose this place: the user sees the plan first, as for any manifest target there.
  const asks = item.exists ? confirmsOverwrite(item.environment, env) : !vscode.workspace.isTrusted;
  if (!opts.confirmed && asks) {
    if (!interactive) throw new TableauError({ reason: 'forbidden', message: `Environment "${item.environment}" asks before overwriting: publish ${path.basename(item.file)} from the editor.` });
    const ok = await services.ui.confirm(
      'publish.environmentPlan',
      vscode.l10n.t('Overwrite "{0}" in {1} ({2})?', item.target.name, item.environment, item.target.project),
      vscode.l10n.t('Publish'),
      { modal: true, detail: planLines(item).join('\n') },
    );
    if (!ok) throw cancelled();
  }
  const passwords = new Map<number, string>();
  for (const [i, rule] of item.rules.entries()) if (rule.credentials) passwords.set(i, await passwordOf(services, rule.credentials.password, rule.credentials.username, interactive));
  const client = await services.connections.getClient(profile.id, { siteContentUrl: item.target.site, purpose: 'publish', signal });
  const project = await resolveProjectPath(client, item.target.project, { create: env.createProjects ?? false, signal });
  const info = await inspectPackage(item.file);
  return {
    info,
    target: { profile, siteContentUrl: item.target.site, projectId: project.id, projectPath: splitProjectPath(item.target.project) },
    request: {
      filePath: item.file, name: item.target.name, projectId: project.id, mode: item.mode, showTabs: item.showTabs, hiddenViews: item.hiddenViews,
      description: item.description, tags: item.tags,
      // What Publish… chose (or the manifest says) for the request itself, as for a target without environments.
      skipConnectionCheck: info.kind === 'workbook' ? options.skipConnectionCheck : undefined, asJob: options.asJob,
      dataConnectionRules: item.rules.length ? item.rules : undefined,
      dataConnectionPasswords: passwords.size ? passwords : undefined,
    },
    settings: settingsFromManifest(options),
    refresh: options.refresh,
  };
}
