import { TableauError } from '../errors';

export interface ServerAddress {
  /** scheme://host[:port][/prefix], no trailing slash. */
  serverUrl: string;
  /** When the input named a site (a pasted browser URL). "" means the default site was named explicitly. */
  siteContentUrl?: string;
  isHttps: boolean;
  /** localhost / 127.0.0.0/8 / ::1 (not names under .localhost: see isLoopbackHost) */
  isLoopback: boolean;
}

function invalid(message: string): TableauError {
  return new TableauError({ reason: 'invalidServerAddress', message });
}

/**
 * This machine, by name or address. Names under `.localhost` do not count: Node resolves them
 * through the system resolver like any other name (hosts file, DNS), so they may lead to
 * another machine, and checking what one resolves to now does not bind where a request goes.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (h === 'localhost') return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return /^127(\.\d{1,3}){3}$/.test(h);
}

// Path segments that begin Tableau's own routes; anything before them is a reverse-proxy prefix.
const ROUTE_SEGMENTS = new Set(['api', 't', '#', 'views', 'vizportal', 'auth', 'signin', 'site']);

/**
 * Turns what a person typed or pasted into a server URL (+ the site when the input named one).
 * Accepts `host`, `https://host/`, `https://host:8443/prefix/`, browser URLs
 * (`https://host/#/site/sales/home`, `https://host/t/sales/views/...`) and REST URLs (`/api/3.19/...`).
 */
export function parseServerAddress(input: string): ServerAddress {
  const text = (input ?? '').trim();
  if (!text) throw invalid('The server address is empty. Enter the address of your Tableau Server or Tableau Cloud site, e.g. https://tableau.example.com.');
  if (/\s/.test(text)) throw invalid('The server address contains spaces. Enter just the address, e.g. https://tableau.example.com.');

  // Never echo what was typed before the '@': it may be a password.
  if (/^(?:[a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i.test(text)) {
    throw invalid('The server address must not contain a user name or password. Enter only the address; credentials are asked for separately.');
  }
  const schemeMatch = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  let withScheme = text;
  if (schemeMatch && /^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const scheme = schemeMatch[1].toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') {
      throw invalid(`The server address must start with https:// (or http://), not ${scheme}:.`);
    }
  } else if (schemeMatch && !/^[^:/]+:\d+(?:[/?#]|$)/.test(text)) {
    // "javascript:alert(1)", "mailto:x", "file:foo" — a scheme without //, and not host:port.
    throw invalid(`The server address must start with https:// (or http://), not ${schemeMatch[1].toLowerCase()}:.`);
  } else {
    withScheme = `https://${text}`;
  }

  if (/^[a-z][a-z0-9+.-]*:\/\/(?:[/?#]|$)/i.test(withScheme)) {
    throw invalid('The server address has no host name. Enter it like https://tableau.example.com.');
  }
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid('The server address is not a valid web address. Enter it like https://tableau.example.com.');
  }
  if (url.username || url.password) {
    throw invalid('The server address must not contain a user name or password. Enter only the address; credentials are asked for separately.');
  }
  if (!url.hostname) throw invalid('The server address has no host name. Enter it like https://tableau.example.com.');

  const isHttps = url.protocol === 'https:';
  const segments = url.pathname.split('/').filter((s) => s.length > 0);
  let siteContentUrl: string | undefined;
  const prefix: string[] = [];
  let i = 0;
  for (; i < segments.length; i++) {
    if (ROUTE_SEGMENTS.has(segments[i].toLowerCase())) break;
    prefix.push(segments[i]);
  }
  const route = segments.slice(i);
  if (route[0]?.toLowerCase() === 't' && route[1]) siteContentUrl = decodeURIComponent(route[1]);

  // The hash carries the site in browser URLs: #/site/<contentUrl>/... ; #/home etc. mean the default site.
  const hash = url.hash.replace(/^#/, '');
  if (hash.startsWith('/')) {
    const h = hash.split(/[?]/)[0].split('/').filter((s) => s.length > 0);
    if (h[0] === 'site' && h[1]) siteContentUrl = decodeURIComponent(h[1]);
    else if (h.length > 0 && siteContentUrl === undefined) siteContentUrl = '';
  }

  const prefixPath = prefix.length ? `/${prefix.join('/')}` : '';
  return {
    serverUrl: `${url.protocol}//${url.host}${prefixPath}`,
    ...(siteContentUrl !== undefined ? { siteContentUrl } : {}),
    isHttps,
    isLoopback: isLoopbackHost(url.hostname),
  };
}

/** "host[:port]" of a saved server address, for labels; the text itself when it is not a URL. */
export function hostOf(serverUrl: string): string {
  try {
    return new URL(serverUrl).host;
  } catch {
    return serverUrl;
  }
}
