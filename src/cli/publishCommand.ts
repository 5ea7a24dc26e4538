/** `tableau-publish publish <files...>`: one session for the whole batch, bounded concurrency. */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { TableauError } from '../core/errors';
import type { Project, PublishMode } from '../core/models';
import { findTargets, loadManifest, MANIFEST_PATH, type ManifestTarget, type PublishManifest } from '../core/publish/manifest';
import { inspectPackage } from '../core/package/inspect';
import { isFlowFile } from '../core/publish/flowPublisher';
import { publishFlowFile } from './flowCommand';
import { publish, type PublishResult } from '../core/publish/publisher';
import { resolveProjectPath } from '../core/publish/projectPath';
import { assertInsideWorkspace } from '../core/publish/workspacePath';
import type { CliCommand } from './args';
import type { CliConnection } from './connection';
import { credentialsFor, loadDbCredentials } from './dbCredentials';
import { EXIT, exitCodeFor } from './exitCodes';
import { formatBytes } from '../core/display';
import { line, type CliOutput } from './output';
import { checkImpact, runAfterPublishSteps, stepsFor } from './afterPublishSteps';
import { dryRunOne, targetSettingsFor } from './publishSettings';
import { applyTargetSettings, hasAfterPublishSettings, resolveTargetSettings, SettingsStepError, type AppliedSettings } from '../core/publish/settings';

type PublishArgs = Extract<CliCommand, { command: 'publish' }>;

interface Plan {
  file: string;
  project: string;
  name?: string;
  mode: PublishMode;
  target?: ManifestTarget;
}

/** The manifest `--manifest` names (or the workspace's), and the workspace root its targets are relative to. */
export async function loadCliManifest(manifestArg: string | undefined, cwd: string): Promise<{ manifest: PublishManifest | undefined; root: string }> {
  const manifestFile = manifestArg ? path.resolve(cwd, manifestArg) : path.join(cwd, MANIFEST_PATH);
  // Targets are relative to the workspace: the folder holding .vscode/, else the manifest's folder.
  const dir = path.dirname(manifestFile);
  const root = path.basename(dir) === '.vscode' ? path.dirname(dir) : dir;
  const manifest = await loadManifest(manifestFile, { workspaceRoot: root });
  if (manifestArg && !manifest) throw new TableauError({ reason: 'invalidFile', message: `The manifest "${manifestArg}" does not exist.` });
  return { manifest, root };
}

async function plan(args: PublishArgs, site: string, cwd: string): Promise<Plan[]> {
  const { manifest, root } = await loadCliManifest(args.manifest, cwd);
  const plans: Plan[] = [];
  for (const f of args.files) {
    const file = path.resolve(cwd, f);
    // Targets published through environments (no site of their own) are for --env.
    const targets = manifest ? findTargets(manifest, path.relative(root, file)).filter((t) => t.site !== undefined) : [];
    const target = targets.find((t) => t.site === site);
    if (!target && targets.length) {
      throw new TableauError({ reason: 'invalidArgument', message: `The manifest targets "${f}" at site "${targets[0].site}", not "${site}"; run with --site ${targets[0].site || '""'}.` });
    }
    // A file the manifest's targets cover (often a glob the shell expanded) must really be in the workspace, not linked out of it.
    if (target) await assertInsideWorkspace(root, file);
    plans.push({
      file,
      project: args.project ?? target?.project ?? 'Default',
      name: args.name ?? target?.name,
      mode: args.mode ?? target?.mode ?? 'createnew',
      target,
    });
  }
  return plans;
}

export async function runPublish(args: PublishArgs, conn: CliConnection, out: CliOutput, signal: AbortSignal, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const plans = await plan(args, conn.site, cwd);
  // Read before anything goes on the wire: a bad credentials file stops the run at once.
  const db = loadDbCredentials(env, args.dbCredentialsFile && path.resolve(cwd, args.dbCredentialsFile), out.logger);
  const sizes = plans.map((p) => (existsSync(p.file) ? statSync(p.file).size : 0));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const sent = plans.map(() => 0);
  const projects = new Map<string, Promise<Project>>();
  const projectFor = (p: string): Promise<Project> => {
    let v = projects.get(p);
    if (!v) projects.set(p, (v = resolveProjectPath(conn.client, p, { signal })));
    return v;
  };
  let done = 0;
  const codes: number[] = [];

  const one = async (i: number): Promise<void> => {
    const p = plans[i];
    const label = path.basename(p.file);
    try {
      if (isFlowFile(p.file)) {
        const project = await projectFor(p.project);
        const o = p.target?.options ?? {};
        await publishFlowFile({ file: p.file, project: p.project, projectId: project.id, name: p.name, mode: p.mode, description: args.description ?? o.description, db, chunkSizeMb: args.chunkSizeMb }, conn, out, signal, (n, phase) => {
          sent[i] = n;
          out.progress(`${done}/${plans.length} ${label}`, sent.reduce((a, b) => a + b, 0), totalBytes, phase);
        });
        done++;
        return;
      }
      // The file is inspected while sign-in and the project lookup are on the wire, not after.
      const inspected = inspectPackage(p.file);
      inspected.catch(() => undefined); // awaited below; a failed lookup must not leave it unhandled
      const o = p.target?.options ?? {};
      const settings = targetSettingsFor(args, o);
      if (args.dryRun) {
        await dryRunOne(conn.client, await inspected, { ...p, hiddenViews: args.hiddenViews ?? o.hiddenViews }, settings, out, signal);
        return;
      }
      const project = await projectFor(p.project);
      const info = await inspected;
      const steps = stepsFor(args, o, info, label, out);
      await checkImpact(conn.client, out, { info, name: p.name, projectId: project.id, project: p.project, mode: p.mode, label, steps, signal });
      // Every name and rule is checked before the upload: a typo publishes nothing.
      const resolved = await resolveTargetSettings(conn.client, info.kind, settings, { signal });
      const chosen = db ? credentialsFor(db, info.dataConnections) : undefined;
      const connectionCredentials = chosen?.credentials ?? [];
      if (db && !info.dataConnectionsParsed) out.logger.warn(`${label}: its connections could not be inspected, so no database credentials are embedded.`);
      if (chosen?.withheld.length) {
        out.logger.warn(
          `${label}: the TABLEAU_DB_* login is not sent to ${chosen.withheld.join(', ')}: ` +
            (db?.fallbackHosts ? 'not in TABLEAU_DB_HOSTS.' : 'the file names several database hosts; list the ones it may go to in TABLEAU_DB_HOSTS (e.g. db.corp.example,*.corp.example).'),
        );
      }
      for (const s of chosen?.sentTo ?? []) out.logger.info(`${label}: database credentials for ${s.host} (from ${s.from === 'file' ? 'the credentials file' : 'TABLEAU_DB_USERNAME'}).`);
      if (info.kind !== 'workbook' && (args.showTabs !== undefined || args.hiddenViews)) out.logger.warn(`${label} is a data source: --show-tabs and --hidden-views apply to workbooks only.`);
      // Publish Data Source has no skipConnectionCheck parameter: it is not sent for data sources.
      if (info.kind !== 'workbook' && (args.skipConnectionCheck || o.skipConnectionCheck)) {
        out.logger.warn(`${label} is a data source: ${args.skipConnectionCheck ? '--skip-connection-check' : 'the manifest\'s skipConnectionCheck'} applies to workbooks only and is ignored.`);
      }
      const r: PublishResult = await publish(
        conn.client,
        {
          filePath: p.file,
          name: p.name,
          projectId: project.id,
          mode: p.mode,
          asJob: args.asJob || o.asJob,
          skipConnectionCheck: args.skipConnectionCheck || o.skipConnectionCheck,
          showTabs: args.showTabs ?? o.showTabs,
          hiddenViews: args.hiddenViews ?? o.hiddenViews,
          description: args.description ?? o.description,
          thumbnailsUserId: resolved.thumbnailsUserId,
          thumbnailsGroupId: resolved.thumbnailsGroupId,
          connectionCredentials: connectionCredentials.length ? connectionCredentials : undefined,
        },
        {
          inspection: info,
          signal,
          logger: out.logger,
          chunkSize: args.chunkSizeMb ? args.chunkSizeMb * 1024 * 1024 : undefined,
          job: { timeoutMs: args.jobTimeoutMs },
          onProgress: (x) => {
            sent[i] = x.bytesSent;
            out.progress(`${done}/${plans.length} ${label}`, sent.reduce((a, b) => a + b, 0), totalBytes, x.phase === 'job' ? `job ${x.jobProgress ?? 0}%` : x.phase);
          },
        },
      );
      done++;
      // Owner, tags and permissions go on after the publish; a failure there is reported with the publish's success.
      let applied: AppliedSettings | undefined;
      let stepError: SettingsStepError | undefined;
      if (r.mismatch && hasAfterPublishSettings(settings)) {
        out.logger.warn(`${label}: its settings were not applied to the item Tableau's answer names (tags were not added, nor owner or permissions set).`);
      } else if (!r.mismatch) {
        try {
          applied = await applyTargetSettings(conn.client, resolved, r.item, project.id, { signal });
        } catch (e) {
          if (!(e instanceof SettingsStepError)) throw e;
          stepError = e;
        }
      }
      const what = r.kind === 'workbook' ? 'workbook' : 'data source';
      const sentTo = chosen?.sentTo.map((s) => s.host) ?? [];
      const creds = sentTo.length ? `; database credentials for ${sentTo.join(', ')}` : '';
      // An answer about another item is not repeated as if it were this one: no name, id or address from it.
      const item = r.mismatch ? undefined : r.item;
      // A sign-in redirected to another server (a Tableau Cloud pod move) is named: that is where the item went.
      const moved = conn.serverUrl !== conn.requestedServerUrl;
      const on = moved ? ` on ${conn.serverUrl}` : '';
      const text = item
        ? line`Published ${what} "${item.name}" to "${p.project}"${on} (${formatBytes(r.bytes) ?? '?'}, ${(r.durationMs / 1000).toFixed(1)} s${creds}): ${item.webpageUrl ?? item.id}`
        : line`Sent ${what} ${label} to "${p.project}"${on}${creds}, but Tableau's answer is about another item; check the project.`;
      out.result(text, {
        event: 'published',
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
        projectId: project.id,
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
        credentialsEmbedded: connectionCredentials.length,
        credentialHosts: sentTo,
        connectionChanges: r.connectionChanges,
        warnings: r.warnings,
      });
      const stepCode = await runAfterPublishSteps(conn.client, out, { result: r, file: p.file, label, steps, jobTimeoutMs: args.jobTimeoutMs, signal });
      if (stepCode) codes.push(stepCode);
      for (const c of applied?.changes ?? []) out.logger.info(`${label}: ${c}`);
      if (stepError) {
        codes.push(EXIT.afterPublishFailed);
        out.failure(`${label}: ${stepError.message}`, { event: 'settingsFailed', file: p.file, step: stepError.step, reason: stepError.reason, message: stepError.message, exitCode: EXIT.afterPublishFailed });
      }
    } catch (e) {
      const code = exitCodeFor(e);
      codes.push(code);
      if (code === EXIT.cancelled) return;
      const message = e instanceof Error ? e.message : String(e);
      const jobTimedOut = TableauError.is(e, 'jobTimeout');
      out.failure(`${label}: ${message}${jobTimedOut ? ' (see --job-timeout)' : ''}`, {
        event: 'failed', file: p.file, reason: TableauError.is(e) ? e.reason : 'unknown', message, exitCode: code,
        ...(jobTimedOut ? { jobId: e.detail } : {}),
      });
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length && !signal.aborted) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.min(args.concurrency, plans.length) }, worker));
  out.clearBar();
  if (signal.aborted) return EXIT.cancelled;
  return codes.length ? codes[0] : EXIT.ok;
}
