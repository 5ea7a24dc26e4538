/**
 * The active environment of the workspace (manifest version 2): kept per workspace, shown in the
 * status bar when the manifest has environments (click to switch), and the read-only documents
 * that show a plan (Tableau: Preview Publish…).
 */
import * as vscode from 'vscode';
import { loadManifest, MANIFEST_PATH, type PublishManifest } from '../../core/publish/manifest';
import { Disposable } from '../disposable';

const ACTIVE_ENVIRONMENT_KEY = 'tableau.activeEnvironment';
export const PLAN_SCHEME = 'tableau-plan';

export class EnvironmentState extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<string | undefined>());
  readonly onDidChange = this.changed.event;
  private readonly docChanged = this.register(new vscode.EventEmitter<vscode.Uri>());
  private readonly plans = new Map<string, string>();
  private readonly item = this.register(vscode.window.createStatusBarItem('tableau.environment', vscode.StatusBarAlignment.Left, 49));
  private names: string[] = [];

  constructor(private readonly state: vscode.Memento) {
    super();
    this.item.name = vscode.l10n.t('Tableau Environment');
    this.item.command = 'tableau.switchEnvironment';
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(`**/${MANIFEST_PATH}`));
    for (const ev of [watcher.onDidCreate, watcher.onDidChange, watcher.onDidDelete]) this.register(ev(() => void this.refresh()));
    this.register(
      vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, {
        onDidChange: this.docChanged.event,
        provideTextDocumentContent: (uri) => this.plans.get(uri.toString()) ?? '',
      }),
    );
    void this.refresh();
  }

  /** The environment chosen for this workspace (undefined: none chosen). */
  active(): string | undefined {
    return this.state.get<string>(ACTIVE_ENVIRONMENT_KEY);
  }

  async setActive(name: string | undefined): Promise<void> {
    await this.state.update(ACTIVE_ENVIRONMENT_KEY, name);
    this.changed.fire(name);
    await this.refresh();
  }

  /** The environments of the workspace folders' manifests (a broken manifest counts as none). */
  async environmentNames(): Promise<string[]> {
    const names = new Set<string>();
    for (const m of await workspaceManifests()) for (const n of Object.keys(m.environments ?? {})) names.add(n);
    return [...names];
  }

  async refresh(): Promise<void> {
    this.names = await this.environmentNames().catch(() => []);
    const active = this.active();
    if (!this.names.length) {
      this.item.hide();
      return;
    }
    this.item.text = `$(server-environment) ${active ?? vscode.l10n.t('no environment')}`;
    this.item.tooltip = vscode.l10n.t('Tableau environment for Publish, Publish Again and Publish All ({0}). Click to switch.', this.names.join(', '));
    this.item.show();
    void vscode.commands.executeCommand('setContext', 'tableau.hasEnvironments', true);
  }

  /** Shows `text` as a read-only document; the same `name` shows the newest text. */
  async showPlan(name: string, text: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${name}.txt` });
    this.plans.set(uri.toString(), text);
    this.docChanged.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

export async function workspaceManifests(): Promise<PublishManifest[]> {
  const out: PublishManifest[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const m = await loadManifest(vscode.Uri.joinPath(folder.uri, ...MANIFEST_PATH.split('/')).fsPath, { workspaceRoot: folder.uri.fsPath }).catch(() => undefined);
    if (m) out.push(m);
  }
  return out;
}
