import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCancellation } from '../../core/errors';
import type { ManifestTarget } from '../../core/publish/manifest';
import { planFromTarget } from '../publish/manifestPlans';
import { type FolderTarget, allTargets, filesOf, manifestPathOf } from '../publish/manifestStore';
import { executePlans } from '../publish/publishRunner';
import type { Services } from '../services/services';
import { TASK_TYPE } from '../shell/contract';
import { terminalLine } from './terminalLine';

/** The task definition in tasks.json: a file (or glob) and, optionally, the target itself. */
export interface PublishTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  file: string;
  connection?: string;
  site?: string;
  project?: string;
  name?: string;
  mode?: ManifestTarget['mode'];
}

/**
 * Tasks of type "tableau-publish": one per remembered target, plus any written in
 * tasks.json. They run in a pseudoterminal that prints readable progress and errors,
 * and never prompt (credentials must have been saved by an earlier interactive publish).
 */
export class PublishTaskProvider implements vscode.TaskProvider {
  constructor(private readonly services: Services) {}

  async provideTasks(): Promise<vscode.Task[]> {
    try {
      return (await allTargets()).map((t) => this.task(t.folder, { type: TASK_TYPE, file: t.target.file }, t));
    } catch (e) {
      this.services.logger.warn('No tableau-publish tasks:', e instanceof Error ? e.message : String(e));
      return [];
    }
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as PublishTaskDefinition;
    if (!def.file) return undefined;
    const folder = task.scope && typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    return this.task(folder, def);
  }

  private task(folder: vscode.WorkspaceFolder, def: PublishTaskDefinition, known?: FolderTarget): vscode.Task {
    const where = known ? `${known.target.connection} / ${known.target.project}` : def.connection && def.project ? `${def.connection} / ${def.project}` : vscode.l10n.t('remembered target');
    const task = new vscode.Task(
      def,
      folder,
      vscode.l10n.t('Publish {0} to {1}', def.file, where),
      'Tableau',
      new vscode.CustomExecution(async () => new PublishTerminal(this.services, folder, def)),
    );
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true };
    return task;
  }
}

class PublishTerminal implements vscode.Pseudoterminal {
  private readonly write = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.write.event;
  readonly onDidClose = this.closed.event;
  private readonly abort = new AbortController();

  constructor(
    private readonly services: Services,
    private readonly folder: vscode.WorkspaceFolder,
    private readonly def: PublishTaskDefinition,
  ) {}

  open(): void {
    void this.run().then((code) => this.closed.fire(code));
  }

  /** Ctrl+C or closing the terminal cancels the publish. */
  handleInput(data: string): void {
    if (data === '\u0003') this.abort.abort();
  }

  /** The user closed the terminal. */
  close(): void {
    this.abort.abort();
  }

  private line(text: string): void {
    this.write.fire(terminalLine(text));
  }

  private async targets(): Promise<FolderTarget[]> {
    const d = this.def;
    if (d.connection && d.project) {
      const target: ManifestTarget = { file: d.file, connection: d.connection, site: d.site ?? '', project: d.project, mode: d.mode ?? 'overwrite' };
      if (d.name) target.name = d.name;
      return [{ folder: this.folder, manifestPath: manifestPathOf(this.folder), target }];
    }
    return (await allTargets()).filter((t) => t.folder.uri.toString() === this.folder.uri.toString() && t.target.file === d.file);
  }

  private async run(): Promise<number> {
    const signal = this.abort.signal;
    try {
      const targets = await this.targets();
      if (targets.length === 0) {
        this.line(vscode.l10n.t('No target for {0}: add connection and project to the task, or remember one with "Publish to Tableau...".', this.def.file));
        return 1;
      }
      let failures = 0;
      for (const t of targets) {
        for (const file of await filesOf(t)) {
          this.line(vscode.l10n.t('Publishing {0} to {1} / {2} ...', path.basename(file), t.target.connection ?? '', t.target.project));
          const plan = await planFromTarget(this.services, t, file, { interactive: false, signal });
          let lastPct = -1;
          const [outcome] = await executePlans(this.services, [plan], {
            report: (message) => {
              // One line per 10 %: a terminal is a log, not a progress bar.
              const pct = Number(/\((\d+)%\)/.exec(message)?.[1] ?? -1);
              if (pct < 0 || pct >= lastPct + 10 || pct === 100) {
                if (pct >= 0) lastPct = pct;
                this.line(`  ${message}`);
              }
            },
          }, signal);
          if (outcome.ok && outcome.result.mismatch) this.line(vscode.l10n.t('Sent, but Tableau\'s answer is about another item; check the project on Tableau.'));
          else if (outcome.ok) {
            this.line(vscode.l10n.t('Done: "{0}" ({1}).', outcome.result.item.name, outcome.result.item.id));
            for (const c of outcome.settings?.changes ?? []) this.line(`  ${c}`);
            if (outcome.settingsError) {
              failures++;
              this.line(vscode.l10n.t('Failed: {0}', outcome.settingsError.message));
            }
          }
          else if (outcome.cancelled) {
            this.line(vscode.l10n.t('Cancelled.'));
            return 130;
          } else {
            failures++;
            this.line(vscode.l10n.t('Failed: {0}', outcome.error instanceof Error ? outcome.error.message : String(outcome.error)));
          }
        }
      }
      return failures ? 1 : 0;
    } catch (e) {
      if (isCancellation(e)) {
        this.line(vscode.l10n.t('Cancelled.'));
        return 130;
      }
      this.line(vscode.l10n.t('Failed: {0}', e instanceof Error ? e.message : String(e)));
      return 1;
    }
  }
}
