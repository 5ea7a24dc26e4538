/**
 * The bounds every wait, download and listing runs within, their defaults, and how the user
 * raises each one. The core only knows the numbers; the CLI and the extension say which flag
 * or setting sets them (`LimitNames`), so a message that reports a limit can name it.
 */

/** A control request (serverInfo, sign-in, a listing page, a small change) must be over in this time. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * One upload part, publish commit or download must be over in this time. 4 hours: a 25 GB
 * download (Tableau Cloud's largest workbook or data source) at 2 MB/s takes about 3.5 h.
 * Stalls are caught much sooner by the idle timeouts; this only ends a server that trickles forever.
 */
export const DEFAULT_TRANSFER_TIMEOUT_MS = 4 * 60 * 60_000;
/** Largest download written to disk: 32 GiB, above Tableau Cloud's 25 GB per workbook / data source. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 32 * 1024 ** 3;
/**
 * Most items one listing collects (all projects, all views...). A 10,000-project site
 * uses 5 % of it; 200,000 decoded items hold a few hundred MB at most.
 */
export const DEFAULT_MAX_LIST_ITEMS = 200_000;
/** Say what is being waited for after this long without a byte from the server. */
export const DEFAULT_WAIT_NOTICE_MS = 5_000;

/** How the user raises each limit, as it should appear in a message ("the setting tableau.requestTimeoutSeconds"). */
export interface LimitNames {
  requestTimeout?: string;
  transferTimeout?: string;
  maxDownload?: string;
  maxListItems?: string;
}

/** Names for messages when the caller gave none. */
export const GENERIC_LIMIT_NAMES: Required<LimitNames> = {
  requestTimeout: 'the request timeout',
  transferTimeout: 'the transfer timeout',
  maxDownload: 'the download size limit',
  maxListItems: 'the listing limit',
};

export function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
