import * as vscode from 'vscode';
import { TableauError } from '../../../core/errors';
import { globalRedactor } from '../../../core/logger';
import { ContentNode, type TreeContext } from './base';

/** A listing that failed: the core's message, and Retry (click or inline action). Never a dialog. */
export class ErrorNode extends ContentNode {
  readonly kind = 'error' as const;

  constructor(
    parent: ContentNode | undefined,
    ctx: TreeContext,
    public message: string,
    readonly reason: string,
  ) {
    super(`${parent?.id ?? 'root'}|error`, parent, ctx);
  }

  static from(e: unknown, parent: ContentNode | undefined, ctx: TreeContext): ErrorNode {
    ctx.services.logger.warn(`Listing failed under ${parent?.id ?? 'root'}:`, e instanceof Error ? e.message : String(e));
    const message = e instanceof Error ? e.message : String(e);
    return new ErrorNode(parent, ctx, message, TableauError.is(e) ? e.reason : 'unknown');
  }

  override update(from: this): void {
    this.message = from.message;
  }

  getTreeItem(): vscode.TreeItem {
    const text = globalRedactor.redact(this.message);
    const item = this.item(text, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.description = vscode.l10n.t('click to retry');
    item.tooltip = text;
    item.contextValue = 'error';
    item.command = { command: 'tableau.retry', title: vscode.l10n.t('Retry'), arguments: [this] };
    return item;
  }
}
