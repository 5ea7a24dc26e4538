import * as path from 'node:path';
import * as vscode from 'vscode';
import { TableauError } from '../../../core/errors';
import type { ContentKind } from '../../../core/models';
import { fileTypeOf } from '../../../core/package/inspect';
import { resolveTarget } from '../../../core/environments/resolve';
import { findItemByName } from '../../../core/publish/items';
import { loadManifest } from '../../../core/publish/manifest';
import { defaultName } from '../../../core/publish/publisher';
import { splitProjectPath } from '../../../core/publish/projectPath';
import type { ConnectionProfile } from '../../connections/connectionManager';
import { environmentFor } from '../../environments/environmentPlan';
import { targetsFor, type FolderTarget } from '../../publish/manifestStore';
import { pickProject } from '../../publish/projectPicker';
import { openComparison } from '../../revisions/comparison';
import { documentName } from '../../revisions/tableauUri';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';

export const ID = 'tableau.compareWithServer';

interface Deployed {
  profile: ConnectionProfile;
  siteContentUrl: string;
  kind: ContentKind;
  id: string;
  name: string;
  projectPath: string;
}

function fileOf(arg: unknown): string {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') throw new TableauError({ reason: 'invalidArgument', message: vscode.l10n.t('Compare with Server works on a .twb, .twbx, .tds or .tdsx file of the workspace.') });
  return uri.fsPath;
}

/**
 * Where a manifest target is deployed: its own connection and site, or, for a target published
 * through environments, the active environment's (as Publish Again would publish it).
 */
async function placeOf(services: Services, t: FolderTarget, file: string): Promise<{ connection: string; site: string; project: string; name: string } | undefined> {
  const environment = await environmentFor(services, t, true);
  if (environment === undefined) {
    const { connection, site } = t.target;
    return connection === undefined || site === undefined ? undefined : { connection, site, project: t.target.project, name: t.target.name ?? defaultName(file) };
  }
  const manifest = await loadManifest(t.manifestPath);
  if (!manifest) return undefined;
  const r = resolveTarget(manifest, environment, t.target);
  return r.env.connection === undefined ? undefined : { connection: r.env.connection, site: r.env.site, project: r.projectPath, name: r.name ?? defaultName(file) };
}

/** The deployed item: the manifest's target for this file, else a project the user picks and the file's name. */
async function findDeployed(services: Services, file: string, kind: ContentKind): Promise<Deployed | undefined> {
  let target: { profile: ConnectionProfile; site: string; project: string; name: string } | undefined;
  for (const t of await targetsFor(file)) {
    const place = await placeOf(services, t, file);
    const profile = place && services.connections.findByLabel(place.connection);
    if (place && profile) {
      target = { profile, site: place.site, project: place.project, name: place.name };
      break;
    }
  }
  if (!target) {
    const profile = await services.connections.pick({ prompt: 'revisions.compareConnection', placeHolder: vscode.l10n.t('Compare "{0}" with the item on which connection?', path.basename(file)) });
    if (!profile) return undefined;
    const hierarchy = await services.sites.model(profile, profile.siteContentUrl).projects();
    const choice = await pickProject(services, hierarchy, { prompt: 'revisions.compareProject', placeHolder: vscode.l10n.t('Which project holds "{0}"?', defaultName(file)) });
    if (!choice || choice.kind !== 'project') return undefined;
    target = { profile, site: profile.siteContentUrl, project: choice.entry.path.join(' / '), name: defaultName(file) };
  }
  const client = await services.connections.getClient(target.profile.id, { siteContentUrl: target.site });
  const hierarchy = await services.sites.model(target.profile, target.site).projects();
  const names = splitProjectPath(target.project);
  const project = hierarchy.all().find((e) => e.path.length === names.length && e.path.every((n, i) => n === names[i]));
  if (!project) throw new TableauError({ reason: 'notFound', message: vscode.l10n.t('The project "{0}" is not on {1}.', target.project, target.profile.label) });
  const item = await findItemByName(client, kind, target.name, project.project.id);
  if (!item) {
    throw new TableauError({ reason: 'notFound', message: vscode.l10n.t('There is no {0} named "{1}" in "{2}" on {3}: publish it first.', kind === 'workbook' ? vscode.l10n.t('workbook') : vscode.l10n.t('data source'), target.name, target.project, target.profile.label) });
  }
  return { profile: target.profile, siteContentUrl: target.site, kind, id: item.id, name: item.name, projectPath: target.project };
}

/** Diff editor: the deployed document ↔ the local file's, with the semantic summary beside it. */
export const command = defineCommand(ID, async (services, arg?: unknown) => {
  const file = fileOf(arg);
  const { kind } = fileTypeOf(file);
  if (path.extname(file).toLowerCase() === '.hyper' || path.extname(file).toLowerCase() === '.tde') {
    throw new TableauError({ reason: 'invalidArgument', message: vscode.l10n.t('An extract has no document to compare; compare its .tds or .tdsx.') });
  }
  const d = await findDeployed(services, file, kind);
  if (!d) return undefined;
  const localName = path.basename(file).replace(/\.(twbx|tdsx)$/i, (m) => m.slice(0, -1));
  // Deployed on the left, the local file on the right (as Compare with Saved): the summary reads as what publishing would change.
  return openComparison(
    services,
    { where: 'server', connectionId: d.profile.id, siteContentUrl: d.siteContentUrl, kind, id: d.id, docName: documentName(d.name, kind), normalized: false },
    { where: 'local', filePath: file, docName: localName, normalized: false },
    { left: `${d.profile.label} "${d.projectPath} / ${d.name}"`, right: `local ${path.basename(file)}`, title: vscode.l10n.t('{0}: {1} ↔ local', path.basename(file), d.profile.label) },
  );
}, { errorPrefix: vscode.l10n.t('Compare with Server failed:') });
