import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { type ItemRef, resolveRef } from './itemRef';

/** Registers one "Copy ..." command; `value` picks what to copy from the item. */
export function registerCopy(services: Services, id: string, what: string, value: (ref: ItemRef) => string | undefined): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (node?: unknown): Promise<string | undefined> => {
    try {
      const ref = await resolveRef(services, node, ['workbook', 'datasource', 'project'], { placeHolder: vscode.l10n.t('Copy {0}', what) });
      if (!ref) return undefined;
      const text = value(ref);
      if (!text) {
        await services.ui.notify('info', vscode.l10n.t('"{0}" has no {1}.', ref.name, what));
        return undefined;
      }
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0} of "{1}".', what, ref.name), 3000);
      return text;
    } catch (e) {
      await services.errors.show(e);
      return undefined;
    }
  });
}
