import * as path from 'node:path';
import * as vscode from 'vscode';
import { cancelled, TableauError } from '../../core/errors';
import { hostOf } from '../../core/http/serverAddress';
import { inspectPackage } from '../../core/package/inspect';
import { assertRefreshable } from '../../core/publish/afterPublish';
import { resolveProjectPath, splitProjectPath } from '../../core/publish/projectPath';
import { assertInsideWorkspace } from '../../core/publish/workspacePath';
import type { ConnectionProfile } from '../connections/connectionManager';
import { environmentFor, planForEnvironment, publishPlanFor } from '../environments/environmentPlan';
import type { Services } from '../services/services';
import { credentialsFor } from './dataConnectionCredentials';
import type { FolderTarget } from './manifestStore';
import type { PublishPlan } from './publishRunner';
import { settingsFromManifest } from './targetSettings';


/**
 * The connection a manifest target names, after the trust rules: a workspace that is not
 * trusted, or a connection name the user does not have, needs an explicit confirmation that
 * shows where the file would go. Non-interactive callers (tasks, auto-publish) get an error instead.
 */
export async function connectionForTarget(services: Services, t: FolderTarget, file: string, interactive: boolean): Promise<ConnectionProfile> {
  const manifestName = path.relative(t.folder.uri.fsPath, t.manifestPath);
  const label = t.target.connection;
  if (label === undefined) {
    throw new TableauError({ reason: 'invalidArgument', message: `${manifestName}: "${t.target.file}" is published through environments and names no connection of its own; publish it with the CLI: tableau-publish publish --env NAME.` });
  }
  let profile = services.connections.findByLabel(label);
  let needsConfirm = !vscode.workspace.isTrusted;
  if (!profile) {
    if (!interactive) {
      throw new TableauError({ reason: 'notFound', message: `${manifestName} names the connection "${label}", which is not one of your Tableau connections.` });
    }
    profile = await services.connections.pick({
      prompt: 'connection.forManifest',
      placeHolder: vscode.l10n.t('{0} names the connection "{1}", which you do not have. Publish with which connection?', manifestName, label),
      requireWritable: true,
    });
    if (!profile) throw cancelled();
    needsConfirm = true;
  }
  services.connections.assertWritable(profile);
  const key = `${t.manifestPath}\u0000${t.target.file}\u0000${profile.id}`;
  if (needsConfirm && !services.confirmedTargets.has(key)) {
    if (!interactive) {
      throw new TableauError({ reason: 'forbidden', message: `This workspace is not trusted: publish ${file} once from the editor to confirm the target (${hostOf(profile.serverUrl)}).` });
    }
    // The full path: a name alone does not show which file on this machine would leave it.
    const ok = await services.ui.confirm(
      'publish.manifestTarget',
      vscode.l10n.t('{0} asks to publish "{1}" to {2} (connection "{3}", project "{4}"). Publish there?', manifestName, file, hostOf(profile.serverUrl), profile.label, t.target.project),
      vscode.l10n.t('Publish'),
      { modal: true, detail: vscode.workspace.isTrusted ? undefined : vscode.l10n.t('This workspace is not trusted: check that this is where you mean to send the file.') },
    );
    if (!ok) throw cancelled();
    services.confirmedTargets.add(key);
  }
  return profile;
}

/** Turns a remembered target into a publish plan for one file. */
export async function planFromTarget(services: Services, t: FolderTarget, file: string, opts: { interactive: boolean; signal?: AbortSignal }): Promise<PublishPlan> {
  // A manifest or glob picked this file, not the user: it must not lead out of the workspace.
  await assertInsideWorkspace(t.folder.uri.fsPath, file);
  // Through an environment: the same plan the preview and the CLI show, confirmed where the environment asks.
  const environment = await environmentFor(services, t, opts.interactive);
  if (environment) return publishPlanFor(services, await planForEnvironment(services, t, file, environment, opts.signal), opts.interactive, opts.signal);
  const info = await inspectPackage(file);
  // Before any prompt or request: a refresh of a file with no extract is a mistake in the manifest.
  if (t.target.options?.refresh) assertRefreshable(info);
  const profile = await connectionForTarget(services, t, file, opts.interactive);
  const siteContentUrl = t.target.site ?? '';
  const client = await services.connections.getClient(profile.id, { siteContentUrl, purpose: 'publish', signal: opts.signal });
  const project = await resolveProjectPath(client, t.target.project, { signal: opts.signal });
  const connectionCredentials = await credentialsFor(services, file, info.dataConnections, { interactive: opts.interactive });
  if (!connectionCredentials) throw cancelled();
  const o = t.target.options ?? {};
  return {
    info,
    target: { profile, siteContentUrl, projectId: project.id, projectPath: splitProjectPath(t.target.project) },
    request: {
      filePath: file,
      name: t.target.name,
      projectId: project.id,
      mode: t.target.mode,
      showTabs: o.showTabs,
      hiddenViews: o.hiddenViews,
      description: o.description,
      // Tags go on with the other settings after the publish (only the missing ones are sent).
      tags: settingsFromManifest(o) ? undefined : o.tags,
      // A Publish Workbook parameter only: a data source's target may name it, but it is not sent.
      skipConnectionCheck: info.kind === 'workbook' ? o.skipConnectionCheck : undefined,
      asJob: o.asJob,
      connectionCredentials: connectionCredentials.length ? connectionCredentials : undefined,
    },
    refresh: o.refresh,
    settings: settingsFromManifest(o),
  };
}
