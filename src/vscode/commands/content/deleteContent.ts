import * as vscode from 'vscode';
import { PROJECT_PATH_SEPARATOR } from '../../../core/display';
import { defineCommand } from '../command';
import { kindLabel, resolveRef } from './itemRef';

export const ID = 'tableau.deleteContent';

/** Deletes a workbook or data source after a modal confirmation naming it. Returns true when deleted. */
export const command = defineCommand(ID, async (services, node?: unknown): Promise<boolean> => {
  const ref = await resolveRef(services, node, ['workbook', 'datasource'], {
    placeHolder: vscode.l10n.t('Delete which workbook or data source?'),
    requireWritable: true,
  });
  if (!ref || (ref.kind !== 'workbook' && ref.kind !== 'datasource')) return false;
  const where = ref.projectPath?.length ? ref.projectPath.join(PROJECT_PATH_SEPARATOR) : undefined;
  const message = where
    ? vscode.l10n.t('Delete {0} "{1}" from project "{2}" on {3}?', kindLabel(ref.kind), ref.name, where, ref.profile.label)
    : vscode.l10n.t('Delete {0} "{1}" on {2}?', kindLabel(ref.kind), ref.name, ref.profile.label);
  const action = vscode.l10n.t('Delete');
  const ok = await services.ui.confirm('content.delete', message, action, { modal: true, detail: vscode.l10n.t('This cannot be undone.') });
  if (!ok) return false;
  const client = await services.connections.getClient(ref.profile.id, { siteContentUrl: ref.siteContentUrl, purpose: 'delete' });
  if (ref.kind === 'workbook') await client.deleteWorkbook(ref.id);
  else await client.deleteDataSource(ref.id);
  services.logger.info(`Deleted ${ref.kind} ${ref.id} ("${ref.name}") on ${ref.profile.label}.`);
  services.sites.siteChanged({ profileId: ref.profile.id, siteContentUrl: ref.siteContentUrl });
  vscode.window.setStatusBarMessage(vscode.l10n.t('Deleted "{0}".', ref.name), 4000);
  return true;
}, { errorPrefix: vscode.l10n.t('Delete failed:'), failedResult: false });
