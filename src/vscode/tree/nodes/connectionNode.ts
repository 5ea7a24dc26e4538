import * as vscode from 'vscode';
import { TableauError } from '../../../core/errors';
import { hostOf } from '../../../core/http/serverAddress';
import type { Site } from '../../../core/models';
import type { ConnectionProfile } from '../../connections/connectionManager';
import { contextValueFor } from '../contentModel';
import { escapeMarkdown } from '../format';
import { ContentNode, type TreeContext } from './base';
import { ErrorNode } from './errorNode';
import { SiteNode } from './siteNode';

/** A saved connection; its children are the sites the user can reach there. */
export class ConnectionNode extends ContentNode {
  readonly kind = 'connection' as const;
  private sites?: Promise<Site[]>;

  constructor(
    public profile: ConnectionProfile,
    ctx: TreeContext,
  ) {
    super(`conn|${profile.id}`, undefined, ctx);
  }

  get readOnly(): boolean {
    return this.profile.readOnly;
  }

  override update(from: this): void {
    this.profile = from.profile;
  }

  override invalidate(): void {
    this.sites = undefined;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.item(this.profile.label, vscode.TreeItemCollapsibleState.Collapsed);
    const signedIn = this.ctx.services.connections.isSignedIn(this.profile.id);
    const flags = [this.profile.readOnly ? vscode.l10n.t('read-only') : undefined, signedIn ? undefined : vscode.l10n.t('not signed in')];
    item.description = [hostOf(this.profile.serverUrl), ...flags].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(this.profile.readOnly ? 'lock' : 'server-environment');
    item.contextValue = contextValueFor('connection', this.profile.readOnly);
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMarkdown(this.profile.label)}**  \n${escapeMarkdown(this.profile.serverUrl)}  \n`);
    md.appendMarkdown(escapeMarkdown(vscode.l10n.t('Site: {0}', this.profile.siteContentUrl || vscode.l10n.t('Default'))));
    if (this.profile.readOnly) md.appendMarkdown(`  \n${escapeMarkdown(vscode.l10n.t('Read-only: publishing and deleting are turned off.'))}`);
    item.tooltip = md;
    return item;
  }

  override async getChildren(): Promise<ContentNode[]> {
    try {
      const p = (this.sites ??= this.listSites());
      p.catch(() => this.sites === p && (this.sites = undefined));
      const sites = await p;
      return sites.map((s) =>
        this.ctx.intern(new SiteNode({ profile: this.profile, siteContentUrl: s.contentUrl, siteName: s.name }, this, this.ctx, s.contentUrl === this.profile.siteContentUrl)),
      );
    } catch (e) {
      return [ErrorNode.from(e, this, this.ctx)];
    }
  }

  /** The connection's own site first; others the server lists after it, by name. */
  private async listSites(): Promise<Site[]> {
    const client = await this.ctx.services.connections.getClient(this.profile.id);
    const own: Site = { id: '', name: this.profile.siteContentUrl || vscode.l10n.t('Default site'), contentUrl: this.profile.siteContentUrl };
    let listed: Site[] = [];
    try {
      listed = await client.listSites();
    } catch (e) {
      // Non-admins and Tableau Cloud may not list sites: the signed-in site is enough.
      if (!TableauError.is(e, ['forbidden', 'notFound', 'badRequest'])) throw e;
      this.ctx.services.logger.debug(`Listing sites of ${this.profile.label} was refused; showing the signed-in site only.`);
    }
    const mine = listed.find((s) => s.contentUrl === this.profile.siteContentUrl) ?? own;
    const others = listed.filter((s) => s !== mine).sort((a, b) => a.name.localeCompare(b.name));
    return [mine, ...others];
  }
}
