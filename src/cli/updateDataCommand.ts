/** `tableau-publish update-data <changes.hyper> --datasource "Project / Name" (--actions F | --insert T | --upsert T --on K)`. */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { TableauError } from '../core/errors';
import { formatBytes } from '../core/display';
import { loadManifest, MANIFEST_PATH, matchesGlob } from '../core/publish/manifest';
import { actionsOfTarget, type ManifestUpdateTarget } from '../core/publish/manifestUpdate';
import { insertActions, parseUpdateActions, upsertActions, type UpdateActions } from '../core/publish/updateActions';
import { assertInsideWorkspace } from '../core/publish/workspacePath';
import { resolveDataSource, updateData } from '../core/publish/updateData';
import type { CliCommand } from './args';
import type { CliConnection } from './connection';
import { EXIT, usageError } from './exitCodes';
import { line, type CliOutput } from './output';

type UpdateDataArgs = Extract<CliCommand, { command: 'update-data' }>;

/** An actions file is a few kilobytes; anything far larger is not one. */
const MAX_ACTIONS_FILE_BYTES = 1024 * 1024;

/** Exactly one way of saying what to do, read and checked before anything is sent. */
export async function actionsFrom(args: Pick<UpdateDataArgs, 'actionsFile' | 'insert' | 'upsert' | 'on'>, cwd: string): Promise<UpdateActions> {
  const given = [args.actionsFile !== undefined, args.insert !== undefined, args.upsert !== undefined].filter(Boolean).length;
  if (given !== 1) throw usageError('update-data needs exactly one of --actions FILE, --insert TABLE, --upsert TABLE --on KEY.');
  if (args.on && args.upsert === undefined) throw usageError('--on goes with --upsert.');
  if (args.insert !== undefined) return insertActions(args.insert);
  if (args.upsert !== undefined) {
    if (!args.on?.length) throw usageError('--upsert needs --on KEY (the column(s) that match rows, comma-separated).');
    return upsertActions(args.upsert, args.on);
  }
  const file = path.resolve(cwd, args.actionsFile!);
  const label = `The actions file "${path.basename(file)}"`;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new TableauError({ reason: 'invalidArgument', message: `${label} does not exist or cannot be read.` });
  }
  if (size > MAX_ACTIONS_FILE_BYTES) throw new TableauError({ reason: 'invalidArgument', message: `${label} is ${formatBytes(size) ?? size} bytes; an actions file is at most 1 MB.` });
  return parseUpdateActions(await readFile(file, 'utf8'), label);
}

/** The manifest's update target for the file on this site, if the command line does not name the data source. */
async function manifestTarget(args: UpdateDataArgs, file: string, site: string, cwd: string): Promise<ManifestUpdateTarget | undefined> {
  if (args.datasource !== undefined) return undefined;
  const manifestFile = args.manifest ? path.resolve(cwd, args.manifest) : path.join(cwd, MANIFEST_PATH);
  const dir = path.dirname(manifestFile);
  const root = path.basename(dir) === '.vscode' ? path.dirname(dir) : dir;
  const manifest = await loadManifest(manifestFile, { workspaceRoot: root });
  const rel = path.relative(root, file).split(path.sep).join('/');
  const targets = (manifest?.updates ?? []).filter((t) => matchesGlob(t.file, rel));
  const target = targets.find((t) => t.site === site);
  if (!target) {
    throw usageError(targets.length
      ? `The manifest's update target for "${args.file}" is on site "${targets[0].site}", not "${site}"; run with --site ${targets[0].site || '""'}.`
      : `update-data needs --datasource "Project / Name", or a "mode": "update" target for "${args.file}" in ${args.manifest ?? MANIFEST_PATH}.`);
  }
  await assertInsideWorkspace(root, file);
  return target;
}

export async function runUpdateData(args: UpdateDataArgs, conn: CliConnection, out: CliOutput, signal: AbortSignal, cwd = process.cwd()): Promise<number> {
  const file = path.resolve(cwd, args.file);
  const label = path.basename(file);
  const target = await manifestTarget(args, file, conn.site, cwd);
  const flagged = args.actionsFile !== undefined || args.insert !== undefined || args.upsert !== undefined;
  const actions = target && !flagged ? actionsOfTarget(target) : await actionsFrom(args, cwd);
  const ref = args.datasource ?? `${target!.project} / ${target!.name.replace(/\//g, '//')}`;
  const ds = await resolveDataSource(conn.client, ref, signal);
  const r = await updateData(
    conn.client,
    { filePath: file, datasourceId: ds.id, connectionId: args.connection ?? target?.connectionId, actions, requestId: args.requestId },
    {
      signal,
      logger: out.logger,
      chunkSize: args.chunkSizeMb ? args.chunkSizeMb * 1024 * 1024 : undefined,
      job: { timeoutMs: args.jobTimeoutMs },
      onProgress: (p) => out.progress(label, p.bytesSent, p.totalBytes, p.phase === 'job' ? `job ${p.jobProgress ?? 0}%` : p.phase),
    },
  );
  const report = r.report.length ? `: ${r.report.join(' ')}` : '';
  out.result(line`Updated data source "${r.datasource.name}" from ${label} (${r.actions.map((a) => a.action).join(', ')}; ${formatBytes(r.bytes) ?? '?'}, ${(r.durationMs / 1000).toFixed(1)} s; job ${r.jobId})${report}`, {
    event: 'dataUpdated',
    server: conn.serverUrl,
    file,
    datasourceId: r.datasource.id,
    name: r.datasource.name,
    connectionId: r.connectionId,
    requestId: r.requestId,
    jobId: r.jobId,
    finishCode: r.job.finishCode,
    report: r.report,
    actions: r.actions,
    bytes: r.bytes,
    chunks: r.chunks,
    requests: r.requests,
    retries: r.retries,
    durationMs: r.durationMs,
  });
  return EXIT.ok;
}
