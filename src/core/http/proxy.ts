/**
 * Proxy selection the way curl and most tools read the environment:
 * HTTPS_PROXY for https targets, HTTP_PROXY for http ones (lower-case names too),
 * NO_PROXY a comma list of hosts / domain suffixes / host:port, `*` for all.
 */
export function proxyFromEnv(targetUrl: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let target: URL;
  try {
    target = new URL(targetUrl);
  } catch {
    return undefined;
  }
  const pick = (...names: string[]): string | undefined => {
    for (const n of names) {
      const v = env[n]?.trim();
      if (v) return v;
    }
    return undefined;
  };
  const proxy = target.protocol === 'https:' ? pick('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy') : pick('HTTP_PROXY', 'http_proxy');
  if (!proxy) return undefined;
  if (isNoProxy(target, pick('NO_PROXY', 'no_proxy'))) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/** True when NO_PROXY (comma/space separated) excludes the target. */
export function isNoProxy(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[,\s]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(.*?):(\d+)$/.exec(entry);
    if (m && !entry.includes('::')) {
      entry = m[1];
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
    if (entryPort && entryPort !== port) continue;
    if (entry.startsWith('.') ? host.endsWith(entry) || host === entry.slice(1) : host === entry || host.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}
