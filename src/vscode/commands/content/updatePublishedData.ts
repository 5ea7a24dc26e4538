import * as path from 'node:path';
import * as vscode from 'vscode';
import { TableauError } from '../../../core/errors';
import { insertActions, parseUpdateActions, upsertActions, type UpdateActions } from '../../../core/publish/updateActions';
import { updateData, type UpdateDataResult } from '../../../core/publish/updateData';
import { ambiguousConnection, updateConnectionChoice } from '../../../core/publish/updateConnection';
import { toAbortSignal } from '../../services/cancellation';
import type { Services } from '../../services/services';
import { jobTimeoutMs } from '../../publish/jobSettings';
import { contentTree } from '../../tree/contentTree';
import { recordDataUpdate } from '../../tree/dataUpdateResults';
import { DataSourceNode } from '../../tree/nodes/dataSourceNode';
import { defineCommand } from '../command';
import { type ItemRef, resolveRef } from './itemRef';

export const ID = 'tableau.updatePublishedData';

const MAX_ACTIONS_FILE_BYTES = 1024 * 1024;

function cancelled(): TableauError {
  return new TableauError({ reason: 'cancelled', message: 'Cancelled.' });
}

/** The .hyper of changes: the Explorer's file, else a pick among the workspace's .hyper files. */
async function changesFile(services: Services, arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const found = await vscode.workspace.findFiles('**/*.hyper', '**/node_modules/**', 500);
  if (!found.length) {
    await services.ui.notify('info', vscode.l10n.t('No .hyper files in this workspace.'));
    return undefined;
  }
  const chosen = await services.ui.pick(
    'update.file',
    found.map((u) => ({ id: vscode.workspace.asRelativePath(u, false), label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u, true), uri: u })),
    { placeHolder: vscode.l10n.t('Update the data from which .hyper file?'), matchOnDescription: true },
  );
  return chosen?.uri;
}

/** Tableau's update actions: the two common cases asked for, or an actions file (checked against the documented shape). */
async function chooseActions(services: Services): Promise<UpdateActions | undefined> {
  const how = await services.ui.pick(
    'update.actions',
    [
      { id: 'upsert', label: vscode.l10n.t('Upsert rows on a key'), detail: vscode.l10n.t('Rows with the same key are replaced, the others are added') },
      { id: 'insert', label: vscode.l10n.t('Insert rows'), detail: vscode.l10n.t('Every row of the file is added') },
      { id: 'file', label: vscode.l10n.t('Use an actions file…'), detail: vscode.l10n.t('Tableau\'s update actions as JSON (insert, update, upsert, replace, delete)') },
    ],
    { placeHolder: vscode.l10n.t('How should the file change the data source?') },
  );
  if (!how) return undefined;
  if (how.id === 'file') {
    const files = await vscode.workspace.findFiles('**/*.json', '**/node_modules/**', 500);
    const chosen = await services.ui.pick(
      'update.actionsFile',
      files.map((u) => ({ id: vscode.workspace.asRelativePath(u, false), label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u, true), uri: u })),
      { placeHolder: vscode.l10n.t('Which actions file?'), matchOnDescription: true },
    );
    if (!chosen) return undefined;
    const bytes = await vscode.workspace.fs.readFile(chosen.uri);
    if (bytes.byteLength > MAX_ACTIONS_FILE_BYTES) throw new TableauError({ reason: 'invalidArgument', message: vscode.l10n.t('The actions file "{0}" is larger than 1 MB.', chosen.label) });
    return parseUpdateActions(Buffer.from(bytes).toString('utf8'), vscode.l10n.t('The actions file "{0}"', chosen.label));
  }
  const table = await services.ui.input('update.table', {
    prompt: vscode.l10n.t('Table in the file and in the data source ("Schema.Table")'),
    value: 'Extract.Extract',
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Name a table.')),
  });
  if (table === undefined) return undefined;
  if (how.id === 'insert') return insertActions(table);
  const keys = await services.ui.input('update.key', {
    prompt: vscode.l10n.t('Key column(s) that match rows, separated by commas'),
    validateInput: (v) => (v.split(',').some((k) => k.trim()) ? undefined : vscode.l10n.t('Name at least one column.')),
  });
  if (keys === undefined) return undefined;
  return upsertActions(table, keys.split(','));
}

/**
 * The connection to update when the data source has several Hyper connections (asked), else
 * undefined: the core then takes the only one, or the data source's own `/data`.
 */
async function chooseConnection(services: Services, ref: ItemRef): Promise<string | undefined> {
  const client = await services.connections.getClient(ref.profile.id, { siteContentUrl: ref.siteContentUrl, purpose: 'publish' });
  const ds = await client.getDataSource(ref.id);
  const choice = await updateConnectionChoice(client, ds);
  if (choice.all.length <= 1 || choice.connectionId) return choice.connectionId;
  if (choice.updatable.length === 0) throw ambiguousConnection(ds, choice);
  const picked = await services.ui.pick(
    'update.connection',
    choice.updatable.map((c) => ({ label: c.id, description: [c.type, c.serverAddress].filter((x) => !!x).join(' · '), id: c.id })),
    { placeHolder: vscode.l10n.t('"{0}" has several Hyper connections: update the data of which one?', ds.name) },
  );
  if (!picked) throw cancelled();
  return picked.id;
}

/** The line the tree and the notification show for a finished update. */
export function describeUpdate(r: UpdateDataResult): string {
  const what = r.actions.map((a) => a.action).join(', ');
  return vscode.l10n.t('{0} applied (job {1})', what, r.jobId) + (r.report.length ? `: ${r.report.join(' ')}` : '');
}

/**
 * Update Published Data…: from a `.hyper` in the Explorer (then: which data source) or from a
 * data source in the tree (then: which .hyper), then the actions; uploads and waits for the job.
 */
export const command = defineCommand(ID, async (services, arg?: unknown): Promise<UpdateDataResult | undefined> => {
  const fromTree = arg instanceof DataSourceNode ? arg : undefined;
  const file = await changesFile(services, fromTree ? undefined : arg);
  if (!file) return undefined;
  const ref = await resolveRef(services, fromTree, ['datasource'], {
    placeHolder: vscode.l10n.t('Update the data of which data source?'),
    requireWritable: true,
  });
  if (!ref) return undefined;
  const actions = await chooseActions(services);
  if (!actions) throw cancelled();
  // Several Hyper connections: the user says which (the core would refuse to guess).
  const connectionId = await chooseConnection(services, ref);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Updating the data of "{0}"', ref.name), cancellable: true },
    async (progress, token) => {
      const signal = toAbortSignal(token);
      const client = await services.connections.getClient(ref.profile.id, { siteContentUrl: ref.siteContentUrl, purpose: 'publish', signal });
      let last = 0;
      const step = (pct: number, message: string): void => {
        progress.report({ increment: Math.max(0, pct - last), message });
        last = Math.max(last, pct);
      };
      return updateData(client, { filePath: file.fsPath, datasourceId: ref.id, connectionId, actions }, {
        signal,
        logger: services.logger,
        job: { timeoutMs: jobTimeoutMs() },
        onProgress: (p) => {
          if (p.phase === 'upload' && p.totalBytes) step(Math.floor((p.bytesSent / p.totalBytes) * 80), vscode.l10n.t('uploading'));
          else if (p.phase === 'job') step(80 + Math.floor((p.jobProgress ?? 0) / 5), vscode.l10n.t('job {0}%', p.jobProgress ?? 0));
        },
      });
    },
  );
  const line = describeUpdate(result);
  recordDataUpdate(result.datasource.id, line);
  contentTree(services)?.refresh(fromTree);
  services.logger.info(`Updated data source ${result.datasource.id} from ${file.fsPath}: ${line}; RequestID ${result.requestId}.`);
  void services.ui.notify('info', vscode.l10n.t('Updated "{0}": {1}', result.datasource.name, line));
  return result;
}, { errorPrefix: vscode.l10n.t('Update Published Data failed:') });
