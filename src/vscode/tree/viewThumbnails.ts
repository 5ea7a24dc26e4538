/**
 * View tooltips with the view's image: fetched when VS Code first resolves a view's tooltip (the
 * tree's resolveTreeItem, so a listing never fetches images), kept in a small bounded cache, and
 * shown as a data: URI (no remote load from the hover).
 */
import * as vscode from 'vscode';
import { pngDataUri, viewImage } from '../../core/api/images';
import { isCancellation } from '../../core/errors';
import type { Services } from '../services/services';
import type { ViewNode } from './nodes/viewNode';

/** A tooltip carries a thumbnail, not a full view: a larger image is left out. */
export const MAX_TOOLTIP_IMAGE_BYTES = 512 * 1024;
const MAX_CACHED = 64;
/** Minutes Tableau may serve a cached rendering (Query View Image `maxAge`): a tooltip needs no fresh render. */
const TOOLTIP_MAX_AGE_MINUTES = 60;

export class ViewThumbnails {
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(private readonly services: Services) {}

  /** The view's image as a data: URI; undefined when it cannot be had (logged, never shown as an error). */
  dataUri(node: ViewNode, signal?: AbortSignal): Promise<string | undefined> {
    const key = `${node.scope.profile.id}\u0000${node.scope.siteContentUrl}\u0000${node.view.id}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Most recently used last: the first key is the one to drop.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const p = this.fetch(node, signal);
    this.cache.set(key, p);
    // A cancelled or failed fetch is not remembered: the next hover tries again.
    void p.then((uri) => uri === undefined && this.cache.delete(key));
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    return p;
  }

  private async fetch(node: ViewNode, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const client = await this.services.connections.getClient(node.scope.profile.id, { siteContentUrl: node.scope.siteContentUrl, signal });
      return pngDataUri(await viewImage(client, node.view.id, { signal, maxBytes: MAX_TOOLTIP_IMAGE_BYTES, maxAgeMinutes: TOOLTIP_MAX_AGE_MINUTES }));
    } catch (e) {
      if (!isCancellation(e)) this.services.logger.debug(`No image for the tooltip of view ${node.view.id}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** The node's tooltip with the image below it (the item unchanged when there is no image). */
  async resolve(item: vscode.TreeItem, node: ViewNode, signal?: AbortSignal): Promise<vscode.TreeItem> {
    const uri = await this.dataUri(node, signal);
    if (!uri) return item;
    const base = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : typeof item.tooltip === 'string' ? item.tooltip : '';
    const md = new vscode.MarkdownString(base, true);
    md.appendMarkdown(`\n\n![${vscode.l10n.t('Image of the view')}](${uri}|width=320)`);
    item.tooltip = md;
    return item;
  }
}
