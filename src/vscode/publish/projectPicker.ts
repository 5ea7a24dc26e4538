import * as vscode from 'vscode';
import type { Project } from '../../core/models';
import type { Services } from '../services/services';
import { PROJECT_PATH_SEPARATOR } from '../../core/display';
import type { PromptId } from '../services/ui';
import type { ProjectEntry, ProjectHierarchy } from '../tree/projectHierarchy';

export type ProjectChoice = { kind: 'project'; entry: ProjectEntry } | { kind: 'topLevel' } | { kind: 'create' };

interface Item extends vscode.QuickPickItem {
  choice: ProjectChoice;
  /** The project path joined with '/', or 'topLevel' / 'create'. */
  id: string;
}

/**
 * Quick pick of nested project paths ("Finance / Monthly"), the last choice first.
 * `allowCreate` adds "Create project…", `allowTopLevel` adds "(top level)" (a parent for a new project).
 */
export async function pickProject(
  services: Services,
  hierarchy: ProjectHierarchy,
  opts: { prompt: PromptId; placeHolder: string; lastProjectId?: string; allowCreate?: boolean; allowTopLevel?: boolean; only?: (e: ProjectEntry) => boolean },
): Promise<ProjectChoice | undefined> {
  const entries = opts.only ? hierarchy.all().filter(opts.only) : hierarchy.all();
  const last = opts.lastProjectId ? entries.find((e) => e.project.id === opts.lastProjectId) : undefined;
  const items: Item[] = [];
  if (last) items.push({ label: last.path.join(PROJECT_PATH_SEPARATOR), description: vscode.l10n.t('last used'), choice: { kind: 'project', entry: last }, id: last.path.join('/') });
  if (opts.allowTopLevel) items.push({ label: vscode.l10n.t('(top level)'), description: vscode.l10n.t('no parent project'), choice: { kind: 'topLevel' }, id: 'topLevel' });
  for (const e of entries) {
    if (e === last) continue;
    items.push({ label: e.path.join(PROJECT_PATH_SEPARATOR), description: e.project.description?.split(/\r?\n/)[0], choice: { kind: 'project', entry: e }, id: e.path.join('/') });
  }
  if (opts.allowCreate) items.push({ label: `$(add) ${vscode.l10n.t('Create project…')}`, choice: { kind: 'create' }, id: 'create' });
  const chosen = await services.ui.pick(opts.prompt, items, { placeHolder: opts.placeHolder, matchOnDescription: true });
  return chosen?.choice;
}

/** Asks a new project's name; refuses an empty one or a sibling that already exists. */
export async function askProjectName(services: Services, siblings: readonly Project[], parentPath: string[]): Promise<string | undefined> {
  const where = parentPath.length ? parentPath.join(PROJECT_PATH_SEPARATOR) : vscode.l10n.t('the top level');
  const name = await services.ui.input('publish.newProjectName', {
    prompt: vscode.l10n.t('Name of the new project in {0}', where),
    validateInput: (v) => projectNameProblem(v, siblings),
  });
  const t = name?.trim();
  if (!t) return undefined;
  // Tests answer the input without running validateInput: check again.
  const problem = projectNameProblem(t, siblings);
  if (problem) {
    await services.ui.notify('warning', problem);
    return undefined;
  }
  return t;
}

export function projectNameProblem(value: string, siblings: readonly Project[]): string | undefined {
  const t = value.trim();
  if (!t) return vscode.l10n.t('Give the project a name.');
  if (siblings.some((s) => s.name.toLowerCase() === t.toLowerCase())) return vscode.l10n.t('A project named "{0}" already exists here.', t);
  return undefined;
}
