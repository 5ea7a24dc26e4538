import * as vscode from 'vscode';
import type { ConnectionProfile } from '../connections/connectionManager';
import type { Services } from '../services/services';
import type { SiteContentModel } from '../tree/contentModel';
import type { ProjectHierarchy } from '../tree/projectHierarchy';
import { askProjectName, pickProject } from './projectPicker';
import { splitProjectPath } from '../../core/publish/projectPath';

/** Where a publish goes. */
export interface PublishTarget {
  profile: ConnectionProfile;
  siteContentUrl: string;
  projectId: string;
  projectPath: string[];
}

/** A partly known target (from a project node or a drop): the picker asks only for the rest. */
export interface PublishPreset {
  profile: ConnectionProfile;
  siteContentUrl: string;
  projectId?: string;
  projectPath?: string[];
  /** An environment's project root: only the projects inside it are offered. */
  projectRoot?: string;
}

interface LastTarget {
  profileId: string;
  siteContentUrl: string;
  projectId: string;
}

const LAST_KEY = 'tableau.publish.lastTarget';
const lastProjectKey = (profileId: string, site: string): string => `tableau.publish.lastProject.${profileId}|${site}`;

/** Remembers the target for the next publish (globalState: ids only, no secrets). */
export async function rememberLastTarget(services: Services, t: PublishTarget): Promise<void> {
  const last: LastTarget = { profileId: t.profile.id, siteContentUrl: t.siteContentUrl, projectId: t.projectId };
  await services.context.globalState.update(LAST_KEY, last);
  await services.context.globalState.update(lastProjectKey(t.profile.id, t.siteContentUrl), t.projectId);
}

/** Writable connections, the last one used first; "Add connection..." is offered by the manager's picker. */
async function pickConnection(services: Services): Promise<ConnectionProfile | undefined> {
  const last = services.context.globalState.get<LastTarget>(LAST_KEY);
  const writable = services.connections.list().filter((p) => !p.readOnly);
  const lastProfile = last ? writable.find((p) => p.id === last.profileId) : undefined;
  if (writable.length === 0 || !lastProfile) {
    return services.connections.pick({ prompt: 'publish.connection', placeHolder: vscode.l10n.t('Publish to which Tableau connection?'), requireWritable: true });
  }
  const ordered = [lastProfile, ...writable.filter((p) => p !== lastProfile)];
  const other = { label: `$(list-unordered) ${vscode.l10n.t('Other connection…')}`, profile: undefined, id: 'other' };
  const chosen = await services.ui.pick(
    'publish.connection',
    [
      ...ordered.map((p) => ({
        label: p.label,
        description: p === lastProfile ? vscode.l10n.t('last used') : undefined,
        detail: `${p.serverUrl}${p.siteContentUrl ? ` · ${p.siteContentUrl}` : ''}`,
        profile: p as ConnectionProfile | undefined,
        id: p.label,
      })),
      other,
    ],
    { placeHolder: vscode.l10n.t('Publish to which Tableau connection?') },
  );
  if (!chosen) return undefined;
  return chosen.profile ?? services.connections.pick({ prompt: 'publish.connection', placeHolder: vscode.l10n.t('Publish to which Tableau connection?'), requireWritable: true });
}

/** Projects inside an environment's root (its names lower-cased), and the root itself when `withRoot` (a parent for a new project). */
function insideRoot(root: string[], withRoot: boolean): (e: { path: string[] }) => boolean {
  return (e) => (withRoot ? e.path.length >= root.length : e.path.length > root.length) && root.every((n, i) => e.path[i].toLowerCase() === n);
}

/** Asks connection (last first), then project (nested paths, last first, or create one). */
export async function pickTarget(services: Services, preset?: PublishPreset): Promise<PublishTarget | undefined> {
  const profile = preset?.profile ?? (await pickConnection(services));
  if (!profile) return undefined;
  services.connections.assertWritable(profile);
  const siteContentUrl = preset?.siteContentUrl ?? profile.siteContentUrl;
  if (preset?.projectId && preset.projectPath) return { profile, siteContentUrl, projectId: preset.projectId, projectPath: preset.projectPath };

  const model = services.sites.model(profile, siteContentUrl);
  const hierarchy = await model.projects();
  const lastProjectId = services.context.globalState.get<string>(lastProjectKey(profile.id, siteContentUrl));
  const root = preset?.projectRoot ? splitProjectPath(preset.projectRoot).map((n) => n.toLowerCase()) : undefined;
  const choice = await pickProject(services, hierarchy, { prompt: 'publish.project', placeHolder: vscode.l10n.t('Publish into which project?'), lastProjectId, allowCreate: true, only: root && insideRoot(root, false) });
  if (!choice || choice.kind === 'topLevel') return undefined;
  if (choice.kind === 'project') return { profile, siteContentUrl, projectId: choice.entry.project.id, projectPath: choice.entry.path };
  return createProjectForPublish(services, profile, siteContentUrl, model, hierarchy, root);
}

async function createProjectForPublish(
  services: Services,
  profile: ConnectionProfile,
  siteContentUrl: string,
  model: SiteContentModel,
  hierarchy: ProjectHierarchy,
  root?: string[],
): Promise<PublishTarget | undefined> {
  // Inside an environment's project root: the root or a project in it is the parent.
  const parentChoice = await pickProject(services, hierarchy, { prompt: 'publish.newProjectParent', placeHolder: vscode.l10n.t('Create the new project inside'), allowTopLevel: !root, only: root && insideRoot(root, true) });
  if (!parentChoice || parentChoice.kind === 'create') return undefined;
  const parent = parentChoice.kind === 'project' ? parentChoice.entry : undefined;
  const siblings = (parent ? parent.children : hierarchy.roots).map((e) => e.project);
  const name = await askProjectName(services, siblings, parent?.path ?? []);
  if (!name) return undefined;
  const client = await services.connections.getClient(profile.id, { siteContentUrl, purpose: 'publish' });
  const created = await client.createProject({ name, parentProjectId: parent?.project.id });
  services.logger.info(`Created project ${created.id} ("${name}") for a publish.`);
  services.sites.siteChanged({ profileId: profile.id, siteContentUrl });
  return { profile, siteContentUrl, projectId: created.id, projectPath: [...(parent?.path ?? []), name] };
}
