import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toAbortSignal } from '../services/cancellation';
import type { Services } from '../services/services';
import { planFromTarget } from './manifestPlans';
import { type FolderTarget, allTargets } from './manifestStore';
import { type ProgressSink, type PublishOutcome, type PublishPlan, executePlans } from './publishRunner';
import { reportOutcomes } from './report';
import { MANIFEST_PATH, matchesGlob } from '../../core/publish/manifest';

/** A file is published once its size and mtime stayed the same for this long (Tableau Desktop writes in steps). */
export const STABLE_MS = 2000;
const MAX_CHECKS = 150;

/** What auto-publish does with a file that settled; tests replace them. */
export interface AutoPublishSteps {
  /** How long a file's size and mtime must stay the same. */
  readonly stableMs: number;
  targets(): Promise<FolderTarget[]>;
  plan(services: Services, t: FolderTarget, file: string, signal: AbortSignal): Promise<PublishPlan>;
  execute(services: Services, plans: PublishPlan[], sink: ProgressSink, signal: AbortSignal): Promise<PublishOutcome[]>;
}

const STEPS: AutoPublishSteps = {
  stableMs: STABLE_MS,
  targets: allTargets,
  plan: (services, t, file, signal) => planFromTarget(services, t, file, { interactive: false, signal }),
  execute: executePlans,
};

interface Pending {
  timer?: NodeJS.Timeout;
  last?: { size: number; mtimeMs: number };
  checks: number;
}

/**
 * Optional auto-publish (setting tableau.autoPublish, off by default, never in untrusted
 * workspaces): watches the files named in tableau-publish.json and publishes a file to
 * its remembered target after it has stopped changing. Never prompts. A running publish
 * stops when the user cancels its progress, turns the setting off, or the extension ends.
 */
export class AutoPublisher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private fileWatchers: vscode.Disposable[] = [];
  private readonly pending = new Map<string, Pending>();
  /** Publishes under way, by file. */
  private readonly running = new Map<string, AbortController>();
  private targets: FolderTarget[] = [];
  private disposed = false;

  constructor(
    private readonly services: Services,
    private readonly steps: AutoPublishSteps = STEPS,
  ) {
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
    this.disposed = true;
    for (const run of this.running.values()) run.abort();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    for (const d of [...this.fileWatchers, ...this.disposables]) d.dispose();
    this.fileWatchers = [];
  }

  private async reload(): Promise<void> {
    for (const w of this.fileWatchers) w.dispose();
    this.fileWatchers = [];
    if (!this.enabled) {
      // Turned off (or the workspace is not trusted): what auto-publish started stops too.
      for (const run of this.running.values()) run.abort();
      return;
    }
    try {
      this.targets = await this.steps.targets();
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
    p.timer = setTimeout(() => void this.check(file), this.steps.stableMs);
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
      p.timer = setTimeout(() => void this.check(file), this.steps.stableMs);
      return;
    }
    this.pending.delete(file);
    await this.publish(file);
  }

  private async publish(file: string): Promise<void> {
    const mine = this.targets.filter((t) => {
      const rel = path.relative(t.folder.uri.fsPath, file).split(path.sep).join('/');
      return !rel.startsWith('..') && matchesGlob(t.target.file, rel);
    });
    if (mine.length === 0) return;
    const run = new AbortController();
    this.running.set(file, run);
    try {
      const outcomes = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Auto-publishing {0}', path.basename(file)), cancellable: true },
        async (progress, token) => {
          const signal = AbortSignal.any([run.signal, toAbortSignal(token)]);
          const plans: PublishPlan[] = [];
          for (const t of mine) plans.push(await this.steps.plan(this.services, t, file, signal));
          return this.steps.execute(this.services, plans, { report: (message) => progress.report({ message }) }, signal);
        },
      );
      if (this.disposed) return;
      // Success is quiet (status bar); failures are shown like any publish failure.
      for (const o of outcomes) if (o.ok && !o.result.mismatch) vscode.window.setStatusBarMessage(vscode.l10n.t('Auto-published "{0}".', o.result.item.name), 5000);
      await reportOutcomes(this.services, outcomes.filter((o) => !o.ok), { offerRemember: false });
    } catch (e) {
      if (!this.disposed) await this.services.errors.show(e, { prefix: vscode.l10n.t('Auto-publish of "{0}" failed:', path.basename(file)) });
    } finally {
      this.running.delete(file);
    }
  }
}

export function registerAutoPublish(services: Services): vscode.Disposable {
  return new AutoPublisher(services);
}
