/** Wiring of the core REST stack against an in-process simulator, for the core tests. */
import { HttpClient } from '../../../src/core/http/httpClient';
import { parseServerAddress } from '../../../src/core/http/serverAddress';
import { TableauRestApi } from '../../../src/core/api/restApi';
import { TableauSession } from '../../../src/core/auth/session';
import { TableauClient } from '../../../src/core/api/client';
import type { Credential } from '../../../src/core/auth/credentials';
import type { RunningSimulator } from '../../simulator';

export interface Stack {
  http: HttpClient;
  api: TableauRestApi;
  session: TableauSession;
  client: TableauClient;
}

export function stack(
  sim: RunningSimulator,
  credential: Credential,
  site: string,
  opts: { impersonateUserId?: string; scopes?: string[]; format?: 'xml' | 'json'; http?: HttpClient; api?: TableauRestApi } = {},
): Stack {
  const http = opts.http ?? new HttpClient({ headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 });
  const api = opts.api ?? new TableauRestApi({ server: parseServerAddress(sim.url), http, format: opts.format });
  const session = new TableauSession({ api, credential, siteContentUrl: site, impersonateUserId: opts.impersonateUserId, scopes: opts.scopes });
  return { http, api, session, client: new TableauClient(session, { retry: { baseDelayMs: 10 } }) };
}

export function pat(name: string, secret: string): Credential {
  return { kind: 'pat', tokenName: name, tokenSecret: secret };
}

export function password(username: string, pw: string): Credential {
  return { kind: 'password', username, password: pw };
}

export function userId(sim: RunningSimulator, name: string): string {
  const u = sim.state().users.find((x) => x.name === name);
  if (!u) throw new Error(`no user ${name}`);
  return u.id;
}
