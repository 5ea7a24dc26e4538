// The prompts behind "Add Connection" and "Edit Connection". Every prompt goes through
// services.ui so the extension-host tests can answer them.
import * as vscode from 'vscode';
import { cancelled, isCancellation, TableauError } from '../../../core/errors';
import { parseServerAddress, type ServerAddress } from '../../../core/http/serverAddress';
import type { ConnectionProfile } from '../../connections/connectionManager';
import { dropOtherAuthFields, expiryDateProblem, labelProblem, profileProblems, sendsSecretInClear, siteProblem, tokenPageUrl, type AuthKind } from '../../connections/profileLogic';
import { toAbortSignal } from '../../services/cancellation';
import { errorText } from '../../services/errors';
import type { Services } from '../../services/services';
import type { PromptId } from '../../services/ui';

export { cancelled } from '../../../core/errors';

async function input(s: Services, prompt: PromptId, opts: vscode.InputBoxOptions): Promise<string> {
  const v = await s.ui.input(prompt, { ignoreFocusOut: true, ...opts });
  if (v === undefined) throw cancelled();
  return v.trim();
}

function addressProblem(text: string): string | undefined {
  try {
    parseServerAddress(text);
    return undefined;
  } catch (e) {
    return TableauError.is(e) ? e.message : String(e);
  }
}

/** Server address; a pasted browser URL works and its site is returned too. Confirms plain http. */
export async function askServer(s: Services, value?: string): Promise<ServerAddress> {
  for (;;) {
    const text = await input(s, 'connection.server', {
      title: vscode.l10n.t('Tableau server address'),
      prompt: vscode.l10n.t('Address of Tableau Server or Tableau Cloud, e.g. https://tableau.example.com or https://10ay.online.tableau.com. A URL copied from the browser works too.'),
      value,
      validateInput: addressProblem,
    });
    const addr = parseServerAddress(text);
    if (!sendsSecretInClear(addr.serverUrl)) return addr;
    const ok = await s.ui.confirm(
      'connection.plainHttp',
      vscode.l10n.t('{0} uses plain http://. Your token or password would cross the network unencrypted. Send it anyway?', addr.serverUrl),
      vscode.l10n.t('Use http://'),
      { detail: vscode.l10n.t('Use https:// unless this server is on a network you fully trust.') },
    );
    if (ok) return addr;
    value = text.replace(/^http:/i, 'https:');
  }
}

export async function askSite(s: Services, value: string): Promise<string> {
  return input(s, 'connection.site', {
    title: vscode.l10n.t('Tableau site'),
    prompt: vscode.l10n.t('Site content URL: the name after /site/ in the browser address. Leave empty for the default site (Tableau Cloud always has one).'),
    value,
    validateInput: siteProblem,
  });
}

export async function askLabel(s: Services, value: string, selfId?: string): Promise<string> {
  const others = s.connections.list();
  return input(s, 'connection.label', {
    title: vscode.l10n.t('Connection name'),
    prompt: vscode.l10n.t('A name for this connection, shown in the status bar and the Tableau view.'),
    value,
    validateInput: (v) => labelProblem(v, others, selfId),
  });
}

export async function askAuthKind(s: Services, current?: AuthKind): Promise<AuthKind> {
  const items: (vscode.QuickPickItem & { kind2: AuthKind })[] = [
    { kind2: 'pat', label: vscode.l10n.t('Personal access token'), description: vscode.l10n.t('Recommended; works with Tableau Cloud MFA') },
    { kind2: 'password', label: vscode.l10n.t('Username and password'), description: vscode.l10n.t('Tableau Server only: Tableau Cloud with MFA refuses it') },
    { kind2: 'connectedApp', label: vscode.l10n.t('Connected App (JWT)'), description: vscode.l10n.t('Client ID, secret ID and secret value of a direct-trust connected app') },
  ];
  const chosen = await s.ui.pick(
    'connection.authKind',
    items.map((i) => ({ ...i, id: i.kind2, picked: i.kind2 === current })),
    { title: vscode.l10n.t('How to sign in'), placeHolder: vscode.l10n.t('Choose how to sign in to Tableau') },
  );
  if (!chosen) throw cancelled();
  return chosen.kind2;
}

/**
 * Asks what the auth kind needs and returns the profile fields plus the secret.
 * `keepSecret`: an empty secret keeps the saved one (editing); otherwise it is required.
 */
export async function askCredentials(
  s: Services,
  draft: ConnectionProfile,
  keepSecret: boolean,
): Promise<{ profile: ConnectionProfile; secret?: string }> {
  const p: ConnectionProfile = { ...draft };
  const secretPrompt = (what: string) =>
    keepSecret ? vscode.l10n.t('{0} (leave empty to keep the saved one)', what) : what;
  const required = (v: string) => (v.trim() || keepSecret ? undefined : vscode.l10n.t('This is required.'));
  const nonEmpty = (v: string) => (v.trim() ? undefined : vscode.l10n.t('This is required.'));
  let secret: string;
  switch (p.authKind) {
    case 'pat': {
      const have = vscode.l10n.t('Enter a token I have');
      const create = vscode.l10n.t('Create a token… (opens Tableau in the browser)');
      const how = await s.ui.pick('connection.patSource', [{ label: have, id: 'have' }, { label: create, id: 'create', detail: vscode.l10n.t('Tokens are made under My Account Settings (profile menu, top right).') }], {
        title: vscode.l10n.t('Personal access token'),
      });
      if (!how) throw cancelled();
      if (how.label === create) await s.ui.openExternal(tokenPageUrl(p.serverUrl, p.siteContentUrl));
      p.patName = await input(s, 'connection.patName', { title: vscode.l10n.t('Token name'), prompt: vscode.l10n.t('Name of the personal access token'), value: p.patName, validateInput: nonEmpty });
      secret = await input(s, 'connection.patSecret', { title: vscode.l10n.t('Token secret'), prompt: secretPrompt(vscode.l10n.t('Secret of the personal access token')), password: true, validateInput: required });
      const exp = await input(s, 'connection.patExpiry', {
        title: vscode.l10n.t('Token expiry (optional)'),
        prompt: vscode.l10n.t('Expiry date YYYY-MM-DD, to be warned a week ahead. Leave empty if unknown.'),
        value: p.patExpiresOn,
        validateInput: expiryDateProblem,
      });
      p.patExpiresOn = exp || undefined;
      break;
    }
    case 'password':
      p.username = await input(s, 'connection.username', { title: vscode.l10n.t('Username'), prompt: vscode.l10n.t('Tableau username'), value: p.username, validateInput: nonEmpty });
      secret = await input(s, 'connection.password', {
        title: vscode.l10n.t('Password'),
        prompt: secretPrompt(vscode.l10n.t('Password. Tableau Cloud with multi-factor authentication refuses passwords here: use a personal access token.')),
        password: true,
        validateInput: required,
      });
      break;
    case 'connectedApp':
      p.clientId = await input(s, 'connection.clientId', { title: vscode.l10n.t('Client ID'), prompt: vscode.l10n.t('Client ID of the connected app'), value: p.clientId, validateInput: nonEmpty });
      p.secretId = await input(s, 'connection.secretId', { title: vscode.l10n.t('Secret ID'), prompt: vscode.l10n.t('Secret ID of the connected app'), value: p.secretId, validateInput: nonEmpty });
      secret = await input(s, 'connection.secretValue', { title: vscode.l10n.t('Secret value'), prompt: secretPrompt(vscode.l10n.t('Secret value of the connected app')), password: true, validateInput: required });
      p.username = await input(s, 'connection.appUser', { title: vscode.l10n.t('Tableau username'), prompt: vscode.l10n.t('Tableau username the app signs in as'), value: p.username, validateInput: nonEmpty });
      break;
  }
  dropOtherAuthFields(p);
  return { profile: p, secret: secret ? secret : undefined };
}

export type TestOutcome = 'saved' | 'edit';

/**
 * Signs the draft in (with progress) before saving. On failure offers Retry / Edit / Save
 * anyway; dismissing cancels. Returns 'edit' when the user wants to change the answers.
 */
export async function testAndSave(s: Services, draft: ConnectionProfile, secret: string | undefined): Promise<TestOutcome> {
  const problems = profileProblems(draft);
  if (problems.length) throw new TableauError({ reason: 'invalidArgument', message: problems.join(' ') });
  for (;;) {
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Signing in to {0}…', draft.serverUrl), cancellable: true },
        (_p, token) => s.connectionAdmin.trySignIn(draft, secret, toAbortSignal(token)),
      );
      await s.connectionAdmin.save(draft, secret);
      s.logger.info(`Connection "${draft.label}" saved after a successful sign-in.`);
      return 'saved';
    } catch (e) {
      if (isCancellation(e)) {
        await s.connectionAdmin.discardDraft(draft.id);
        throw e;
      }
      s.logger.warn(`Test sign-in for "${draft.label}" failed: ${errorText(e)}`);
      const retry = vscode.l10n.t('Retry');
      const edit = vscode.l10n.t('Edit');
      const saveAnyway = vscode.l10n.t('Save anyway');
      const chosen = await s.ui.notify('error', vscode.l10n.t('Sign-in to {0} failed: {1}', draft.serverUrl, errorText(e)), retry, edit, saveAnyway);
      if (chosen === retry) continue;
      await s.connectionAdmin.discardDraft(draft.id);
      if (chosen === edit) return 'edit';
      if (chosen === saveAnyway) {
        await s.connectionAdmin.save(draft, secret);
        return 'saved';
      }
      throw cancelled();
    }
  }
}
