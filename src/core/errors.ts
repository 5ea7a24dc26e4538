/**
 * One error type for everything the core reports. Code branches on `reason`, never on
 * message text. Messages are written for the person who will read them and never hold
 * a secret (callers must not interpolate credentials, tokens or JWTs into them).
 */
export type TableauErrorReason =
  // input and configuration
  | 'invalidServerAddress'
  | 'invalidArgument'
  | 'invalidFile'
  | 'fileChanged'
  // transport
  | 'network'
  | 'timeout'
  | 'tls'
  | 'cancelled'
  | 'responseTooLarge'
  // answers that are not Tableau's
  | 'notTableauResponse'
  | 'redirectRefused' // a redirect to where credentials must not go
  | 'malformedResponse'
  // Tableau's own errors, grouped
  | 'signInFailed' // 401001: bad, expired or revoked credentials
  | 'sessionExpired' // 401002 / 401000: token no longer valid
  | 'forbidden' // 403xxx other than below
  | 'alreadyExists' // 403007 / 409xxx
  | 'connectionCheckFailed' // 403132
  | 'busy' // 403131 / 409093
  | 'notFound' // 404xxx
  | 'badRequest' // 400xxx
  | 'appendNotSupported' // 400054
  | 'publishFailed' // 400011
  | 'rateLimited' // 429
  | 'serverError' // 5xx
  | 'jobFailed'
  | 'jobCancelled'
  | 'jobTimeout' // gave up waiting; the job may still finish on the server
  | 'impactRefused' // an overwrite refused because workbooks use the data source (--fail-on-impact)
  | 'readOnly'
  | 'settingsNotApplied' // published, but a settings or permissions step after it failed
  | 'apiVersionTooLow' // the server's REST API is older than the call needs
  | 'notUpdatable' // a data source Tableau's incremental update does not take
  | 'requestIdReused' // a RequestID Tableau already ran, now with other content
  | 'revisionHistoryOff' // the site keeps no revision history (site setting revisionHistoryEnabled=false)
  | 'revisionNotFound'; // a revision that was removed, or dropped past the site's revision limit

export interface TableauErrorInit {
  reason: TableauErrorReason;
  message: string;
  status?: number;
  code?: string;
  summary?: string;
  detail?: string;
  /** Seconds, from a Retry-After header. */
  retryAfter?: number;
  cause?: unknown;
}

export class TableauError extends Error {
  readonly reason: TableauErrorReason;
  readonly status?: number;
  /** Tableau's error code, e.g. "401002". */
  readonly code?: string;
  readonly summary?: string;
  readonly detail?: string;
  readonly retryAfter?: number;

  constructor(init: TableauErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TableauError';
    this.reason = init.reason;
    this.status = init.status;
    this.code = init.code;
    this.summary = init.summary;
    this.detail = init.detail;
    this.retryAfter = init.retryAfter;
  }

  static is(e: unknown, reason?: TableauErrorReason | readonly TableauErrorReason[]): e is TableauError {
    if (!(e instanceof TableauError)) return false;
    if (reason === undefined) return true;
    return typeof reason === 'string' ? e.reason === reason : reason.includes(e.reason);
  }
}

/** The user (or a caller) cancelled. Never shown as a failure. */
export function isCancellation(e: unknown): boolean {
  return TableauError.is(e, 'cancelled') || (e instanceof Error && e.name === 'AbortError');
}

/** The user (or a caller) gave up: a prompt dismissed, a signal aborted. */
export function cancelled(cause?: unknown): TableauError {
  return new TableauError({ reason: 'cancelled', message: 'Cancelled.', cause });
}

/** Throws a 'cancelled' TableauError if the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}
