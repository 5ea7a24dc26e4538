/** Wire-level helpers for the simulator's own tests: plain fetch, hand-written bodies, no client. */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { RunningSimulator } from '../simulator/index';

export const V = '3.23';

/** Decoded JSON answers, walked freely in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function api(sim: RunningSimulator, path: string): string {
  return `${sim.url}/api/${V}/${path}`;
}

export interface Auth { token: string; siteId: string; userId: string }

/** Sign in with a JSON body; throws with the status and body when it fails. */
export async function signIn(sim: RunningSimulator, credentials: Record<string, unknown>, site = ''): Promise<Auth> {
  const res = await fetch(api(sim, 'auth/signin'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ credentials: { ...credentials, site: { contentUrl: site } } }),
  });
  const body = (await res.json()) as { credentials?: { token: string; site: { id: string }; user: { id: string } }; error?: { code: string } };
  if (res.status !== 200 || !body.credentials) throw Object.assign(new Error(`sign-in ${res.status} ${body.error?.code}`), { status: res.status, code: body.error?.code });
  return { token: body.credentials.token, siteId: body.credentials.site.id, userId: body.credentials.user.id };
}

export async function getJson(sim: RunningSimulator, auth: Auth, path: string): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(api(sim, path.replace('{site}', auth.siteId)), { headers: { 'X-Tableau-Auth': auth.token, Accept: 'application/json' } });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

export interface Part { disposition: string; contentType?: string; body: string | Buffer }

/** A multipart/mixed body exactly as the notes describe it (CRLF line ends). */
export function multipart(parts: Part[], boundary = `b${randomUUID().replace(/-/g, '')}`): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${p.disposition}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/mixed; boundary=${boundary}` };
}

export function payloadPart(xml: string, form = false): Part {
  return { disposition: form ? 'form-data; name="request_payload"; filename=""' : 'name="request_payload"', contentType: 'text/xml', body: xml };
}

export function filePart(name: string, fileName: string, bytes: Buffer | string, form = false): Part {
  return { disposition: `${form ? 'form-data; ' : ''}name="${name}"; filename="${fileName}"`, contentType: 'application/octet-stream', body: bytes };
}

export async function post(sim: RunningSimulator, auth: Auth | undefined, path: string, body: Buffer | string, contentType: string, json = true): Promise<{ status: number; body: Json; text: string; headers: Headers }> {
  const headers: Record<string, string> = { 'Content-Type': contentType };
  if (json) headers.Accept = 'application/json';
  if (auth) headers['X-Tableau-Auth'] = auth.token;
  const res = await fetch(api(sim, auth ? path.replace('{site}', auth.siteId) : path), { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

export function workbookPayload(name: string, projectId: string, extra = ''): string {
  return `<tsRequest><workbook name="${name}" showTabs="true"><project id="${projectId}"/>${extra}</workbook></tsRequest>`;
}

export function datasourcePayload(name: string, projectId: string): string {
  return `<tsRequest><datasource name="${name}"><project id="${projectId}"/></datasource></tsRequest>`;
}

/** A Connected App JWT as a real client would mint it; `over` replaces claims or header fields. */
export async function mintJwt(app: { clientId: string; secretId: string; secretValue: string }, sub: string, scp: unknown, over: { claims?: Record<string, unknown>; header?: Record<string, unknown>; expSeconds?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scp, ...over.claims })
    .setProtectedHeader({ alg: 'HS256', kid: app.secretId, iss: app.clientId, ...over.header })
    .setIssuer(app.clientId)
    .setAudience('tableau')
    .setSubject(sub)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (over.expSeconds ?? 300))
    .sign(new TextEncoder().encode(app.secretValue));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
