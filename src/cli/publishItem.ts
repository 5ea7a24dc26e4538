/**
 * One item of a CLI publish, the same for `publish`, `publish --env` and `promote`: the impact
 * check before overwriting a data source, every setting's name resolved before the upload, the
 * upload, then owner, tags and permissions (only differences sent), the report, and the
 * after-publish steps (refresh, --check-views). Callers decide where the file goes and with
 * which request; this decides nothing about targets.
 */
import * as path from 'node:path';
import type { TableauClient } from '../core/api/client';
import { formatBytes } from '../core/display';
import { TableauError } from '../core/errors';
import type { PublishMode } from '../core/models';
import type { PackageInfo } from '../core/package/inspect';
import { publish, type PublishProgress, type PublishRequest, type PublishResult } from '../core/publish/publisher';
import {
  applyTargetSettings,
  checkHiddenViews,
  hasAfterPublishSettings,
  resolveTargetSettings,
  SettingsStepError,
  type AppliedSettings,
  type ResolvedSettings,
  type TargetSettings,
} from '../core/publish/settings';
import { checkImpact, runAfterPublishSteps, type Steps } from './afterPublishSteps';
import type { CliConnection } from './connection';
import { EXIT, exitCodeFor } from './exitCodes';
import { line, type CliOutput } from './output';

export interface ItemPublish {
  file: string;
  info: PackageInfo;
  /** The project path as people write it, and its LUID. */
  project: string;
  projectId: string;
  name?: string;
  mode: PublishMode;
  /** What the request carries besides where the file goes (tags and thumbnails come from `settings`). */
  request: Omit<PublishRequest, 'filePath' | 'name' | 'projectId' | 'mode' | 'thumbnailsUserId' | 'thumbnailsGroupId' | 'tags'>;
  settings: TargetSettings;
  steps: Steps;
  /** Settings already resolved (a batch resolves all of them before its first upload). */
  resolved?: ResolvedSettings;
  /** Database hosts whose login goes with the file, for the report. */
  credentialHosts?: string[];
  /** The manifest environment the item goes to: named in the text, and in the event. */
  environment?: string;
  /** More fields of the "published" event (promotion's source). */
  event?: Record<string, unknown>;
}

export interface PublishItemOptions {
  signal: AbortSignal;
  chunkSizeMb?: number;
  jobTimeoutMs?: number;
  onProgress?: (p: PublishProgress) => void;
}

/** Everything about the settings that can be wrong, found before the upload: names of users, groups, views. */
export async function resolveBeforeUpload(client: TableauClient, info: PackageInfo, settings: TargetSettings, hiddenViews: readonly string[] | undefined, signal: AbortSignal): Promise<ResolvedSettings> {
  checkHiddenViews(info, hiddenViews ? [...hiddenViews] : undefined);
  return resolveTargetSettings(client, info.kind, settings, { signal });
}

/**
 * Publishes one item and applies what goes after it. Throws when the item is not published
 * (impact refused, upload failed); returns EXIT.ok, or EXIT.afterPublishFailed when it is
 * published but a setting or step after it failed (each reported).
 */
export async function publishItem(conn: CliConnection, out: CliOutput, p: ItemPublish, opts: PublishItemOptions): Promise<number> {
  const { signal } = opts;
  const label = path.basename(p.file);
  const { info } = p;
  await checkImpact(conn.client, out, { info, name: p.name, projectId: p.projectId, project: p.project, mode: p.mode, label, steps: p.steps, signal });
  // Every name and rule is checked before the upload: a typo publishes nothing.
  const resolved = p.resolved ?? (await resolveBeforeUpload(conn.client, info, p.settings, p.request.hiddenViews, signal));
  const r: PublishResult = await publish(
    conn.client,
    { ...p.request, filePath: p.file, name: p.name, projectId: p.projectId, mode: p.mode, thumbnailsUserId: resolved.thumbnailsUserId, thumbnailsGroupId: resolved.thumbnailsGroupId },
    {
      inspection: info,
      signal,
      logger: out.logger,
      chunkSize: opts.chunkSizeMb ? opts.chunkSizeMb * 1024 * 1024 : undefined,
      job: { timeoutMs: opts.jobTimeoutMs },
      onProgress: opts.onProgress,
    },
  );
  // Owner, tags and permissions go on after the publish; a failure there is reported with the publish's success.
  let applied: AppliedSettings | undefined;
  let stepError: SettingsStepError | undefined;
  if (r.mismatch && hasAfterPublishSettings(p.settings)) {
    out.logger.warn(`${label}: its settings were not applied to the item Tableau's answer names (tags were not added, nor owner or permissions set).`);
  } else if (!r.mismatch) {
    try {
      applied = await applyTargetSettings(conn.client, resolved, r.item, p.projectId, { signal });
    } catch (e) {
      if (!(e instanceof SettingsStepError)) throw e;
      stepError = e;
    }
  }
  report(conn, out, p, r, applied, stepError);
  const codes: number[] = [];
  const stepCode = await runAfterPublishSteps(conn.client, out, { result: r, file: p.file, label, steps: p.steps, jobTimeoutMs: opts.jobTimeoutMs, signal });
  if (stepCode) codes.push(stepCode);
  for (const c of applied?.changes ?? []) out.logger.info(`${label}: ${c}`);
  if (stepError) {
    codes.push(EXIT.afterPublishFailed);
    out.failure(`${label}: ${stepError.message}`, { event: 'settingsFailed', file: p.file, step: stepError.step, reason: stepError.reason, message: stepError.message, exitCode: EXIT.afterPublishFailed });
  }
  return codes.length ? codes[0] : EXIT.ok;
}

function report(conn: CliConnection, out: CliOutput, p: ItemPublish, r: PublishResult, applied: AppliedSettings | undefined, stepError: SettingsStepError | undefined): void {
  const label = path.basename(p.file);
  const what = r.kind === 'workbook' ? 'workbook' : 'data source';
  const sentTo = p.credentialHosts ?? [];
  const creds = sentTo.length ? `; database credentials for ${sentTo.join(', ')}` : '';
  // An answer about another item is not repeated as if it were this one: no name, id or address from it.
  const item = r.mismatch ? undefined : r.item;
  // A sign-in redirected to another server (a Tableau Cloud pod move) is named: that is where the item went.
  const moved = conn.serverUrl !== conn.requestedServerUrl;
  const on = moved ? ` on ${conn.serverUrl}` : '';
  const env = p.environment ? `[${p.environment}] ` : '';
  const text = item
    ? line`Published ${what} "${item.name}" to ${env}"${p.project}"${on} (${formatBytes(r.bytes) ?? '?'}, ${(r.durationMs / 1000).toFixed(1)} s${creds}): ${item.webpageUrl ?? item.id}`
    : line`Sent ${what} ${label} to ${env}"${p.project}"${on}${creds}, but Tableau's answer is about another item; check the project.`;
  out.result(text, {
    event: 'published',
    ...p.event,
    ...(p.environment ? { environment: p.environment, site: conn.site } : {}),
    server: conn.serverUrl,
    ...(moved ? { requestedServer: conn.requestedServerUrl } : {}),
    file: p.file,
    kind: r.kind,
    id: item?.id,
    name: item?.name,
    contentUrl: item?.contentUrl,
    webpageUrl: item?.webpageUrl,
    answerMismatch: r.mismatch,
    project: p.project,
    projectId: p.projectId,
    mode: p.mode,
    bytes: r.bytes,
    chunks: r.chunks,
    requests: r.requests,
    retries: r.retries,
    durationMs: r.durationMs,
    jobId: r.jobId,
    tags: applied?.tags,
    settingsChanges: applied?.changes,
    ...(stepError ? { settingsFailedStep: stepError.step } : {}),
    credentialsEmbedded: p.request.connectionCredentials?.length ?? 0,
    credentialHosts: sentTo,
    connectionChanges: r.connectionChanges,
    warnings: r.warnings,
  });
}

/** Reports an item that was not published; returns its exit code (nothing is said for a cancellation). */
export function reportItemFailure(out: CliOutput, file: string, e: unknown): number {
  const code = exitCodeFor(e);
  if (code === EXIT.cancelled) return code;
  const label = path.basename(file);
  const message = e instanceof Error ? e.message : String(e);
  const jobTimedOut = TableauError.is(e, 'jobTimeout');
  out.failure(`${label}: ${message}${jobTimedOut ? ' (see --job-timeout)' : ''}`, {
    event: 'failed', file, reason: TableauError.is(e) ? e.reason : 'unknown', message, exitCode: code,
    ...(jobTimedOut ? { jobId: e.detail } : {}),
  });
  return code;
}
