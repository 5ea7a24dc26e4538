// Reads VS Code's settings and a connection's CA file; the rules live in httpOptions.ts.
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { TableauError } from '../../core/errors';
import type { HttpClientOptions } from '../../core/http/httpClient';
import type { ConnectionProfile } from './connectionManager';
import { httpOptionsFrom, looksLikePem } from './httpOptions';

/**
 * HTTP options for a connection from VS Code's `http.proxy` / `http.noProxy` / `http.proxyStrictSSL`,
 * the `tableau.*` time and size limits and the connection's CA file. TLS verification goes off
 * only on an explicit `http.proxyStrictSSL: false`, and then `onInsecure` warns.
 */
export async function readHttpOptions(p: ConnectionProfile, onInsecure: () => void): Promise<HttpClientOptions> {
  const http = vscode.workspace.getConfiguration('http');
  const tableau = vscode.workspace.getConfiguration('tableau');
  const strict = http.inspect<boolean>('proxyStrictSSL');
  const explicit = strict?.workspaceFolderValue ?? strict?.workspaceValue ?? strict?.globalValue;
  let caPem: string | undefined;
  if (p.caFile) {
    try {
      caPem = await fs.readFile(p.caFile, 'utf8');
    } catch (e) {
      throw new TableauError({ reason: 'tls', message: vscode.l10n.t('Cannot read the CA file {0} of connection "{1}".', p.caFile, p.label), cause: e });
    }
    if (!looksLikePem(caPem)) {
      throw new TableauError({ reason: 'tls', message: vscode.l10n.t('The CA file {0} holds no PEM certificate (-----BEGIN CERTIFICATE-----).', p.caFile) });
    }
  }
  const { options, insecure } = httpOptionsFrom({
    proxy: http.get<string>('proxy'),
    noProxy: http.get<string[]>('noProxy'),
    strictSSLExplicit: explicit,
    requestTimeoutSeconds: tableau.get<number>('requestTimeoutSeconds'),
    transferTimeoutMinutes: tableau.get<number>('transferTimeoutMinutes'),
    maxDownloadMB: tableau.get<number>('maxDownloadMB'),
    caPem,
    env: process.env,
  });
  if (insecure) onInsecure();
  return options;
}
