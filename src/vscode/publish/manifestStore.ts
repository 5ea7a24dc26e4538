import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  MANIFEST_PATH,
  type ManifestTarget,
  type PublishManifest,
  findTargets,
  isGlob,
  loadManifest,
  saveManifest,
  upsertTarget,
} from '../../core/publish/manifest';
import { TableauError } from '../../core/errors';
import { formatProjectPath } from '../../core/publish/projectPath';
import { defaultName } from '../../core/publish/publisher';
import { relativePathProblem } from '../../core/publish/workspacePath';
import type { Services } from '../services/services';
import type { PublishPlan } from './publishRunner';

/** A manifest target with the workspace folder its relative paths start from. */
export interface FolderTarget {
  folder: vscode.WorkspaceFolder;
  manifestPath: string;
  target: ManifestTarget;
}

export function manifestPathOf(folder: vscode.WorkspaceFolder): string {
  return path.join(folder.uri.fsPath, ...MANIFEST_PATH.split('/'));
}

/** The workspace folder holding `filePath` and the file's path relative to it (forward slashes). */
export function locate(filePath: string): { folder: vscode.WorkspaceFolder; relative: string } | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(filePath));
  if (!folder || folder.uri.scheme !== 'file') return undefined;
  return { folder, relative: path.relative(folder.uri.fsPath, filePath).split(path.sep).join('/') };
}

/** The remembered targets of one file (exact entries first, then globs). */
export async function targetsFor(filePath: string): Promise<FolderTarget[]> {
  const where = locate(filePath);
  if (!where) return [];
  const manifestPath = manifestPathOf(where.folder);
  const manifest = await loadManifest(manifestPath, { workspaceRoot: where.folder.uri.fsPath });
  if (!manifest) return [];
  return findTargets(manifest, where.relative).map((target) => ({ folder: where.folder, manifestPath, target }));
}

export async function findEntry(filePath: string): Promise<FolderTarget | undefined> {
  try {
    return (await targetsFor(filePath))[0];
  } catch {
    // A broken manifest must not break the publish report; publishAgain shows the error.
    return undefined;
  }
}

/** Every target of every workspace folder's manifest. */
export async function allTargets(): Promise<FolderTarget[]> {
  const out: FolderTarget[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const manifestPath = manifestPathOf(folder);
    const manifest = await loadManifest(manifestPath, { workspaceRoot: folder.uri.fsPath });
    for (const target of manifest?.targets ?? []) out.push({ folder, manifestPath, target });
  }
  return out;
}

/**
 * Files a target names: itself, or every match of its glob. A target from tasks.json is not
 * validated like the manifest, so its path is checked here too; symlinks are checked when the
 * file is planned (planFromTarget).
 */
export async function filesOf(t: FolderTarget): Promise<string[]> {
  const problem = relativePathProblem(t.target.file);
  if (problem) throw new TableauError({ reason: 'invalidArgument', message: `"${t.target.file}" ${problem}` });
  if (!isGlob(t.target.file)) return [path.join(t.folder.uri.fsPath, ...t.target.file.split('/'))];
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(t.folder, t.target.file), '**/node_modules/**', 1000);
  // Kept only when the manifest's own matcher agrees (what Publish Again and the CLI would also match), whatever VS Code's glob allows.
  const manifest: PublishManifest = { version: 1, targets: [t.target] };
  return found
    .map((u) => u.fsPath)
    .filter((f) => findTargets(manifest, path.relative(t.folder.uri.fsPath, f).split(path.sep).join('/')).length > 0)
    .sort();
}

/**
 * Writes a successful publish's target into the workspace manifest (no secrets: the
 * connection is named by its label). A file first published as "create new" is
 * remembered as "overwrite": that is what publishing it again means.
 */
export async function rememberInManifest(services: Services, plan: PublishPlan): Promise<string | undefined> {
  const where = locate(plan.info.path);
  if (!where) {
    await services.ui.notify('info', vscode.l10n.t('Only files inside a workspace folder can be remembered.'));
    return undefined;
  }
  const manifestPath = manifestPathOf(where.folder);
  if (plan.remember) {
    // Through the active environment: the target as planned (project under the root, the environment recorded).
    const current = await loadManifest(manifestPath, { workspaceRoot: where.folder.uri.fsPath });
    if (!current) return undefined;
    await saveManifest(manifestPath, upsertTarget(current, plan.remember));
    services.logger.info(`Remembered ${where.relative} -> environment ${plan.remember.environment} / ${plan.remember.project} in ${MANIFEST_PATH}.`);
    return manifestPath;
  }
  const { request, target } = plan;
  const options: ManifestTarget['options'] = {};
  if (request.showTabs !== undefined) options.showTabs = request.showTabs;
  if (request.skipConnectionCheck) options.skipConnectionCheck = true;
  if (request.asJob) options.asJob = true;
  if (request.description) options.description = request.description;
  if (request.tags?.length) options.tags = [...request.tags];
  // More settings…: written as the manifest writes them, so Publish Again applies them the same way.
  const { owner, thumbnailsUser, thumbnailsGroup, permissions } = plan.settings ?? {};
  if (owner) options.owner = owner;
  if (thumbnailsUser) options.thumbnailsUser = thumbnailsUser;
  if (thumbnailsGroup) options.thumbnailsGroup = thumbnailsGroup;
  if (permissions?.length) options.permissions = permissions.map((r) => ({ ...r }));
  const entry: ManifestTarget = {
    file: where.relative,
    connection: target.profile.label,
    site: target.siteContentUrl,
    project: formatProjectPath(target.projectPath),
    mode: request.mode === 'createnew' ? 'overwrite' : request.mode,
  };
  if (request.name && request.name !== defaultName(plan.info.path)) entry.name = request.name;
  if (Object.keys(options).length) entry.options = options;
  const current: PublishManifest = (await loadManifest(manifestPath, { workspaceRoot: where.folder.uri.fsPath })) ??  { version: 1, targets: [] };
  // Remembered with the active environment when the manifest has it: Publish Again goes there too.
  const environment = services.environments.active();
  if (environment && current.environments?.[environment]) entry.environment = environment;
  await saveManifest(manifestPath, upsertTarget(current, entry));
  services.logger.info(`Remembered ${where.relative} -> ${entry.connection} / ${entry.project} in ${MANIFEST_PATH}.`);
  return manifestPath;
}
