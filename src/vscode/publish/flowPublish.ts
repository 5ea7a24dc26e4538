/**
 * Publishing Tableau Prep flows (`.tfl`, `.tflx`) from VS Code: the Publish… command (Explorer,
 * editor title, a project node) and Publish Again / Publish All for manifest targets whose file
 * is a flow. Flows go through the core's flow publisher, with the same target picker, progress,
 * cancellation and remembered target as workbooks; they have no views, tabs or extract options.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { allFlows, type Flow } from '../../core/api/flows';
import { nameFilter } from '../../core/api/pagination';
import { PROJECT_PATH_SEPARATOR } from '../../core/display';
import { cancelled, isCancellation, TableauError } from '../../core/errors';
import { inspectFlow, isFlowFile, publishFlow, type FlowInfo } from '../../core/publish/flowPublisher';
import { resolveProjectPath, splitProjectPath } from '../../core/publish/projectPath';
import { assertInsideWorkspace } from '../../core/publish/workspacePath';
import { trustedWebpageUrl } from '../connections/profileLogic';
import { toAbortSignal } from '../services/cancellation';
import type { Services } from '../services/services';
import type { ConnectionCredentials } from '../../core/publish/payload';
import { credentialsFor } from './dataConnectionCredentials';
import { inspectFiles } from './inspectFiles';
import { announceSitesChanged, chunkSizeSetting } from './publishRunner';
import { connectionForTarget } from './manifestPlans';
import type { FolderTarget } from './manifestStore';
import { type PublishTarget, type PublishPreset, pickTarget, rememberLastTarget } from './target';

/** One flow file ready to go. */
export interface FlowPlan {
  info: FlowInfo;
  target: PublishTarget;
  name: string;
  mode: 'createnew' | 'overwrite';
  description?: string;
  /** Logins for the flow's database connections (asked once, kept in SecretStorage, as for workbooks). */
  connectionCredentials?: ConnectionCredentials[];
}

export type FlowOutcome =
  | { plan: FlowPlan; ok: true; flow: Flow; durationMs: number }
  | { plan: FlowPlan; ok: false; cancelled: boolean; error: unknown };

/** Splits a selection into flow files and the rest (workbooks, data sources). */
export function splitFlows(files: readonly vscode.Uri[]): { flows: vscode.Uri[]; others: vscode.Uri[] } {
  return { flows: files.filter((f) => isFlowFile(f.path)), others: files.filter((f) => !isFlowFile(f.path)) };
}

function flowName(file: string): string {
  return path.basename(file, path.extname(file));
}

/** The flow of this name in the target project, if one exists (a name filter, narrowed to the project). */
async function existingFlow(services: Services, target: PublishTarget, name: string, signal?: AbortSignal): Promise<Flow | undefined> {
  const client = await services.connections.getClient(target.profile.id, { siteContentUrl: target.siteContentUrl, purpose: 'publish', signal });
  const found = await allFlows(client, { signal, filter: nameFilter(name), projectId: target.projectId, maxItems: client.listLimits.maxItems });
  return found.find((f) => f.name.toLowerCase() === name.toLowerCase());
}

/** The interactive Publish… of flow files: target, name, replace-or-not, then publish with progress. */
export async function runFlowPublish(services: Services, files: readonly vscode.Uri[], preset?: PublishPreset): Promise<FlowOutcome[] | undefined> {
  try {
    const infos = await inspectFiles(services, files, inspectFlow);
    if (infos.length === 0) return undefined;
    const target = await pickTarget(services, preset);
    if (!target) return undefined;
    const where = `${target.profile.label} · ${target.projectPath.join(PROJECT_PATH_SEPARATOR)}`;
    const plans: FlowPlan[] = [];
    for (const info of infos) {
      let name = flowName(info.path);
      if (infos.length === 1) {
        const entered = await services.ui.input('flow.name', {
          prompt: vscode.l10n.t('Name of the flow on Tableau'),
          value: name,
          validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The name cannot be empty.')),
        });
        if (entered === undefined) return undefined;
        name = entered.trim();
      }
      let mode: FlowPlan['mode'] = 'createnew';
      if (await existingFlow(services, target, name)) {
        const ok = await services.ui.confirm('flow.replace', vscode.l10n.t('A flow named "{0}" already exists in {1}. Replace it?', name, where), vscode.l10n.t('Replace'), { modal: true });
        if (!ok) return undefined;
        mode = 'overwrite';
      }
      const connectionCredentials = await credentialsFor(services, info.path, info.dataConnections, { interactive: true });
      if (connectionCredentials === undefined) return undefined;
      plans.push({ info, target, name, mode, connectionCredentials });
    }
    await rememberLastTarget(services, target);
    const outcomes = await publishFlowsWithProgress(services, plans);
    await reportFlowOutcomes(services, outcomes);
    return outcomes;
  } catch (e) {
    await services.errors.show(e, { prefix: vscode.l10n.t('Publish failed:') });
    return undefined;
  }
}

/** A manifest target whose file is a flow, as a plan (Publish Again, Publish All). */
export async function flowPlanFromTarget(services: Services, t: FolderTarget, file: string, opts: { interactive: boolean; signal?: AbortSignal }): Promise<FlowPlan> {
  await assertInsideWorkspace(t.folder.uri.fsPath, file);
  if (t.target.mode !== 'createnew' && t.target.mode !== 'overwrite') {
    throw new TableauError({ reason: 'invalidArgument', message: `"${t.target.file}" is a flow: a flow target's mode is createnew or overwrite, not ${t.target.mode}.` });
  }
  const info = await inspectFlow(file);
  const profile = await connectionForTarget(services, t, file, opts.interactive);
  const siteContentUrl = t.target.site ?? '';
  const client = await services.connections.getClient(profile.id, { siteContentUrl, purpose: 'publish', signal: opts.signal });
  const project = await resolveProjectPath(client, t.target.project, { signal: opts.signal });
  const connectionCredentials = await credentialsFor(services, file, info.dataConnections, { interactive: opts.interactive });
  if (connectionCredentials === undefined) throw cancelled();
  return {
    info,
    connectionCredentials,
    target: { profile, siteContentUrl, projectId: project.id, projectPath: splitProjectPath(t.target.project) },
    name: t.target.name ?? flowName(file),
    mode: t.target.mode,
    description: t.target.options?.description,
  };
}

/** Publishes flow plans one after another in a cancellable notification; a failure does not stop the others. */
export async function publishFlowsWithProgress(services: Services, plans: readonly FlowPlan[]): Promise<FlowOutcome[]> {
  if (plans.length === 0) return [];
  const title = plans.length === 1 ? vscode.l10n.t('Publishing flow "{0}" to {1}', plans[0].name, plans[0].target.profile.label) : vscode.l10n.t('Publishing {0} flows', plans.length);
  const chunkSize = chunkSizeSetting();
  const outcomes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const signal = toAbortSignal(token);
    const total = plans.reduce((n, p) => n + p.info.size, 0) || 1;
    const out: FlowOutcome[] = [];
    for (const plan of plans) {
      if (signal.aborted) {
        out.push({ plan, ok: false, cancelled: true, error: cancelled() });
        continue;
      }
      let sent = 0;
      try {
        const client = await services.connections.getClient(plan.target.profile.id, { siteContentUrl: plan.target.siteContentUrl, purpose: 'publish', signal });
        const r = await publishFlow(client, { filePath: plan.info.path, name: plan.name, projectId: plan.target.projectId, mode: plan.mode, description: plan.description, connectionCredentials: plan.connectionCredentials?.length ? plan.connectionCredentials : undefined }, {
          signal,
          chunkSize,
          logger: services.logger,
          onProgress: (p) => {
            const step = Math.max(0, p.bytesSent - sent);
            sent = Math.max(sent, p.bytesSent);
            progress.report({ message: p.phase === 'commit' ? vscode.l10n.t('{0}: finishing', plan.name) : plan.name, increment: (step / total) * 100 });
          },
        });
        out.push({ plan, ok: true, flow: r.flow, durationMs: r.durationMs });
      } catch (e) {
        const stopped = isCancellation(e) || signal.aborted;
        if (!stopped) services.logger.error(`Publishing the flow ${path.basename(plan.info.path)} failed:`, e instanceof Error ? e.message : String(e));
        out.push({ plan, ok: false, cancelled: stopped, error: e });
      }
    }
    return out;
  });
  announceSitesChanged(services, outcomes.flatMap((o) => (o.ok ? [o.plan.target] : [])));
  return outcomes;
}

/** Success with "Open in browser"; failures in plain words; a cancellation quietly. */
export async function reportFlowOutcomes(services: Services, outcomes: readonly FlowOutcome[]): Promise<void> {
  for (const o of outcomes) {
    if (o.ok || o.cancelled) continue;
    await services.errors.show(o.error, { prefix: vscode.l10n.t('Publishing "{0}" failed:', path.basename(o.plan.info.path)) });
  }
  if (outcomes.some((o) => !o.ok && o.cancelled)) vscode.window.setStatusBarMessage(vscode.l10n.t('Publish cancelled: nothing more was sent.'), 5000);
  const ok = outcomes.filter((o): o is Extract<FlowOutcome, { ok: true }> => o.ok);
  if (ok.length === 0) return;
  const where = `${ok[0].plan.target.profile.label} · ${ok[0].plan.target.projectPath.join(PROJECT_PATH_SEPARATOR)}`;
  const text = ok.length === 1 ? vscode.l10n.t('Published flow "{0}" to {1}.', ok[0].flow.name, where) : vscode.l10n.t('Published {0} flows to {1}.', ok.length, where);
  const open = vscode.l10n.t('Open in browser');
  // Only a page on the connection's own server: an address a server gives is not opened on its word.
  const url = ok.length === 1 ? trustedWebpageUrl(ok[0].plan.target.profile.serverUrl, ok[0].flow.webpageUrl) : undefined;
  const chosen = await services.ui.notify('info', text, ...(url ? [open] : []));
  if (chosen === open && url) await services.ui.openExternal(url);
}

/** Publish… on a mixed selection: flows through the flow path, the rest through `publishOthers`. */
export async function publishWithFlows<R>(
  services: Services,
  files: readonly vscode.Uri[],
  preset: PublishPreset | undefined,
  publishOthers: (files: vscode.Uri[]) => Promise<R[] | undefined>,
): Promise<(R | FlowOutcome)[] | undefined> {
  const { flows, others } = splitFlows(files);
  if (flows.length === 0) return publishOthers(others);
  const flowOutcomes = await runFlowPublish(services, flows, preset);
  if (others.length === 0) return flowOutcomes;
  return [...(flowOutcomes ?? []), ...((await publishOthers(others)) ?? [])];
}
