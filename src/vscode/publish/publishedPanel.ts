/**
 * The "Published" panel: after a publish from VS Code, the thumbnails of the views just published,
 * fetched from Tableau (Query View Image) and shown as data: URIs in a webview whose content
 * security policy allows no script and no remote load. `tableau.publish.showPublishedPanel` turns it off.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { pngDataUri } from '../../core/api/images';
import { isCancellation } from '../../core/errors';
import { renderViews, type RenderedView } from '../../core/publish/afterPublish';
import { errorText } from '../services/errors';
import type { Services } from '../services/services';
import type { PublishResult } from '../../core/publish/publisher';
import type { PublishTarget } from './target';

export const PUBLISHED_PANEL_VIEW_TYPE = 'tableau.published';
/** A panel for a handful of workbooks: more views than this per workbook are not rendered. */
const MAX_VIEWS_PER_WORKBOOK = 40;
/** One thumbnail's bytes at most (Tableau renders views 784 px wide; a PNG that size is far smaller). */
const MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024;

export interface PublishedWorkbook {
  name: string;
  where: string;
  views: RenderedView[];
}

const panels = new WeakMap<Services, vscode.WebviewPanel>();

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The panel's whole document: no script; images only as data: URIs; the one style block by nonce. */
export function publishedHtml(workbooks: readonly PublishedWorkbook[], cspSource: string): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; img-src data:; style-src ${cspSource} 'nonce-${nonce}';`;
  const sections = workbooks
    .map((wb) => {
      const cards = wb.views
        .map((v) =>
          v.png
            ? `<figure class="view" data-view="${escapeHtml(v.view.name)}"><img class="view-thumb" alt="${escapeHtml(v.view.name)}" src="${pngDataUri(v.png)}"><figcaption>${escapeHtml(v.view.name)}</figcaption></figure>`
            : `<figure class="view broken" data-view="${escapeHtml(v.view.name)}"><div class="error">${escapeHtml(vscode.l10n.t('Cannot render: {0}', v.error?.message ?? ''))}</div><figcaption>${escapeHtml(v.view.name)}</figcaption></figure>`,
        )
        .join('');
      const none = wb.views.length ? '' : `<p>${escapeHtml(vscode.l10n.t('This workbook has no views.'))}</p>`;
      return `<section><h2>${escapeHtml(wb.name)}</h2><p class="where">${escapeHtml(wb.where)}</p>${none}<div class="grid">${cards}</div></section>`;
    })
    .join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
.grid { display: flex; flex-wrap: wrap; gap: 12px; }
.view { margin: 0; width: 240px; }
.view img { width: 240px; border: 1px solid var(--vscode-panel-border); }
.broken .error { height: 120px; padding: 8px; color: var(--vscode-errorForeground); border: 1px dashed var(--vscode-errorForeground); overflow: hidden; }
.where { color: var(--vscode-descriptionForeground); }
</style></head><body><h1>${escapeHtml(vscode.l10n.t('Published'))}</h1>${sections}</body></html>`;
}

/** Renders the views of the workbooks just published; undefined when there is nothing to show or the setting is off. */
export async function showPublishedPanel(services: Services, outcomes: readonly { target: PublishTarget; result: PublishResult }[], signal?: AbortSignal): Promise<vscode.WebviewPanel | undefined> {
  if (!vscode.workspace.getConfiguration('tableau').get<boolean>('publish.showPublishedPanel', true)) return undefined;
  const published = outcomes.filter((o) => o.result.kind === 'workbook' && !o.result.mismatch);
  if (!published.length) return undefined;
  const workbooks: PublishedWorkbook[] = [];
  for (const o of published) {
    const { target } = o;
    const where = `${target.profile.label} · ${target.projectPath.join(' / ')}`;
    try {
      const client = await services.connections.getClient(target.profile.id, { siteContentUrl: target.siteContentUrl, signal });
      workbooks.push({ name: o.result.item.name, where, views: await renderViews(client, o.result.item.id, { signal, maxViews: MAX_VIEWS_PER_WORKBOOK, maxBytes: MAX_THUMBNAIL_BYTES }) });
    } catch (e) {
      if (isCancellation(e)) return undefined;
      services.logger.warn(`The views of "${o.result.item.name}" could not be shown: ${errorText(e)}`);
    }
  }
  if (!workbooks.length) return undefined;
  let panel = panels.get(services);
  if (!panel) {
    panel = vscode.window.createWebviewPanel(PUBLISHED_PANEL_VIEW_TYPE, vscode.l10n.t('Published'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: false,
      localResourceRoots: [],
    });
    const created = panel;
    panels.set(services, created);
    created.onDidDispose(() => panels.delete(services));
  }
  panel.webview.html = publishedHtml(workbooks, panel.webview.cspSource);
  panel.reveal(vscode.ViewColumn.Beside, true);
  return panel;
}
