/**
 * The "Published" panel: after a publish from VS Code, the thumbnails of the views just published,
 * fetched from Tableau (Query View Image) under the workbook's preview (Query Workbook Preview Image), and shown as data: URIs in a webview whose content
 * security policy allows no script and no remote load. `tableau.publish.showPublishedPanel` turns it off.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { pngDataUri, workbookPreviewImage } from '../../core/api/images';
import { isCancellation } from '../../core/errors';
import { renderViews, type RenderedView } from '../../core/publish/afterPublish';
import { errorText } from '../services/errors';
import type { Services } from '../services/services';
import type { PublishResult } from '../../core/publish/publisher';
import type { TableauClient } from '../../core/api/client';
import type { PublishTarget } from './target';

export const PUBLISHED_PANEL_VIEW_TYPE = 'tableau.published';
/** A panel for a handful of workbooks: more views than this per workbook are not rendered. */
const MAX_VIEWS_PER_WORKBOOK = 40;
/** One thumbnail's bytes at most (Tableau renders views 784 px wide; a PNG that size is far smaller). */
const MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024;

export interface PublishedWorkbook {
  name: string;
  where: string;
  /** The workbook's preview image (Query Workbook Preview Image), or why it could not be fetched. */
  preview?: { png: Buffer } | { error: string };
  views: RenderedView[];
}

const panels = new WeakMap<Services, vscode.WebviewPanel>();

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The workbook's preview above its views; a note in its place when Tableau did not give it. */
function previewHtml(wb: PublishedWorkbook): string {
  if (!wb.preview) return '';
  const alt = vscode.l10n.t('Preview of {0}', wb.name);
  return 'png' in wb.preview
    ? `<figure class="preview" data-testid="workbook-preview"><img class="preview-image" alt="${escapeHtml(alt)}" src="${pngDataUri(wb.preview.png)}"></figure>`
    : `<p class="preview-missing" data-testid="workbook-preview-missing">${escapeHtml(vscode.l10n.t('The workbook preview could not be fetched: {0}', wb.preview.error))}</p>`;
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
      return `<section><h2>${escapeHtml(wb.name)}</h2><p class="where">${escapeHtml(wb.where)}</p>${previewHtml(wb)}${none}<div class="grid">${cards}</div></section>`;
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
.preview { margin: 0 0 12px 0; }
.preview img { max-width: 480px; border: 1px solid var(--vscode-panel-border); }
.preview-missing { color: var(--vscode-descriptionForeground); font-style: italic; }
</style></head><body><h1>${escapeHtml(vscode.l10n.t('Published'))}</h1>${sections}</body></html>`;
}

/** The preview PNG, or the reason it is missing (the views are still shown). A cancellation ends the panel. */
async function previewOf(services: Services, client: TableauClient, item: { id: string; name: string }, signal?: AbortSignal): Promise<PublishedWorkbook['preview']> {
  try {
    return { png: await workbookPreviewImage(client, item.id, { signal, maxBytes: MAX_THUMBNAIL_BYTES }) };
  } catch (e) {
    if (isCancellation(e)) throw e;
    services.logger.warn(`The preview image of "${item.name}" could not be fetched: ${errorText(e)}`);
    return { error: errorText(e) };
  }
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
      const preview = await previewOf(services, client, o.result.item, signal);
      workbooks.push({ name: o.result.item.name, where, preview, views: await renderViews(client, o.result.item.id, { signal, maxViews: MAX_VIEWS_PER_WORKBOOK, maxBytes: MAX_THUMBNAIL_BYTES }) });
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
