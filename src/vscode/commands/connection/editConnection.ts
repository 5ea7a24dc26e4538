import * as vscode from 'vscode';
import { looksLikePem } from '../../connections/httpOptions';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { connectionFrom } from './connectionArg';
import { askAuthKind, askCredentials, askLabel, askServer, askSite, cancelled, testAndSave } from './connectionForm';

export const EDIT_CONNECTION = 'tableau.editConnection';

type Part = 'server' | 'label' | 'credentials' | 'caFile';

/**
 * Changes one part of a connection. `{ secretOnly: true }` (from "Enter new token…")
 * goes straight to the credentials.
 */
export async function editConnection(s: Services, arg: unknown): Promise<void> {
  const current = await connectionFrom(s, arg, { placeHolder: vscode.l10n.t('Edit which connection?') });
  let part: Part = 'credentials';
  const secretOnly = !!arg && typeof arg === 'object' && (arg as { secretOnly?: unknown }).secretOnly === true;
  if (!secretOnly) {
    const items: (vscode.QuickPickItem & { part: Part; id: Part })[] = [
      { part: 'credentials', id: 'credentials', label: vscode.l10n.t('Credentials'), description: vscode.l10n.t('token, password or connected app') },
      { part: 'server', id: 'server', label: vscode.l10n.t('Server and site'), description: `${current.serverUrl} · ${current.siteContentUrl || vscode.l10n.t('default site')}` },
      { part: 'label', id: 'label', label: vscode.l10n.t('Name'), description: current.label },
      { part: 'caFile', id: 'caFile', label: vscode.l10n.t('CA certificate file'), description: current.caFile ?? vscode.l10n.t('none (system certificates)') },
    ];
    const chosen = await s.ui.pick('connection.editPart', items, { title: vscode.l10n.t('Edit {0}', current.label), placeHolder: vscode.l10n.t('What to change') });
    if (!chosen) throw cancelled();
    part = chosen.part;
  }
  let draft = { ...current };
  let secret: string | undefined;
  switch (part) {
    case 'label':
      // No sign-in needed for a new name.
      await s.connectionAdmin.save({ ...current, label: await askLabel(s, current.label, current.id) });
      return;
    case 'server': {
      const addr = await askServer(s, current.serverUrl);
      draft = { ...draft, serverUrl: addr.serverUrl, siteContentUrl: await askSite(s, addr.siteContentUrl ?? current.siteContentUrl) };
      break;
    }
    case 'credentials': {
      // "Enter new token…" keeps the kind: only the token changes.
      const authKind = secretOnly ? current.authKind : await askAuthKind(s, current.authKind);
      const r = await askCredentials(s, { ...draft, authKind }, authKind === current.authKind);
      draft = r.profile;
      secret = r.secret;
      break;
    }
    case 'caFile': {
      const none = vscode.l10n.t('Use the system certificates only');
      const choose = vscode.l10n.t('Choose a PEM file…');
      const how = await s.ui.pick('connection.caFile', [{ label: choose, id: 'choose' }, { label: none, id: 'none' }], { title: vscode.l10n.t('CA certificate for {0}', current.serverUrl) });
      if (!how) throw cancelled();
      if (how.label === none) {
        delete draft.caFile;
      } else {
        const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('Certificates')]: ['pem', 'crt', 'cer'] } });
        if (!files?.[0]) throw cancelled();
        const text = Buffer.from(await vscode.workspace.fs.readFile(files[0])).toString('utf8');
        if (!looksLikePem(text)) throw new Error(vscode.l10n.t('{0} holds no PEM certificate.', files[0].fsPath));
        draft.caFile = files[0].fsPath;
      }
      break;
    }
  }
  while ((await testAndSave(s, draft, secret)) === 'edit') {
    const r = await askCredentials(s, draft, secret === undefined);
    draft = r.profile;
    secret = r.secret ?? secret;
  }
  void s.ui.notify('info', vscode.l10n.t('Connection "{0}" updated.', draft.label));
}

export const command = defineCommand(EDIT_CONNECTION, editConnection);
