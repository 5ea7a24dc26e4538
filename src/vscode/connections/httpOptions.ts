// Turns VS Code settings into core HttpClient options. No VS Code import: the caller
// reads the settings and passes plain values, so the rules are unit-tested.
import { proxyOptionsFromEnv, type HttpClientOptions } from '../../core/http/httpClient';
import type { LimitNames } from '../../core/limits';

/** How a message that reports a limit names the setting that raises it. */
export const SETTING_LIMIT_NAMES: Required<LimitNames> = {
  requestTimeout: 'the setting tableau.requestTimeoutSeconds',
  transferTimeout: 'the setting tableau.transferTimeoutMinutes',
  maxDownload: 'the setting tableau.maxDownloadMB',
  maxListItems: 'the setting tableau.maxListItems',
};

export { looksLikePem } from '../../core/http/caFile';

export interface HttpSettingValues {
  /** `http.proxy`; empty means none (then HTTPS_PROXY / HTTP_PROXY from `env` apply). */
  proxy?: string;
  /** `http.noProxy`: hosts that go direct, with NO_PROXY from `env`, whichever proxy applies. */
  noProxy?: string[];
  /** `http.proxyStrictSSL` as the user set it explicitly (any scope); undefined when left at its default. */
  strictSSLExplicit?: boolean;
  /** `tableau.requestTimeoutSeconds`: whole time of a control request. */
  requestTimeoutSeconds?: number;
  /** `tableau.transferTimeoutMinutes`: whole time of an upload part, publish commit or download. */
  transferTimeoutMinutes?: number;
  /** `tableau.maxDownloadMB`. */
  maxDownloadMB?: number;
  /** Contents of the connection's CA file, when it has one. */
  caPem?: string;
  env?: NodeJS.ProcessEnv;
}

export interface HttpSettingsResult {
  options: HttpClientOptions;
  /** True when TLS verification is off, so the caller shows its one-time warning. */
  insecure: boolean;
}

export function httpOptionsFrom(v: HttpSettingValues): HttpSettingsResult {
  const options: HttpClientOptions = { limitNames: SETTING_LIMIT_NAMES };
  // undici does not see VS Code's proxy support, so the environment is read here, like the CLI does.
  const fromEnv = proxyOptionsFromEnv(v.env ?? {});
  const proxy = v.proxy?.trim();
  if (proxy) options.proxyUrl = proxy;
  else if (fromEnv.proxyUrl) Object.assign(options, { proxyUrl: fromEnv.proxyUrl, httpProxyUrl: fromEnv.httpProxyUrl });
  const noProxy = [...(Array.isArray(v.noProxy) ? v.noProxy.filter((h): h is string => typeof h === 'string') : []), fromEnv.noProxy ?? '']
    .map((h) => h.trim())
    .filter(Boolean);
  if (noProxy.length) options.noProxy = noProxy.join(',');
  if (v.caPem) options.caPem = v.caPem;
  const positive = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
  if (positive(v.requestTimeoutSeconds)) options.requestTimeoutMs = v.requestTimeoutSeconds * 1000;
  if (positive(v.transferTimeoutMinutes)) options.transferTimeoutMs = v.transferTimeoutMinutes * 60_000;
  if (positive(v.maxDownloadMB)) options.maxDownloadBytes = v.maxDownloadMB * 1024 * 1024;
  // Verification goes off only on an explicit `false`, never because a value is missing.
  const insecure = v.strictSSLExplicit === false;
  if (insecure) options.rejectUnauthorized = false;
  return { options, insecure };
}

/**
 * `tableau.maxListItems` as the core takes it: a whole number of at least 1, else the core's default
 * (settings.json is not checked against the contributed minimum at run time).
 */
export function maxListItemsFrom(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined;
}
