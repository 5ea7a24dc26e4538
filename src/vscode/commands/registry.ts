// One entry per command id: the compiler refuses a missing id or a module registered under
// another id's name. The start-up shell registers stand-ins for exactly the ids package.json
// contributes until this code is loaded; test/unit/commands checks the two lists agree.
import * as vscode from 'vscode';
import { isCancellation } from '../../core/errors';
import type { ErrorAction } from '../services/errors';
import type { Services } from '../services/services';
import type { Command, CommandId } from './command';
import * as actAsUser from './connection/actAsUser';
import * as previewPublish from './environments/previewPublish';
import * as promote from './environments/promote';
import * as switchEnvironment from './environments/switchEnvironment';
import * as addConnection from './connection/addConnection';
import * as editConnection from './connection/editConnection';
import * as removeConnection from './connection/removeConnection';
import * as showLog from './connection/showLog';
import * as signIn from './connection/signIn';
import * as signOut from './connection/signOut';
import * as switchConnection from './connection/switchConnection';
import * as switchSite from './connection/switchSite';
import * as testConnection from './connection/testConnection';
import * as toggleReadOnly from './connection/toggleReadOnly';
import * as clearFilter from './content/clearFilter';
import * as copyContentUrl from './content/copyContentUrl';
import * as copyLuid from './content/copyLuid';
import * as copyName from './content/copyName';
import * as copyWebUrl from './content/copyWebUrl';
import * as createProject from './content/createProject';
import * as deleteContent from './content/deleteContent';
import * as download from './content/download';
import * as filterContent from './content/filterContent';
import * as loadMore from './content/loadMore';
import * as openInBrowser from './content/openInBrowser';
import * as refreshContent from './content/refreshContent';
import * as refreshExtract from './content/refreshExtract';
import * as updatePublishedData from './content/updatePublishedData';
import * as retry from './content/retry';
import * as searchContent from './content/searchContent';
import * as publish from './publish/publish';
import * as publishAgain from './publish/publishAgain';
import * as publishAll from './publish/publishAll';
import * as compareWithPreviousRevision from './revisions/compareWithPreviousRevision';
import * as compareWithServer from './revisions/compareWithServer';
import * as openRevision from './revisions/openRevision';
import * as restoreRevision from './revisions/restoreRevision';
import * as runFlowNow from './content/runFlowNow';

const COMMANDS: { readonly [Id in CommandId]: Command<Id> } = {
  // connections and credentials
  'tableau.addConnection': addConnection.command,
  'tableau.editConnection': editConnection.command,
  'tableau.removeConnection': removeConnection.command,
  'tableau.signIn': signIn.command,
  'tableau.signOut': signOut.command,
  'tableau.switchSite': switchSite.command,
  'tableau.switchConnection': switchConnection.command,
  'tableau.actAsUser': actAsUser.command,
  'tableau.testConnection': testConnection.command,
  'tableau.toggleReadOnly': toggleReadOnly.command,
  'tableau.showLog': showLog.command,
  // content
  'tableau.refreshContent': refreshContent.command,
  'tableau.loadMore': loadMore.command,
  'tableau.retry': retry.command,
  'tableau.filterContent': filterContent.command,
  'tableau.clearFilter': clearFilter.command,
  'tableau.searchContent': searchContent.command,
  'tableau.openInBrowser': openInBrowser.command,
  'tableau.copyName': copyName.command,
  'tableau.copyLuid': copyLuid.command,
  'tableau.copyContentUrl': copyContentUrl.command,
  'tableau.copyWebUrl': copyWebUrl.command,
  'tableau.download': download.command,
  'tableau.refreshExtract': refreshExtract.command,
  'tableau.deleteContent': deleteContent.command,
  'tableau.createProject': createProject.command,
  // publishing
  'tableau.publish': publish.command,
  'tableau.publishAgain': publishAgain.command,
  'tableau.publishAll': publishAll.command,
  // environments
  'tableau.switchEnvironment': switchEnvironment.command,
  'tableau.previewPublish': previewPublish.command,
  'tableau.promote': promote.command,
  'tableau.updatePublishedData': updatePublishedData.command,
  // revisions and comparing with the server
  'tableau.openRevision': openRevision.command,
  'tableau.compareWithPreviousRevision': compareWithPreviousRevision.command,
  'tableau.restoreRevision': restoreRevision.command,
  'tableau.compareWithServer': compareWithServer.command,
  // Prep flows
  'tableau.runFlowNow': runFlowNow.command,
};

export function registerCommands(s: Services): vscode.Disposable[] {
  return Object.values(COMMANDS).map((c) => registerCommand(s, c));
}

/**
 * Registers one command through the wrapper every command shares (as Azure's extensions do
 * with callWithTelemetryAndErrorHandling): a failure is shown, with the command's prefix and
 * actions (services.errors.show adds "Show Log" and writes it to the log); a cancellation is logged
 * only. Either way the command returns its `failedResult`.
 */
export function registerCommand<R>(s: Services, c: Command<CommandId, R>): vscode.Disposable {
  return vscode.commands.registerCommand(c.id, async (...args: unknown[]): Promise<R | undefined> => {
    // Each pass is the user's answer to an error message ("Retry"), so this ends when they stop.
    for (;;) {
      try {
        return await c.run(s, ...args);
      } catch (e) {
        if (isCancellation(e)) {
          s.logger.debug(`${c.id}: cancelled.`);
          return c.failedResult;
        }
        let again = false;
        const actions: ErrorAction[] = [...(c.errorActions?.(e, ...args) ?? [])];
        if (c.retry) actions.unshift({ title: vscode.l10n.t('Retry'), run: () => (again = true) });
        await s.errors.show(e, { prefix: c.errorPrefix, actions });
        if (!again) return c.failedResult;
      }
    }
  });
}
