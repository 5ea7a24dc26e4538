import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../connections/connectionManager';
import { newConnectionId } from '../../connections/profileLogic';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { askAuthKind, askCredentials, askLabel, askServer, askSite, testAndSave } from './connectionForm';

export const ADD_CONNECTION = 'tableau.addConnection';

/** Walks through server, site, name and credentials, tests the sign-in, saves. Returns the profile. */
export async function addConnection(s: Services): Promise<ConnectionProfile | undefined> {
  let draft: ConnectionProfile | undefined;
  for (;;) {
    const addr = await askServer(s, draft?.serverUrl);
    const site = await askSite(s, draft && draft.serverUrl === addr.serverUrl ? draft.siteContentUrl : (addr.siteContentUrl ?? ''));
    const host = new URL(addr.serverUrl).host;
    const label = await askLabel(s, draft?.label ?? (site ? `${host}/${site}` : host));
    const authKind = await askAuthKind(s, draft?.authKind);
    const base: ConnectionProfile = { ...(draft ?? {}), id: draft?.id ?? newConnectionId(), label, serverUrl: addr.serverUrl, siteContentUrl: site, authKind, readOnly: draft?.readOnly ?? false };
    const { profile, secret } = await askCredentials(s, base, false);
    draft = profile;
    if ((await testAndSave(s, profile, secret)) === 'saved') break;
  }
  await s.connectionAdmin.setActive(draft.id);
  void s.ui.notify('info', vscode.l10n.t('Connection "{0}" added.', draft.label));
  return s.connections.get(draft.id);
}

export const command = defineCommand(ADD_CONNECTION, addConnection);
