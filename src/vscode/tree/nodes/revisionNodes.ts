/**
 * "Revisions" under a workbook or data source, and one node per revision (newest first):
 * number, publisher, date, size; the current one marked, removed ones shown as deleted.
 * A site without revision history shows Tableau's refusal as a message, not an error.
 */
import * as vscode from 'vscode';
import { listRevisions, type Revision } from '../../../core/api/revisions';
import { formatBytes } from '../../../core/display';
import { TableauError } from '../../../core/errors';
import type { ContentKind } from '../../../core/models';
import { formatDate } from '../format';
import { type ContentNode, SiteItemNode, type SiteScope, type TreeContext, nodeId, tooltip } from './base';
import { ErrorNode } from './errorNode';
import { MessageNode } from './messageNode';

export interface RevisionOwner {
  kind: ContentKind;
  id: string;
  name: string;
  projectPath: string[];
  hasExtracts?: boolean;
}

export class RevisionsNode extends SiteItemNode {
  readonly kind = 'revisions' as const;
  private listing?: Promise<Revision[]>;

  constructor(scope: SiteScope, parent: ContentNode, ctx: TreeContext, public owner: RevisionOwner) {
    super(nodeId(scope, owner.kind, owner.id, 'revisions'), parent, ctx, scope);
  }

  override update(from: this): void {
    this.owner = from.owner;
  }

  /** Only this listing is forgotten: the site's other listings stay. */
  override invalidate(): void {
    this.listing = undefined;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.item(vscode.l10n.t('Revisions'), vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = new vscode.ThemeIcon('history');
    item.contextValue = 'revisions';
    return item;
  }

  revisions(): Promise<Revision[]> {
    const p = (this.listing ??= this.ctx.services.connections
      .getClient(this.scope.profile.id, { siteContentUrl: this.scope.siteContentUrl })
      .then((c) => listRevisions(c, { kind: this.owner.kind, id: this.owner.id, name: this.owner.name })));
    p.catch(() => this.listing === p && (this.listing = undefined));
    return p;
  }

  override async getChildren(): Promise<ContentNode[]> {
    try {
      const revs = await this.revisions();
      if (revs.length === 0) return [this.ctx.intern(new MessageNode(this, this.ctx, vscode.l10n.t('No revisions.')))];
      return [...revs].reverse().map((r) => this.ctx.intern(new RevisionNode(this.scope, this, this.ctx, this.owner, r)));
    } catch (e) {
      if (TableauError.is(e, 'revisionHistoryOff')) return [this.ctx.intern(new MessageNode(this, this.ctx, e.message))];
      return [this.ctx.intern(ErrorNode.from(e, this, this.ctx))];
    }
  }
}

export class RevisionNode extends SiteItemNode {
  readonly kind = 'revision' as const;

  constructor(scope: SiteScope, parent: RevisionsNode, ctx: TreeContext, public owner: RevisionOwner, public revision: Revision) {
    super(nodeId(scope, owner.kind, owner.id, 'revision', String(revision.number)), parent, ctx, scope);
  }

  override update(from: this): void {
    this.owner = from.owner;
    this.revision = from.revision;
  }

  override invalidate(): void {
    this.parent?.invalidate();
  }

  getTreeItem(): vscode.TreeItem {
    const r = this.revision;
    const item = this.item(vscode.l10n.t('Revision {0}', r.number), vscode.TreeItemCollapsibleState.None);
    const when = formatDate(r.publishedAt);
    const parts = [
      r.current ? vscode.l10n.t('current') : undefined,
      r.deleted ? vscode.l10n.t('deleted') : undefined,
      r.publisher?.name,
      when,
      formatBytes(r.sizeBytes),
    ].filter(Boolean);
    item.description = parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon(r.deleted ? 'trash' : r.current ? 'pass-filled' : 'git-commit');
    // Read-only connections: no Restore (menus match on '.readonly', as for the other nodes).
    item.contextValue = (r.deleted ? 'revision.deleted' : r.current ? 'revision.current' : 'revision') + (this.readOnly ? '.readonly' : '');
    item.tooltip = tooltip(vscode.l10n.t('Revision {0} of {1}', r.number, this.owner.name), vscode.l10n.t('Revision'), [
      [vscode.l10n.t('State'), r.deleted ? vscode.l10n.t('deleted (its content is gone)') : r.current ? vscode.l10n.t('current') : vscode.l10n.t('older')],
      [vscode.l10n.t('Published by'), r.publisher?.name ?? '—'],
      [vscode.l10n.t('Published'), when ?? '—'],
      [vscode.l10n.t('Size'), formatBytes(r.sizeBytes) ?? '—'],
    ]);
    if (!r.deleted) item.command = { command: 'tableau.openRevision', title: vscode.l10n.t('Open Revision'), arguments: [this] };
    return item;
  }
}
