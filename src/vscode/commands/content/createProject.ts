import * as vscode from 'vscode';
import type { Project } from '../../../core/models';
import { askProjectName, pickProject } from '../../publish/projectPicker';
import { defineCommand } from '../command';
import { ProjectNode } from '../../tree/nodes/projectNode';
import { SiteNode } from '../../tree/nodes/siteNode';
import type { ConnectionProfile } from '../../connections/connectionManager';

export const ID = 'tableau.createProject';

/** Creates a project at the top level (site node), inside a project (project node) or where the user picks. */
export const command = defineCommand(ID, async (services, node?: unknown): Promise<Project | undefined> => {
  let profile: ConnectionProfile | undefined;
  let siteContentUrl: string;
  if (node instanceof ProjectNode || node instanceof SiteNode) {
    profile = node.scope.profile;
    siteContentUrl = node.scope.siteContentUrl;
  } else {
    profile = await services.connections.pick({ prompt: 'connection.forProject', placeHolder: vscode.l10n.t('Create a project on which connection?'), requireWritable: true });
    if (!profile) return undefined;
    siteContentUrl = profile.siteContentUrl;
  }
  services.connections.assertWritable(profile);
  const id = profile.id;
  const model = services.sites.model(profile, siteContentUrl);
  const hierarchy = await model.projects();
  let parent: Project | undefined;
  let parentPath: string[] = [];
  if (node instanceof ProjectNode) {
    parent = node.project;
    parentPath = node.path;
  } else if (!(node instanceof SiteNode)) {
    const choice = await pickProject(services, hierarchy, { prompt: 'content.projectParent', placeHolder: vscode.l10n.t('Create the project inside'), allowTopLevel: true });
    if (!choice || choice.kind === 'create') return undefined;
    if (choice.kind === 'project') {
      parent = choice.entry.project;
      parentPath = choice.entry.path;
    }
  }
  const siblings = parent ? (hierarchy.get(parent.id)?.children ?? []) : hierarchy.roots;
  const name = await askProjectName(services, siblings.map((s) => s.project), parentPath);
  if (!name) return undefined;
  const client = await services.connections.getClient(id, { siteContentUrl, purpose: 'publish' });
  const created = await client.createProject({ name, parentProjectId: parent?.id });
  services.logger.info(`Created project ${created.id} ("${name}") on ${profile.label}.`);
  services.sites.siteChanged({ profileId: id, siteContentUrl });
  await services.sites.reveal({ profileId: id, siteContentUrl, kind: 'project', id: created.id, projectId: created.id });
  return created;
}, { errorPrefix: vscode.l10n.t('Creating the project failed:') });
