/**
 * Which proxy a request takes is undici's EnvHttpProxyAgent's job (per request, NO_PROXY included);
 * this module only reads the environment the way curl and most tools do, into HttpClient options:
 * HTTPS_PROXY for https targets (falling back to HTTP_PROXY), HTTP_PROXY for http ones, upper-case
 * names before lower-case, NO_PROXY a comma/space list of hosts, domain suffixes, host:port, or `*`.
 */
export interface ProxyOptions {
  /** The proxy for https targets, and for http ones unless `httpProxyUrl` is given. */
  proxyUrl?: string;
  /** The proxy for http targets; '' means none. */
  httpProxyUrl?: string;
  /** Hosts that go direct (NO_PROXY syntax). */
  noProxy?: string;
}

export function proxyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ProxyOptions {
  const pick = (...names: string[]): string | undefined => {
    for (const n of names) {
      const v = env[n]?.trim();
      if (v) return v;
    }
    return undefined;
  };
  const forHttp = pick('HTTP_PROXY', 'http_proxy');
  const forHttps = pick('HTTPS_PROXY', 'https_proxy') ?? forHttp;
  const noProxy = pick('NO_PROXY', 'no_proxy');
  // NO_PROXY is returned even without a proxy here: it also applies to one set elsewhere (VS Code's http.proxy).
  return { ...(forHttps ? { proxyUrl: withScheme(forHttps), httpProxyUrl: forHttp ? withScheme(forHttp) : '' } : {}), ...(noProxy ? { noProxy } : {}) };
}

function withScheme(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
