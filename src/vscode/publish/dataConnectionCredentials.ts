import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { globalRedactor } from '../../core/logger';
import type { DataConnection } from '../../core/package/inspect';
import type { ConnectionCredentials } from '../../core/publish/payload';
import type { Services } from '../services/services';

/**
 * Database credentials a published workbook or data source needs (from the file's
 * connections), asked once and kept in SecretStorage per file + connection so the next
 * publish of that file does not ask again. Never written anywhere else.
 */
interface Stored {
  username: string;
  password: string;
  embed: boolean;
}

const KEY_PREFIX = 'tableau.publishCredentials.';

/** The SecretStorage key for one data connection of one file: a hash, so no path leaks into key names. */
export function credentialKey(filePath: string, c: DataConnection): string {
  const id = [filePath, c.class, c.server ?? '', c.port ?? '', c.dbname ?? ''].join('\u0000');
  return KEY_PREFIX + createHash('sha256').update(id).digest('hex').slice(0, 32);
}

export function describeDataConnection(c: DataConnection): string {
  const where = [c.server, c.port].filter(Boolean).join(':');
  return [c.class, where, c.dbname ? `(${c.dbname})` : ''].filter(Boolean).join(' ');
}

/**
 * Credentials for every data connection of the file that needs them: stored ones reused,
 * missing ones asked (username, password, embed or not). Undefined when the user cancels.
 * `interactive: false` (tasks, auto-publish) never asks: connections without stored
 * credentials are published without, and the server decides.
 */
export async function credentialsFor(
  services: Services,
  filePath: string,
  dataConnections: readonly DataConnection[],
  opts: { interactive: boolean },
): Promise<ConnectionCredentials[] | undefined> {
  const out: ConnectionCredentials[] = [];
  const seen = new Set<string>();
  for (const c of dataConnections) {
    if (!c.needsCredentials) continue;
    const key = credentialKey(filePath, c);
    if (seen.has(key)) continue;
    seen.add(key);
    let stored = await load(services, key);
    if (!stored && opts.interactive) {
      const asked = await ask(services, c);
      if (asked === undefined) return undefined;
      if (asked === 'skip') continue;
      stored = asked;
      await services.context.secrets.store(key, JSON.stringify(stored));
    }
    if (stored) out.push({ serverAddress: c.server, serverPort: c.port, username: stored.username, password: stored.password, embed: stored.embed, oAuth: c.isOAuth || undefined });
  }
  return out;
}

/** Forgets the stored credentials of a file (after the server refused them). */
export async function forgetCredentials(services: Services, filePath: string, dataConnections: readonly DataConnection[]): Promise<void> {
  for (const c of dataConnections) if (c.needsCredentials) await services.context.secrets.delete(credentialKey(filePath, c));
}

async function load(services: Services, key: string): Promise<Stored | undefined> {
  const raw = await services.context.secrets.get(key);
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Stored;
    if (typeof v.username !== 'string' || typeof v.password !== 'string') return undefined;
    globalRedactor.addSecret(v.password);
    return { username: v.username, password: v.password, embed: v.embed !== false };
  } catch {
    return undefined;
  }
}

async function ask(services: Services, c: DataConnection): Promise<Stored | 'skip' | undefined> {
  const what = describeDataConnection(c);
  const how = await services.ui.pick(
    'publish.dbCredentials',
    [
      { label: vscode.l10n.t('Enter credentials and embed them'), detail: vscode.l10n.t('Viewers are not asked to sign in to {0}.', what), id: 'embed' },
      { label: vscode.l10n.t('Enter credentials, do not embed'), detail: vscode.l10n.t('Used to check the connection; viewers are prompted.'), id: 'noEmbed' },
      { label: vscode.l10n.t('Publish without credentials'), detail: vscode.l10n.t('Viewers are prompted; the connection check may fail.'), id: 'skip' },
    ],
    { placeHolder: vscode.l10n.t('Database credentials for {0}', what) },
  );
  if (!how) return undefined;
  if (how.id === 'skip') return 'skip';
  const username = await services.ui.input('publish.dbUsername', { prompt: vscode.l10n.t('Username for {0}', what), value: c.username ?? '' });
  if (username === undefined) return undefined;
  const password = await services.ui.input('publish.dbPassword', { prompt: vscode.l10n.t('Password for {0} on {1}', username, what), password: true });
  if (password === undefined) return undefined;
  globalRedactor.addSecret(password);
  return { username, password, embed: how.id === 'embed' };
}
