/**
 * "Publish…" with an active environment: the picker asks only what a person chooses (project under
 * the environment's root, name, mode, options, more settings); where it goes and how its data
 * connections change come from the environment, through the same plan and confirmation as the
 * environment's Publish Again (planForEnvironment / publishPlanFor).
 */
import type * as vscode from 'vscode';
import { TableauError } from '../../core/errors';
import { loadManifest, type ManifestOptions, type ManifestTarget, type PublishManifest } from '../../core/publish/manifest';
import { relativeToRoot } from '../../core/environments/resolve';
import { formatProjectPath } from '../../core/publish/projectPath';
import { defaultName } from '../../core/publish/publisher';
import type { PackageInfo } from '../../core/package/inspect';
import type { ConnectionProfile } from '../connections/connectionManager';
import { locate, manifestPathOf, type FolderTarget } from '../publish/manifestStore';
import type { PublishChoices } from '../publish/publishOptions';
import type { PublishPlan } from '../publish/publishRunner';
import type { PublishPreset } from '../publish/target';
import type { Services } from '../services/services';
import { planForEnvironment, publishPlanFor } from './environmentPlan';

/** Where an environment publishes from this workspace folder. */
export interface ActiveEnvironment {
  name: string;
  folder: vscode.WorkspaceFolder;
  manifestPath: string;
  manifest: PublishManifest;
  /** The environment's saved connection and site: the picker's preset (it asks for the project only). */
  preset: PublishPreset;
  projectRoot?: string;
}

/**
 * The active environment for these files, when one is active and their workspace folder's manifest
 * defines it; undefined otherwise (Publish… then asks for the connection, as without environments).
 * Files of several folders, or some inside the environment's workspace and some not, are refused:
 * they would go to different places from one pick.
 */
export async function activeEnvironmentFor(services: Services, files: readonly string[]): Promise<ActiveEnvironment | undefined> {
  const name = services.environments.active();
  if (!name || !files.length) return undefined;
  const found = new Map<string, ActiveEnvironment | undefined>();
  for (const f of files) {
    const where = locate(f);
    const key = where?.folder.uri.toString() ?? '';
    if (!found.has(key)) found.set(key, where ? await environmentOfFolder(services, name, where.folder) : undefined);
  }
  const envs = [...found.values()];
  if (envs.every((e) => !e)) return undefined;
  if (envs.length > 1) {
    throw new TableauError({ reason: 'invalidArgument', message: `The environment "${name}" is active: publish the files of each workspace folder on their own (they are in ${envs.length} folders, not all with this environment).` });
  }
  return envs[0];
}

async function environmentOfFolder(services: Services, name: string, folder: vscode.WorkspaceFolder): Promise<ActiveEnvironment | undefined> {
  const manifestPath = manifestPathOf(folder);
  const manifest = await loadManifest(manifestPath, { workspaceRoot: folder.uri.fsPath });
  const env = manifest?.environments?.[name];
  if (!manifest || !env) return undefined;
  const profile: ConnectionProfile | undefined = env.connection ? services.connections.findByLabel(env.connection) : undefined;
  if (!profile) {
    throw new TableauError({
      reason: 'notFound',
      message: env.connection
        ? `The active environment "${name}" uses the connection "${env.connection}", which is not one of your Tableau connections. Add it, or switch the environment in the status bar.`
        : `The active environment "${name}" names no "connection" for VS Code. Add one to it in ${manifestPath}, or switch the environment in the status bar.`,
    });
  }
  return { name, folder, manifestPath, manifest, preset: { profile, siteContentUrl: env.site, projectRoot: env.projectRoot }, projectRoot: env.projectRoot };
}

/** The chosen project as the manifest writes it: relative to the environment's project root. */
export function projectUnderRoot(env: ActiveEnvironment, projectPath: string[]): string {
  const full = formatProjectPath(projectPath);
  const rel = relativeToRoot(env.projectRoot, full);
  if (rel === undefined) {
    throw new TableauError({ reason: 'invalidArgument', message: `The environment "${env.name}" publishes inside the project "${env.projectRoot}": choose a project in it (not "${full}").` });
  }
  return rel;
}

/** The options a person chose, as a manifest target writes them. */
export function optionsOfChoices(choices: PublishChoices): ManifestOptions {
  const o: ManifestOptions = {
    showTabs: choices.showTabs,
    skipConnectionCheck: choices.skipConnectionCheck,
    asJob: choices.asJob,
    description: choices.description,
    tags: choices.tags,
    ...choices.settings,
  };
  for (const k of Object.keys(o) as (keyof ManifestOptions)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * The file's target through the environment: the manifest's own target for it (its rules and
 * overrides for other environments stay) with the project, name, mode and options just chosen,
 * which win over what the manifest says for this environment.
 */
export function targetForChoices(env: ActiveEnvironment, info: PackageInfo, relativeFile: string, project: string, choices: PublishChoices): ManifestTarget {
  const base = env.manifest.targets.find((t) => t.file === relativeFile && t.connection === undefined);
  const chosen = optionsOfChoices(choices);
  const override = { ...base?.environments?.[env.name] };
  delete override.project;
  delete override.name;
  delete override.mode;
  if (override.options) {
    const rest = { ...override.options };
    for (const k of Object.keys(chosen) as (keyof ManifestOptions)[]) delete rest[k];
    override.options = Object.keys(rest).length ? rest : undefined;
    if (!override.options) delete override.options;
  }
  const target: ManifestTarget = {
    ...base,
    file: relativeFile,
    project,
    mode: choices.mode === 'createnew' ? 'overwrite' : choices.mode,
    environments: { ...base?.environments, [env.name]: override },
    environment: env.name,
  };
  delete target.connection;
  delete target.site;
  if (choices.name !== defaultName(info.path)) target.name = choices.name;
  else delete target.name;
  const options = { ...base?.options, ...chosen };
  if (Object.keys(options).length) target.options = options;
  else delete target.options;
  return target;
}

/**
 * One file planned for the active environment: the same plan, confirmation, passwords and settings
 * as the environment's Publish Again. The mode chosen now is the one sent ("create new" fails on an
 * item that exists); the remembered target says "overwrite", as without environments.
 */
export async function planChosenForEnvironment(services: Services, env: ActiveEnvironment, info: PackageInfo, projectPath: string[], choices: PublishChoices): Promise<PublishPlan> {
  const where = locate(info.path);
  if (!where || where.folder.uri.toString() !== env.folder.uri.toString()) {
    throw new TableauError({ reason: 'invalidArgument', message: `${info.path} is not in the workspace folder of the environment "${env.name}".` });
  }
  const target = targetForChoices(env, info, where.relative, projectUnderRoot(env, projectPath), choices);
  const sent: ManifestTarget = { ...target, mode: choices.mode };
  const t: FolderTarget = { folder: env.folder, manifestPath: env.manifestPath, target: sent };
  const plan = await publishPlanFor(services, await planForEnvironment(services, t, info.path, env.name), true);
  return { ...plan, remember: target };
}
