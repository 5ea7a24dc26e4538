/**
 * Opens a comparison: VS Code's diff editor on two `tableau:` documents, and beside it the
 * semantic summary (what changed among sheets, dashboards, calculated fields, parameters,
 * filters, data sources) as a Markdown preview of a `tableau-summary:` document.
 * With the setting tableau.compare.normalizedXml the diff editor shows the normalized XML.
 */
import * as vscode from 'vscode';
import { diffDocuments, type DiffResult } from '../../core/diff/compare';
import { renderMarkdown } from '../../core/diff/render';
import type { Services } from '../services/services';
import type { TableauAddress } from './tableauUri';
import { tableauUri } from './tableauFileSystem';

export const SUMMARY_SCHEME = 'tableau-summary';
/** Summaries kept for the preview (the last few comparisons). */
const MAX_SUMMARIES = 10;

class SummaryProvider implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  put(uri: vscode.Uri, markdown: string): void {
    this.docs.delete(uri.toString());
    this.docs.set(uri.toString(), markdown);
    while (this.docs.size > MAX_SUMMARIES) this.docs.delete(this.docs.keys().next().value as string);
    this.emitter.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? vscode.l10n.t('This comparison is no longer available; compare again.');
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

const providers = new WeakMap<Services, SummaryProvider>();
let counter = 0;

export function registerSummaries(services: Services): vscode.Disposable {
  const p = new SummaryProvider();
  providers.set(services, p);
  const reg = vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, p);
  return new vscode.Disposable(() => {
    reg.dispose();
    p.dispose();
    providers.delete(services);
  });
}

export interface Comparison {
  result: DiffResult;
  summary: vscode.Uri;
  markdown: string;
}

function withNormalized(a: TableauAddress): TableauAddress {
  const normalized = vscode.workspace.getConfiguration('tableau').get<boolean>('compare.normalizedXml', false);
  return { ...a, normalized };
}

async function text(uri: vscode.Uri): Promise<string> {
  return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}

/** Diff editor `left` ↔ `right` (before → after) and the summary beside it. */
export async function openComparison(services: Services, left: TableauAddress, right: TableauAddress, labels: { left: string; right: string; title: string }): Promise<Comparison> {
  const leftUri = tableauUri(withNormalized(left));
  const rightUri = tableauUri(withNormalized(right));
  // The documents as written (not normalized) feed the summary; both reads go through the file system's cache.
  const [l, r] = await Promise.all([text(tableauUri({ ...left, normalized: false })), text(tableauUri({ ...right, normalized: false }))]);
  const result = diffDocuments(l, r, { left: labels.left, right: labels.right });
  const markdown = renderMarkdown(result, labels.title);
  // A readable name for the preview's tab; the counter keeps each comparison's summary apart.
  const name = labels.title.replace(/[\\/:*?"<>|#%\x00-\x1f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) || 'Comparison';
  const summary = vscode.Uri.from({ scheme: SUMMARY_SCHEME, path: `/${++counter}/${name}.md` });
  providers.get(services)?.put(summary, markdown);
  await vscode.commands.executeCommand('vscode.diff', leftUri, rightUri, labels.title, { preview: false });
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', summary);
  } catch {
    // Without the Markdown extension: the summary as a document beside the diff.
    await vscode.window.showTextDocument(summary, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }
  services.logger.info(`Compared ${labels.left} with ${labels.right}: ${result.same ? 'no differences' : `${result.changes.length} change(s)`}.`);
  return { result, summary, markdown };
}

