/**
 * The read-only `tableau:` file system: a workbook's or data source's document on the server
 * (current or revision N), or a local file's inner document, as the editor and the diff editor
 * show them. Packages are downloaded without extracts, streamed to this window's cache folder
 * (per revision, kept while the window lives), and only the inner .twb / .tds is read.
 * Failures are file system errors with the core's message: nothing here throws past VS Code.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCancellation, TableauError } from '../../core/errors';
import { normalizedXml, parseDocument } from '../../core/diff/xmlTree';
import { readTableauDocument } from '../../core/revisions/document';
import { openServerDocument } from '../../core/revisions/serverDocument';
import type { Services } from '../services/services';
import { formatAddress, parseAddress, TABLEAU_SCHEME, type TableauAddress } from './tableauUri';

/** Documents kept in memory (the last few opened); their downloads stay on disk for the window's life. */
const MEMORY_ENTRIES = 6;
/** The current content may change on the server: its document is asked for again after this. */
const CURRENT_TTL_MS = 15_000;

export function tableauUri(a: TableauAddress): vscode.Uri {
  const { path: p, query } = formatAddress(a);
  return vscode.Uri.from({ scheme: TABLEAU_SCHEME, path: p, query });
}

interface Entry {
  bytes: Promise<Uint8Array>;
  at: number;
  mtime: number;
}

export class TableauFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly entries = new Map<string, Entry>();
  readonly cacheDir: string;

  constructor(private readonly services: Services) {
    this.cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-documents-'));
  }

  dispose(): void {
    this.changed.dispose();
    this.entries.clear();
    fs.rmSync(this.cacheDir, { recursive: true, force: true });
  }

  /** The server content changed (publish, restore): current documents are read again. */
  forgetCurrent(): void {
    const gone: vscode.FileChangeEvent[] = [];
    for (const [k] of this.entries) {
      const a = parseAddress(vscode.Uri.parse(k).path, vscode.Uri.parse(k).query);
      if (a?.where !== 'server' || a.revision === undefined) {
        this.entries.delete(k);
        gone.push({ type: vscode.FileChangeType.Changed, uri: vscode.Uri.parse(k) });
      }
    }
    if (gone.length) this.changed.fire(gone);
  }

  /** The document's bytes (cached); VS Code calls stat then readFile. */
  read(uri: vscode.Uri): Entry {
    const key = uri.toString();
    const hit = this.entries.get(key);
    const a = parseAddress(uri.path, uri.query);
    const immutable = a?.where === 'server' && a.revision !== undefined;
    if (hit && (immutable || Date.now() - hit.at < CURRENT_TTL_MS)) return hit;
    const entry: Entry = { bytes: this.load(uri, a), at: Date.now(), mtime: Date.now() };
    this.entries.set(key, entry);
    entry.bytes.catch(() => this.entries.get(key) === entry && this.entries.delete(key));
    while (this.entries.size > MEMORY_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }

  private async load(uri: vscode.Uri, a: TableauAddress | undefined): Promise<Uint8Array> {
    if (!a) throw vscode.FileSystemError.FileNotFound(uri);
    try {
      const doc = a.where === 'local' ? await readTableauDocument(a.filePath) : await this.fromServer(a);
      const text = a.normalized ? normalizedXml(parseDocument(doc.text, `"${a.docName}"`)) : doc.text;
      return Buffer.from(text, 'utf8');
    } catch (e) {
      if (isCancellation(e)) throw vscode.FileSystemError.Unavailable(vscode.l10n.t('Opening "{0}" was cancelled.', a.docName));
      const message = e instanceof Error ? e.message : String(e);
      this.services.logger.warn(`Could not open ${a.docName}: ${message}`);
      if (TableauError.is(e, ['notFound', 'revisionNotFound'])) throw vscode.FileSystemError.FileNotFound(message);
      throw vscode.FileSystemError.Unavailable(message);
    }
  }

  private fromServer(a: Extract<TableauAddress, { where: 'server' }>) {
    const title = a.revision === undefined ? vscode.l10n.t('Opening "{0}" from Tableau', a.docName) : vscode.l10n.t('Opening revision {0} of "{1}"', a.revision, a.docName);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        const client = await this.services.connections.getClient(a.connectionId, { siteContentUrl: a.siteContentUrl, purpose: 'download', signal: ac.signal });
        let last = 0;
        return await openServerDocument(client, { kind: a.kind, id: a.id, revision: a.revision, name: a.docName.replace(/\.(twb|tds)$/, '') }, {
          cacheDir: this.cacheDir,
          signal: ac.signal,
          onProgress: (bytes, total) => {
            if (!total) return;
            progress.report({ increment: ((bytes - last) / total) * 100 });
            last = bytes;
          },
        });
      } finally {
        sub.dispose();
      }
    });
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const e = this.read(uri);
    const bytes = await e.bytes;
    return { type: vscode.FileType.File, ctime: e.mtime, mtime: e.mtime, size: bytes.byteLength, permissions: vscode.FilePermission.Readonly };
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.read(uri).bytes;
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}

const registered = new WeakMap<Services, TableauFileSystem>();

export function registerTableauFileSystem(services: Services): vscode.Disposable {
  const provider = new TableauFileSystem(services);
  registered.set(services, provider);
  const reg = vscode.workspace.registerFileSystemProvider(TABLEAU_SCHEME, provider, { isReadonly: true, isCaseSensitive: true });
  return new vscode.Disposable(() => {
    reg.dispose();
    provider.dispose();
    registered.delete(services);
  });
}

export function tableauFileSystem(services: Services): TableauFileSystem | undefined {
  return registered.get(services);
}
