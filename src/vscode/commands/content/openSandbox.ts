import * as vscode from 'vscode';
import type { Services } from '../../services/services';

export const ID = 'tableau.openSandbox';

/**
 * The sandbox is a local Tableau REST simulator with demo content. It runs from a
 * checkout of this project, so this opens the README section that explains it.
 */
export function register(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(ID, async () => {
    const readme = vscode.Uri.joinPath(services.context.extensionUri, 'README.md');
    const howTo = vscode.l10n.t('Run "npm run sandbox" in a checkout of Tableau Publisher: it starts a local Tableau simulator and prints a URL and a demo token to add as a connection.');
    const open = vscode.l10n.t('Open README');
    const choice = await services.ui.notify('info', howTo, open);
    if (choice === open) await vscode.commands.executeCommand('markdown.showPreview', readme);
  });
}
