// Turns VS Code settings into core HttpClient options. No VS Code import: the caller
// reads the settings and passes plain values, so the rules are unit-tested.
import { proxyFromEnv, type HttpClientOptions } from '../../core/http/httpClient';

export { looksLikePem } from '../../core/http/caFile';

export interface HttpSettingValues {
  /** `http.proxy`; empty means none (the core may still read HTTPS_PROXY from the environment). */
  proxy?: string;
  /** `http.proxyStrictSSL` as the user set it explicitly (any scope); undefined when left at its default. */
  strictSSLExplicit?: boolean;
  /** `tableau.requestTimeoutSeconds`. */
  requestTimeoutSeconds?: number;
  /** Contents of the connection's CA file, when it has one. */
  caPem?: string;
  /** The connection's server: with no `http.proxy`, HTTPS_PROXY / HTTP_PROXY / NO_PROXY from `env` decide for it. */
  serverUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export interface HttpSettingsResult {
  options: HttpClientOptions;
  /** True when TLS verification is off, so the caller shows its one-time warning. */
  insecure: boolean;
}

export function httpOptionsFrom(v: HttpSettingValues): HttpSettingsResult {
  const options: HttpClientOptions = {};
  const proxy = v.proxy?.trim();
  if (proxy) options.proxyUrl = proxy;
  else if (v.serverUrl && v.env) {
    // undici does not see VS Code's proxy support, so the environment is read here, like the CLI does.
    const fromEnv = proxyFromEnv(v.serverUrl, v.env);
    if (fromEnv) options.proxyUrl = fromEnv;
  }
  if (v.caPem) options.caPem = v.caPem;
  const t = v.requestTimeoutSeconds;
  if (typeof t === 'number' && Number.isFinite(t) && t > 0) {
    options.headersTimeoutMs = t * 1000;
    options.bodyTimeoutMs = t * 1000;
  }
  // Verification goes off only on an explicit `false`, never because a value is missing.
  const insecure = v.strictSSLExplicit === false;
  if (insecure) options.rejectUnauthorized = false;
  return { options, insecure };
}
