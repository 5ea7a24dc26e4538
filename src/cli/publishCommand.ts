/** `tableau-publish publish <files...>`: one session for the whole batch, bounded concurrency. */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { TableauError } from '../core/errors';
import type { Project, PublishMode } from '../core/models';
import { findTargets, loadManifest, MANIFEST_PATH, type ManifestTarget, type PublishManifest } from '../core/publish/manifest';
import { inspectPackage } from '../core/package/inspect';
import { isFlowFile } from '../core/publish/flowPublisher';
import { publishFlowFile } from './flowCommand';
import { resolveProjectPath } from '../core/publish/projectPath';
import { assertInsideWorkspace } from '../core/publish/workspacePath';
import type { CliCommand } from './args';
import type { CliConnection } from './connection';
import { credentialsFor, loadDbCredentials } from './dbCredentials';
import { EXIT } from './exitCodes';
import type { CliOutput } from './output';
import { stepsFor } from './afterPublishSteps';
import { dryRunOne, optionsWithFlags } from './publishSettings';
import { settingsOfOptions } from '../core/environments/planSettings';
import { publishItem, reportItemFailure } from './publishItem';

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
        const o = optionsWithFlags(p.target?.options ?? {}, args);
        await publishFlowFile({ file: p.file, project: p.project, projectId: project.id, name: p.name, mode: p.mode, description: o.description, db, chunkSizeMb: args.chunkSizeMb }, conn, out, signal, (n, phase) => {
          sent[i] = n;
          out.progress(`${done}/${plans.length} ${label}`, sent.reduce((a, b) => a + b, 0), totalBytes, phase);
        });
        done++;
        return;
      }
      // The file is inspected while sign-in and the project lookup are on the wire, not after.
      const inspected = inspectPackage(p.file);
      inspected.catch(() => undefined); // awaited below; a failed lookup must not leave it unhandled
      // The flags over the manifest's options: what this item is published with.
      const o = optionsWithFlags(p.target?.options ?? {}, args);
      const settings = settingsOfOptions(o);
      if (args.dryRun) {
        await dryRunOne(conn.client, await inspected, { ...p, hiddenViews: o.hiddenViews, failOnImpact: o.failOnImpact }, settings, out, signal);
        return;
      }
      const project = await projectFor(p.project);
      const info = await inspected;
      const steps = stepsFor(args, o, info, label, out);
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
      if (info.kind !== 'workbook' && o.skipConnectionCheck) {
        out.logger.warn(`${label} is a data source: ${args.skipConnectionCheck ? '--skip-connection-check' : 'the manifest\'s skipConnectionCheck'} applies to workbooks only and is ignored.`);
      }
      const stepCode = await publishItem(
        conn,
        out,
        {
          file: p.file,
          info,
          project: p.project,
          projectId: project.id,
          name: p.name,
          mode: p.mode,
          request: {
            asJob: o.asJob,
            skipConnectionCheck: o.skipConnectionCheck,
            showTabs: o.showTabs,
            hiddenViews: o.hiddenViews,
            description: o.description,
            connectionCredentials: connectionCredentials.length ? connectionCredentials : undefined,
          },
          settings,
          steps,
          credentialHosts: chosen?.sentTo.map((s) => s.host),
        },
        {
          signal,
          chunkSizeMb: args.chunkSizeMb,
          jobTimeoutMs: args.jobTimeoutMs,
          onProgress: (x) => {
            sent[i] = x.bytesSent;
            out.progress(`${done}/${plans.length} ${label}`, sent.reduce((a, b) => a + b, 0), totalBytes, x.phase === 'job' ? `job ${x.jobProgress ?? 0}%` : x.phase);
          },
        },
      );
      done++;
      if (stepCode) codes.push(stepCode);
    } catch (e) {
      codes.push(reportItemFailure(out, p.file, e));
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
