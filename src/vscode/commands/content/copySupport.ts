import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { type Command, type CommandId, defineCommand } from '../command';
import { type ItemRef, resolveRef } from './itemRef';

/** One "Copy ..." command; `value` picks what to copy from the item. */
export function copyCommand<Id extends CommandId>(id: Id, what: string, value: (ref: ItemRef, services: Services) => string | undefined | Promise<string | undefined>): Command<Id, string | undefined> {
  return defineCommand(id, async (services, node?: unknown): Promise<string | undefined> => {
    const ref = await resolveRef(services, node, ['workbook', 'datasource', 'project'], { placeHolder: vscode.l10n.t('Copy {0}', what) });
    if (!ref) return undefined;
    const text = await value(ref, services);
    if (!text) {
      await services.ui.notify('info', vscode.l10n.t('"{0}" has no {1}.', ref.name, what));
      return undefined;
    }
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0} of "{1}".', what, ref.name), 3000);
    return text;
  });
}
