/**
 * Which redirects this client follows. A sign-in carries the credential and every other
 * call the session token, so a redirect is followed with them only where they may go:
 * the same origin, or one Tableau Cloud pod to another, and never to plain http on
 * another machine. Anything else is an error naming both addresses.
 */
import { TableauError } from '../errors';
import { globalRedactor } from '../logger';
import { isLoopbackHost, parseServerAddress } from './serverAddress';

export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** `https://online.tableau.com` or `https://<pod>.online.tableau.com`, on the default port. */
export function isTableauCloudPod(u: URL): boolean {
  const h = u.hostname.toLowerCase();
  return u.protocol === 'https:' && u.port === '' && (h === 'online.tableau.com' || h.endsWith('.online.tableau.com'));
}

function isHttpScheme(u: URL): boolean {
  return u.protocol === 'https:' || u.protocol === 'http:';
}

/** Plain http to a host that may be another machine: whatever is sent is readable on the wire. */
function inClear(u: URL): boolean {
  return u.protocol !== 'https:' && !isLoopbackHost(u.hostname);
}

/** True when a request carrying credentials (a sign-in body, the session token) may follow from `from` to `to`. */
export function mayFollowWithCredentials(from: URL, to: URL): boolean {
  if (!isHttpScheme(to) || to.username || to.password) return false;
  if (inClear(to)) return false;
  if (from.origin === to.origin) return true;
  return isTableauCloudPod(from) && isTableauCloudPod(to);
}

/** True when a request without credentials (a download after the token was dropped) may follow. */
export function mayFollowWithoutCredentials(from: URL, to: URL): boolean {
  if (!isHttpScheme(to) || to.username || to.password) return false;
  if (from.origin === to.origin) return true;
  // Never from https down to http, and never plain http to another machine.
  return !inClear(to) && !(from.protocol === 'https:' && to.protocol !== 'https:');
}

/** A server-chosen address that carries one of our secrets (a hostile server echoing what it was sent). */
export function carriesSecret(address: string): boolean {
  return globalRedactor.appearsIn(address);
}

/**
 * The address to show for a redirect target: its server URL when it parses as one, else
 * scheme://host. Never user info, query or hash, and never an address carrying a secret.
 */
export function describeTarget(to: URL): string {
  let shown: string;
  try {
    shown = parseServerAddress(`${to.protocol}//${to.host}${to.pathname}`).serverUrl;
  } catch {
    shown = `${to.protocol}//${to.host}`;
  }
  if (!carriesSecret(shown)) return shown;
  return carriesSecret(`${to.protocol}//${to.host}`) ? 'an address built from your credentials' : `${to.protocol}//${to.host}`;
}

/** The Location of a redirect answer, resolved against the request URL; undefined when absent or unparsable. */
export function redirectLocation(location: string | undefined, requestUrl: string): URL | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, requestUrl);
  } catch {
    return undefined;
  }
}

export function refusedRedirect(opts: { from: string; to: URL; status: number; what: 'sign-in' | 'request'; echoesSecret?: boolean }): TableauError {
  const target = describeTarget(opts.to);
  const why = opts.echoesSecret
    ? 'the address contains your credentials, so the server is not behaving like Tableau'
    : inClear(opts.to)
      ? `${target} is plain http:// on another machine`
      : 'it is neither the same address nor another Tableau Cloud pod (https://*.online.tableau.com)';
  const advice = opts.echoesSecret
    ? 'Your credentials were not sent on. Check the server address: it may not be a Tableau server.'
    : opts.what === 'sign-in'
      ? `Your credentials were not sent there. If ${target} is the right server, update the server address to it.`
      : 'The session token was not sent there.';
  return new TableauError({
    reason: 'redirectRefused',
    status: opts.status,
    message: `${opts.from} redirected the ${opts.what} to ${target}, which this client does not follow: ${why}. ${advice}`,
  });
}
