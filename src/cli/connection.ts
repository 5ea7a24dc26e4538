/** Builds the one TableauSession a CLI run uses, from flags and the environment. */
import { readFileSync } from 'node:fs';
import type { TableauClient } from '../core/api/client';
import { registerCredentialSecrets, type Credential } from '../core/auth/credentials';
import type { TableauSession } from '../core/auth/session';
import { createClient } from '../core/createClient';
import { TableauError } from '../core/errors';
import { looksLikePem } from '../core/http/caFile';
import { proxyOptionsFromEnv } from '../core/http/httpClient';
import { parseServerAddress } from '../core/http/serverAddress';
import { scopesFor } from '../core/auth/jwt';
import type { LimitNames } from '../core/limits';
import type { Logger } from '../core/logger';
import type { CommonArgs } from './args';
import { usageError } from './exitCodes';

export interface CliConnection {
  client: TableauClient;
  session: TableauSession;
  /** The server the run talks to: where the sign-in ended (a Tableau Cloud pod may send it on to another). */
  readonly serverUrl: string;
  /** The server as given (--server / TABLEAU_SERVER). */
  requestedServerUrl: string;
  site: string;
  /** Signs out and closes the connections, within a bounded time. */
  close(opts?: { cancelled?: boolean }): Promise<void>;
}

function env(e: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = e[name];
  return v === undefined || v === '' ? undefined : v;
}

/** The credential from the environment: PAT, then connected app, then username/password. */
export function credentialFromEnv(e: NodeJS.ProcessEnv): Credential {
  const patName = env(e, 'TABLEAU_PAT_NAME');
  const patSecret = env(e, 'TABLEAU_PAT_SECRET');
  if (patName && patSecret) return { kind: 'pat', tokenName: patName, tokenSecret: patSecret };
  const clientId = env(e, 'TABLEAU_CONNECTED_APP_CLIENT_ID');
  const secretId = env(e, 'TABLEAU_CONNECTED_APP_SECRET_ID');
  const secretValue = env(e, 'TABLEAU_CONNECTED_APP_SECRET_VALUE');
  const user = env(e, 'TABLEAU_USER');
  if (clientId && secretId && secretValue && user) return { kind: 'connectedApp', clientId, secretId, secretValue, username: user };
  const username = env(e, 'TABLEAU_USERNAME');
  const password = env(e, 'TABLEAU_PASSWORD');
  if (username && password) return { kind: 'password', username, password };
  const partial = patName || patSecret ? 'TABLEAU_PAT_NAME and TABLEAU_PAT_SECRET must both be set. ' : '';
  throw new TableauError({
    reason: 'signInFailed',
    message:
      `${partial}No credentials in the environment. Set TABLEAU_PAT_NAME + TABLEAU_PAT_SECRET, or TABLEAU_USERNAME + TABLEAU_PASSWORD, ` +
      'or TABLEAU_CONNECTED_APP_CLIENT_ID + TABLEAU_CONNECTED_APP_SECRET_ID + TABLEAU_CONNECTED_APP_SECRET_VALUE + TABLEAU_USER.',
  });
}

/** How a message that reports a limit tells the user to raise it. */
const CLI_LIMIT_NAMES: LimitNames = {
  requestTimeout: '--request-timeout (seconds)',
  transferTimeout: '--transfer-timeout (minutes)',
  maxListItems: '--max-items',
};

/** How long each step of closing (sign-out, then the HTTP connections) may take at the end of a run. */
const CLOSE_WAIT_MS = 5000;
const CANCELLED_CLOSE_WAIT_MS = 1500;

export function openConnection(args: CommonArgs & { command: string }, e: NodeJS.ProcessEnv, logger: Logger): CliConnection {
  const serverInput = args.server ?? env(e, 'TABLEAU_SERVER');
  if (!serverInput) throw usageError('No server: pass --server URL or set TABLEAU_SERVER.');
  const server = parseServerAddress(serverInput);
  if (!server.isHttps && !server.isLoopback) {
    logger.warn(
      `${server.serverUrl} uses plain http://: your credentials and session token cross the network unencrypted. Use https:// unless this network is trusted.`,
    );
  }
  const credential = credentialFromEnv(e);
  registerCredentialSecrets(credential);
  const site = args.site ?? e.TABLEAU_SITE ?? server.siteContentUrl ?? '';
  let caPem: string | undefined;
  const caFile = env(e, 'TABLEAU_CA_FILE');
  if (caFile) {
    try {
      caPem = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new TableauError({ reason: 'invalidFile', message: `TABLEAU_CA_FILE "${caFile}" cannot be read.`, cause: err });
    }
    if (!looksLikePem(caPem)) {
      throw new TableauError({ reason: 'invalidFile', message: `TABLEAU_CA_FILE "${caFile}" holds no PEM certificate (-----BEGIN CERTIFICATE-----). Export the CA certificate in PEM (Base-64) form.` });
    }
  }
  // A connected app's JWT carries only what this command needs: listing never holds publish rights.
  const scopes = credential.kind === 'connectedApp' ? scopesFor(args.command === 'publish' ? 'publish' : 'read') : undefined;
  const stack = createClient({
    server,
    http: {
      caPem,
      ...proxyOptionsFromEnv(e),
      requestTimeoutMs: args.requestTimeoutSeconds !== undefined ? args.requestTimeoutSeconds * 1000 : undefined,
      transferTimeoutMs: args.transferTimeoutMinutes !== undefined ? args.transferTimeoutMinutes * 60_000 : undefined,
    },
    logger,
    limitNames: CLI_LIMIT_NAMES,
    credential,
    siteContentUrl: site,
    scopes,
    client: { maxListItems: args.maxListItems },
  });
  return {
    client: stack.client,
    session: stack.session,
    get serverUrl() {
      return stack.api.server.serverUrl;
    },
    requestedServerUrl: server.serverUrl,
    site,
    close(opts = {}) {
      // Shorter after a Ctrl+C, so a slow or hung server never keeps the run from ending.
      return stack.close({ waitMs: opts.cancelled ? CANCELLED_CLOSE_WAIT_MS : CLOSE_WAIT_MS });
    },
  };
}
