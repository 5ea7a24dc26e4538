import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../core/display';
import { isCancellation } from '../../core/errors';
import type { PackageInfo } from '../../core/package/inspect';
import { type PublishRequest, type PublishResult, publish } from '../../core/publish/publisher';
import { toAbortSignal } from '../services/cancellation';
import type { Services } from '../services/services';
import { jobTimeoutMs } from './jobSettings';
import type { AppliedSettings, SettingsStepError, TargetSettings } from '../../core/publish/settings';
import { applyPlanSettings, resolvePlanSettings } from './targetSettings';
import type { PublishTarget } from './target';
import type { ManifestTarget } from '../../core/publish/manifest';
import { showPublishedPanel } from './publishedPanel';
import { refreshAfterPublish } from './afterPublishRefresh';

/** One file ready to go: inspected, target and choices known, credentials attached. */
export interface PublishPlan {
  info: PackageInfo;
  target: PublishTarget;
  request: PublishRequest;
  /** Refresh the extract right after the publish and wait (a manifest target's `refresh`). */
  refresh?: boolean;
  /** Settings and permissions as code (from the manifest), applied around the publish. */
  settings?: TargetSettings;
  /** Publish… through the active environment: the target "Remember for Publish Again" writes (no connection of its own). */
  remember?: ManifestTarget;
}

export type PublishOutcome =
  | { plan: PublishPlan; ok: true; result: PublishResult; settings?: AppliedSettings; settingsError?: SettingsStepError }
  | { plan: PublishPlan; ok: false; cancelled: boolean; error: unknown };

/** Where progress goes: a notification, a task terminal, or nowhere. */
export interface ProgressSink {
  /** `increment` is in percent of all plans' bytes. */
  report(message: string, increment?: number): void;
}

/**
 * Publishes plans one after another. Stops at a cancellation (the rest are reported
 * cancelled); a failure of one file does not stop the others.
 */
export async function executePlans(services: Services, plans: PublishPlan[], sink: ProgressSink, signal: AbortSignal): Promise<PublishOutcome[]> {
  const total = plans.reduce((n, p) => n + p.info.size, 0) || 1;
  const chunkSize = chunkSizeSetting();
  const outcomes: PublishOutcome[] = [];
  for (const [i, plan] of plans.entries()) {
    if (signal.aborted) {
      outcomes.push({ plan, ok: false, cancelled: true, error: undefined });
      continue;
    }
    const label = plans.length > 1 ? `(${i + 1}/${plans.length}) ${path.basename(plan.info.path)}` : path.basename(plan.info.path);
    let sent = 0;
    try {
      const client = await services.connections.getClient(plan.target.profile.id, { siteContentUrl: plan.target.siteContentUrl, purpose: 'publish', signal });
      const { resolved, request } = await resolvePlanSettings(client, plan, signal);
      const result = await publish(client, request, {
        signal,
        logger: services.logger,
        inspection: plan.info,
        chunkSize,
        job: { timeoutMs: jobTimeoutMs() },
        onProgress: (p) => {
          // An upload that restarts counts from 0 again: never report a negative step.
          const step = Math.max(0, p.bytesSent - sent);
          sent = Math.max(sent, p.bytesSent);
          const pct = p.totalBytes ? Math.floor((p.bytesSent / p.totalBytes) * 100) : 0;
          const msg =
            p.phase === 'inspect'
              ? vscode.l10n.t('{0}: checking the file', label)
              : p.phase === 'job'
                ? vscode.l10n.t('{0}: Tableau is processing ({1}%)', label, p.jobProgress ?? 0)
                : p.phase === 'commit'
                  ? vscode.l10n.t('{0}: finishing', label)
                  : `${label}: ${formatBytes(p.bytesSent)} / ${formatBytes(p.totalBytes)} (${pct}%)`;
          sink.report(msg, (step / total) * 100);
        },
      });
      services.logger.info(`Published ${path.basename(plan.info.path)} as ${result.kind} ${result.item.id} ("${result.item.name}") in ${result.durationMs} ms.`);
      const settings = await applyPlanSettings(client, resolved, result, plan, signal);
      if (plan.refresh) await refreshAfterPublish(services, client, plan.info.path, result, (m) => sink.report(m), signal);
      outcomes.push({ plan, ok: true, result, ...settings });
    } catch (e) {
      const cancelled = isCancellation(e) || signal.aborted;
      if (!cancelled) services.logger.error(`Publishing ${path.basename(plan.info.path)} failed:`, e instanceof Error ? e.message : String(e));
      outcomes.push({ plan, ok: false, cancelled, error: e });
    }
  }
  announceSitesChanged(services, outcomes.flatMap((o) => (o.ok ? [o.plan.target] : [])));
  return outcomes;
}

/** `tableau.publish.chunkSizeMB` in bytes (1 to 64 MB; Tableau refuses a request over 64 MB). */
export function chunkSizeSetting(): number {
  const chunkMb = vscode.workspace.getConfiguration('tableau').get<number>('publish.chunkSizeMB', 50);
  return Math.min(64, Math.max(1, Math.floor(chunkMb) || 50)) * 1024 * 1024;
}

/** Tells the tree once per site that something was published there. */
export function announceSitesChanged(services: Services, targets: readonly Pick<PublishTarget, 'profile' | 'siteContentUrl'>[]): void {
  const sites = new Set<string>();
  for (const t of targets) {
    const key = `${t.profile.id}\u0000${t.siteContentUrl}`;
    if (sites.has(key)) continue;
    sites.add(key);
    services.sites.siteChanged({ profileId: t.profile.id, siteContentUrl: t.siteContentUrl });
  }
}

/** Runs plans in a cancellable notification with bytes and percent. */
export function publishWithProgress(services: Services, plans: PublishPlan[]): Thenable<PublishOutcome[]> {
  const title =
    plans.length === 1
      ? vscode.l10n.t('Publishing "{0}" to {1}', plans[0].request.name ?? path.basename(plans[0].info.path), plans[0].target.profile.label)
      : vscode.l10n.t('Publishing {0} files', plans.length);
  return vscode.window
    .withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
      executePlans(services, plans, { report: (message, increment) => progress.report({ message, increment }) }, toAbortSignal(token)),
    )
    .then((outcomes) => {
      // The thumbnails come after the report: a slow render never holds the publish's result back.
      const published = outcomes.flatMap((o) => (o.ok ? [{ target: o.plan.target, result: o.result }] : []));
      showPublishedPanel(services, published).catch((e: unknown) => services.logger.warn('The Published panel could not be shown:', e instanceof Error ? e.message : String(e)));
      return outcomes;
    });
}
