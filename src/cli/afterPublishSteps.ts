/**
 * The CLI's steps around one publish: before it, refuse a refresh of a file with no extract and
 * list (or, with --fail-on-impact, refuse) the workbooks an overwrite of a data source touches;
 * after it, refresh the extract and wait, and render every view (--check-views). An after-publish
 * step that fails is reported as such: the publish itself succeeded.
 */
import type { TableauClient } from '../core/api/client';
import { describeImpact } from '../core/api/metadata';
import { isCancellation, TableauError } from '../core/errors';
import type { PublishMode } from '../core/models';
import type { PackageInfo } from '../core/package/inspect';
import { impactRefusal, replacesContent } from '../core/environments/planSettings';
import { assertRefreshable, overwriteImpact, refreshAndWait, renderViews } from '../core/publish/afterPublish';
import type { ManifestOptions } from '../core/publish/manifest';
import { defaultName, type PublishResult } from '../core/publish/publisher';
import { EXIT } from './exitCodes';
import { line, type CliOutput } from './output';

export interface Steps {
  refresh: boolean;
  checkViews: boolean;
  failOnImpact: boolean;
}

/** Flags win over the manifest; checked before anything is sent. */
export function stepsFor(args: Steps, o: ManifestOptions, info: PackageInfo, label: string, out: CliOutput): Steps {
  const steps = { refresh: args.refresh || !!o.refresh, checkViews: args.checkViews || !!o.checkViews, failOnImpact: args.failOnImpact || !!o.failOnImpact };
  if (steps.refresh) assertRefreshable(info);
  if (steps.checkViews && info.kind !== 'workbook') {
    out.logger.warn(`${label} is a data source: --check-views applies to workbooks only.`);
    steps.checkViews = false;
  }
  return steps;
}

/** Before overwriting a data source: which workbooks use it (always said), and the refusal --fail-on-impact asks for. */
export async function checkImpact(
  client: TableauClient,
  out: CliOutput,
  p: { info: PackageInfo; name?: string; projectId: string; project: string; mode: PublishMode; label: string; steps: Steps; signal: AbortSignal },
): Promise<void> {
  if (!replacesContent(p.info.kind, p.mode)) return;
  const name = p.name ?? defaultName(p.info.path);
  const found = await overwriteImpact(client, name, p.projectId, p.signal);
  if (!found) return;
  const { impact } = found;
  const text = describeImpact(impact);
  if (!impact.available) {
    out.logger.warn(`${p.label}: ${text}`);
    return;
  }
  out.result(line`${p.label}: ${text}`, {
    event: 'impact',
    file: p.info.path,
    datasourceId: found.datasourceId,
    total: impact.total,
    workbooks: impact.workbooks.map((w) => ({ id: w.luid, name: w.name, project: w.projectName, owner: w.owner })),
  });
  if (p.steps.failOnImpact && impact.total > 0) {
    throw new TableauError({
      reason: 'impactRefused',
      message: impactRefusal(name, p.project, impact.total, '--fail-on-impact'),
    });
  }
}

/** Runs the after-publish steps; returns EXIT.ok, or EXIT.afterPublishFailed when one failed (each failure reported). */
export async function runAfterPublishSteps(
  client: TableauClient,
  out: CliOutput,
  p: { result: PublishResult; file: string; label: string; steps: Steps; jobTimeoutMs?: number; signal: AbortSignal },
): Promise<number> {
  const { item, kind } = p.result;
  // An answer about another item is never refreshed or rendered as if it were this one.
  if (p.result.mismatch || (!p.steps.refresh && !p.steps.checkViews)) return EXIT.ok;
  let code: number = EXIT.ok;
  const failed = (step: string, message: string, extra: Record<string, unknown> = {}): void => {
    code = EXIT.afterPublishFailed;
    out.failure(`${p.label}: published, but ${message}`, { event: 'afterPublishFailed', step, file: p.file, id: item.id, message, exitCode: EXIT.afterPublishFailed, ...extra });
  };
  if (p.steps.refresh) {
    const started = Date.now();
    try {
      const job = await refreshAndWait(client, kind, item.id, { signal: p.signal, timeoutMs: p.jobTimeoutMs, onProgress: (j) => out.progress(`refresh ${p.label}`, j.progress ?? 0, 100, `job ${j.progress ?? 0}%`) });
      out.result(line`Refreshed the extract of "${item.name}" (job ${job.id}, ${((Date.now() - started) / 1000).toFixed(1)} s).`, { event: 'refreshed', file: p.file, id: item.id, jobId: job.id });
    } catch (e) {
      if (isCancellation(e) || !TableauError.is(e)) throw e;
      failed('refresh', `the extract refresh failed: ${e.message}`, { reason: e.reason, ...(TableauError.is(e, 'jobTimeout') ? { jobId: e.detail } : {}) });
    }
  }
  if (p.steps.checkViews && kind === 'workbook') {
    try {
      const rendered = await renderViews(client, item.id, { signal: p.signal });
      const broken = rendered.filter((r) => r.error);
      const views = rendered.map((r) => ({ id: r.view.id, name: r.view.name, renders: !r.error, ...(r.error ? { code: r.error.code, message: r.error.message } : {}) }));
      if (broken.length) {
        const names = broken.map((r) => `"${r.view.name}" (${r.error!.code ? `Tableau error ${r.error!.code}` : r.error!.reason})`).join(', ');
        failed('checkViews', `${broken.length} of ${rendered.length} view${rendered.length === 1 ? '' : 's'} cannot render: ${names}`, { views });
      } else {
        out.result(line`All ${rendered.length} view${rendered.length === 1 ? '' : 's'} of "${item.name}" render.`, { event: 'viewsChecked', file: p.file, id: item.id, views });
      }
    } catch (e) {
      if (isCancellation(e) || !TableauError.is(e)) throw e;
      failed('checkViews', `its views could not be checked: ${e.message}`, { reason: e.reason });
    }
  }
  return code;
}
