import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { planFromTarget } from './manifestPlans';
import { type FolderTarget, allTargets } from './manifestStore';
import { type PublishPlan, executePlans } from './publishRunner';
import { reportOutcomes } from './report';
import { MANIFEST_PATH, globToRegExp } from '../../core/publish/manifest';

/** A file is published once its size and mtime stayed the same for this long (Tableau Desktop writes in steps). */
export const STABLE_MS = 2000;
const MAX_CHECKS = 150;

interface Pending {
  timer?: NodeJS.Timeout;
  last?: { size: number; mtimeMs: number };
  checks: number;
}

/**
 * Optional auto-publish (setting tableau.autoPublish, off by default, never in untrusted
 * workspaces): watches the files named in tableau-publish.json and publishes a file to
 * its remembered target after it has stopped changing. Never prompts.
 */
export class AutoPublisher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private fileWatchers: vscode.Disposable[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly running = new Set<string>();
  private targets: FolderTarget[] = [];

  constructor(private readonly services: Services) {
    const manifests = vscode.workspace.createFileSystemWatcher(`**/${MANIFEST_PATH}`);
    this.disposables.push(
      manifests,
      manifests.onDidChange(() => void this.reload()),
      manifests.onDidCreate(() => void this.reload()),
      manifests.onDidDelete(() => void this.reload()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tableau.autoPublish') && void this.reload()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.reload()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()),
    );
    void this.reload();
  }

  get enabled(): boolean {
    return vscode.workspace.isTrusted && vscode.workspace.getConfiguration('tableau').get<boolean>('autoPublish', false);
  }

  dispose(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    for (const d of [...this.fileWatchers, ...this.disposables]) d.dispose();
    this.fileWatchers = [];
  }

  private async reload(): Promise<void> {
    for (const w of this.fileWatchers) w.dispose();
    this.fileWatchers = [];
    if (!this.enabled) return;
    try {
      this.targets = await allTargets();
    } catch (e) {
      this.services.logger.warn('Auto-publish: tableau-publish.json cannot be read:', e instanceof Error ? e.message : String(e));
      this.targets = [];
      return;
    }
    const patterns = new Set<string>();
    for (const t of this.targets) {
      const key = `${t.folder.uri.toString()}\u0000${t.target.file}`;
      if (patterns.has(key)) continue;
      patterns.add(key);
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(t.folder, t.target.file), true, false, true);
      this.fileWatchers.push(w, w.onDidChange((u) => this.schedule(u.fsPath)));
    }
    this.services.logger.info(`Auto-publish watches ${patterns.size} remembered target(s).`);
  }

  /** Debounced: every change restarts the wait. */
  private schedule(file: string): void {
    if (!this.enabled) return;
    const p = this.pending.get(file) ?? { checks: 0 };
    clearTimeout(p.timer);
    p.checks = 0;
    p.timer = setTimeout(() => void this.check(file), STABLE_MS);
    this.pending.set(file, p);
  }

  private async check(file: string): Promise<void> {
    const p = this.pending.get(file);
    if (!p) return;
    let st: { size: number; mtimeMs: number };
    try {
      const s = await fs.stat(file);
      st = { size: s.size, mtimeMs: s.mtimeMs };
    } catch {
      this.pending.delete(file);
      return;
    }
    if (!p.last || p.last.size !== st.size || p.last.mtimeMs !== st.mtimeMs || this.running.has(file)) {
      p.last = st;
      if (++p.checks > MAX_CHECKS) {
        this.pending.delete(file);
        return;
      }
      p.timer = setTimeout(() => void this.check(file), STABLE_MS);
      return;
    }
    this.pending.delete(file);
    await this.publish(file);
  }

  private async publish(file: string): Promise<void> {
    const mine = this.targets.filter((t) => {
      const rel = path.relative(t.folder.uri.fsPath, file).split(path.sep).join('/');
      return !rel.startsWith('..') && (t.target.file === rel || globToRegExp(t.target.file).test(rel));
    });
    if (mine.length === 0) return;
    this.running.add(file);
    try {
      const plans: PublishPlan[] = [];
      for (const t of mine) plans.push(await planFromTarget(this.services, t, file, { interactive: false }));
      const outcomes = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Auto-publishing {0}', path.basename(file)) },
        (progress) => executePlans(this.services, plans, { report: (message) => progress.report({ message }) }, new AbortController().signal),
      );
      // Success is quiet (status bar); failures are shown like any publish failure.
      for (const o of outcomes) if (o.ok && !o.result.mismatch) vscode.window.setStatusBarMessage(vscode.l10n.t('Auto-published "{0}".', o.result.item.name), 5000);
      await reportOutcomes(this.services, outcomes.filter((o) => !o.ok), { offerRemember: false });
    } catch (e) {
      await this.services.errors.show(e, { prefix: vscode.l10n.t('Auto-publish of "{0}" failed:', path.basename(file)) });
    } finally {
      this.running.delete(file);
    }
  }
}

export function register(services: Services): vscode.Disposable {
  return new AutoPublisher(services);
}
