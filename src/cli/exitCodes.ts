/** Exit codes of `tableau-publish`, and how an error maps to one. */
import { isCancellation, TableauError } from '../core/errors';

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  notFoundOrConflict: 4,
  serverOrNetwork: 5,
  invalidFile: 6,
  /**
   * Published, but a step after it failed: a settings or permissions step, the extract refresh,
   * or a view that cannot render (--check-views).
   */
  afterPublishFailed: 7,
  /** --fail-on-impact: the overwrite was refused because workbooks use the data source. */
  impactRefused: 8,
  cancelled: 130,
} as const;

export function exitCodeFor(e: unknown): number {
  if (isCancellation(e)) return EXIT.cancelled;
  if (!TableauError.is(e)) return EXIT.failure;
  switch (e.reason) {
    case 'invalidArgument':
    case 'invalidServerAddress':
    case 'redirectRefused': // the fix is another server address
      return EXIT.usage;
    case 'signInFailed':
    case 'sessionExpired':
    case 'forbidden':
      return EXIT.auth;
    case 'notFound':
    case 'alreadyExists':
    case 'busy':
    case 'connectionCheckFailed':
    case 'readOnly':
    case 'notUpdatable':
    case 'requestIdReused':
    case 'revisionNotFound':
    case 'revisionHistoryOff':
      return EXIT.notFoundOrConflict;
    case 'impactRefused':
      return EXIT.impactRefused;
    case 'settingsNotApplied':
      return EXIT.afterPublishFailed;
    case 'invalidFile':
    case 'fileChanged':
    case 'appendNotSupported':
      return EXIT.invalidFile;
    default:
      return EXIT.serverOrNetwork;
  }
}

/** A usage error: the command line itself is wrong. */
export function usageError(message: string): TableauError {
  return new TableauError({ reason: 'invalidArgument', message });
}
