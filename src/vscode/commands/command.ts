// What a command module exports. The module holds the happy path only; registry.ts registers
// it through the one wrapper that shows failures, keeps cancellations quiet and logs.
import type { ErrorAction } from '../services/errors';
import type { Services } from '../services/services';

/**
 * Every command id package.json contributes. The registry must hold a command for each and
 * for nothing else: the compiler checks the first, test/unit/commands checks package.json.
 */
export type CommandId =
  | 'tableau.addConnection'
  | 'tableau.editConnection'
  | 'tableau.removeConnection'
  | 'tableau.signIn'
  | 'tableau.signOut'
  | 'tableau.switchSite'
  | 'tableau.switchConnection'
  | 'tableau.actAsUser'
  | 'tableau.testConnection'
  | 'tableau.toggleReadOnly'
  | 'tableau.showLog'
  | 'tableau.refreshContent'
  | 'tableau.loadMore'
  | 'tableau.retry'
  | 'tableau.filterContent'
  | 'tableau.clearFilter'
  | 'tableau.searchContent'
  | 'tableau.openInBrowser'
  | 'tableau.copyName'
  | 'tableau.copyLuid'
  | 'tableau.copyContentUrl'
  | 'tableau.copyWebUrl'
  | 'tableau.download'
  | 'tableau.refreshExtract'
  | 'tableau.deleteContent'
  | 'tableau.createProject'
  | 'tableau.publish'
  | 'tableau.publishAgain'
  | 'tableau.publishAll'
  | 'tableau.switchEnvironment'
  | 'tableau.previewPublish'
  | 'tableau.promote'
  | 'tableau.updatePublishedData'
  | 'tableau.openRevision'
  | 'tableau.compareWithPreviousRevision'
  | 'tableau.restoreRevision'
  | 'tableau.compareWithServer'
  | 'tableau.runFlowNow';

/** How a command's failure reads and what it returns then; the defaults suit most commands. */
export interface CommandOptions<R> {
  /** Put before the error text, e.g. "Delete failed:". */
  readonly errorPrefix?: string;
  /** What the command returns when it fails or is cancelled (callers and tests read it). Default: undefined. */
  readonly failedResult?: R;
  /** Offer "Retry" on the error message: it runs the command again with the same arguments. */
  readonly retry?: boolean;
  /** More buttons on this command's error message (besides "Show Log" and those for every error of its kind). */
  readonly errorActions?: (e: unknown, ...args: unknown[]) => ErrorAction[];
}

export interface Command<Id extends CommandId = CommandId, R = unknown> extends CommandOptions<R> {
  readonly id: Id;
  /**
   * The happy path, called with the arguments VS Code passes (a tree node, a URI, a string...
   * from menus, or anything from the palette and other extensions: check them). Failures are
   * thrown; a user who backs out throws a 'cancelled' TableauError or just returns.
   */
  readonly run: (s: Services, ...args: unknown[]) => R | Promise<R>;
}

export function defineCommand<Id extends CommandId, R>(
  id: Id,
  run: (s: Services, ...args: unknown[]) => R | Promise<R>,
  options: CommandOptions<R> = {},
): Command<Id, R> {
  return { ...options, id, run };
}
