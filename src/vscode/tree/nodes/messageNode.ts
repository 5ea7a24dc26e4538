import * as vscode from 'vscode';
import { ContentNode, type TreeContext } from './base';

/** An informational line ("This project is empty."). */
export class MessageNode extends ContentNode {
  readonly kind = 'message' as const;

  constructor(
    parent: ContentNode | undefined,
    ctx: TreeContext,
    readonly text: string,
  ) {
    super(`${parent?.id ?? 'root'}|message`, parent, ctx);
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.item(this.text, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('info');
    item.contextValue = 'message';
    return item;
  }
}
