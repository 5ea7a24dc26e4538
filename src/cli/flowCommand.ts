/** Flows in the CLI: `publish` of a .tfl/.tflx, `ls flows`, `run-flow "Project / Name"`. */
import * as path from 'node:path';
import { allFlows, lastFlowRun, runFlowNow, type Flow } from '../core/api/flows';
import { nameFilter } from '../core/api/pagination';
import { formatBytes } from '../core/display';
import { TableauError } from '../core/errors';
import type { PublishMode } from '../core/models';
import { inspectFlow, publishFlow } from '../core/publish/flowPublisher';
import { formatProjectPath, projectPaths, resolveProjectPath, splitProjectPath } from '../core/publish/projectPath';
import type { CliCommand } from './args';
import type { CliConnection } from './connection';
import { credentialsFor, type DbCredentialSource } from './dbCredentials';
import { EXIT, usageError } from './exitCodes';
import { line, type CliOutput } from './output';

/**
 * One flow file of a `publish` run; the caller reports failures as for any file. Database logins
 * (--db-credentials-file, TABLEAU_DB_*) go to the flow's database connections by the same host
 * rules as for workbooks, in Publish Flow's `<connections>`.
 */
export async function publishFlowFile(
  p: { file: string; project: string; projectId: string; name?: string; mode: PublishMode; description?: string; db?: DbCredentialSource; chunkSizeMb?: number },
  conn: CliConnection,
  out: CliOutput,
  signal: AbortSignal,
  onProgress: (bytes: number, phase: string) => void,
): Promise<void> {
  if (p.mode !== 'createnew' && p.mode !== 'overwrite') throw usageError(`A flow is published with --mode createnew or overwrite, not ${p.mode}.`);
  const label = path.basename(p.file);
  const chosen = p.db ? credentialsFor(p.db, (await inspectFlow(p.file)).dataConnections) : undefined;
  if (chosen?.withheld.length) {
    out.logger.warn(
      `${label}: the TABLEAU_DB_* login is not sent to ${chosen.withheld.join(', ')}: ` +
        (p.db?.fallbackHosts ? 'not in TABLEAU_DB_HOSTS.' : 'the flow names several database hosts; list the ones it may go to in TABLEAU_DB_HOSTS.'),
    );
  }
  for (const s of chosen?.sentTo ?? []) out.logger.info(`${label}: database credentials for ${s.host} (from ${s.from === 'file' ? 'the credentials file' : 'TABLEAU_DB_USERNAME'}).`);
  const r = await publishFlow(
    conn.client,
    { filePath: p.file, name: p.name, projectId: p.projectId, mode: p.mode, description: p.description, connectionCredentials: chosen?.credentials.length ? chosen.credentials : undefined },
    { signal, logger: out.logger, chunkSize: p.chunkSizeMb ? p.chunkSizeMb * 1024 * 1024 : undefined, onProgress: (x) => onProgress(x.bytesSent, x.phase) },
  );
  out.result(line`Published flow "${r.flow.name}" to "${p.project}" (${formatBytes(r.bytes) ?? '?'}, ${(r.durationMs / 1000).toFixed(1)} s): ${r.flow.webpageUrl ?? r.flow.id}`, {
    event: 'published', server: conn.serverUrl, file: p.file, kind: 'flow', id: r.flow.id, name: r.flow.name, webpageUrl: r.flow.webpageUrl, fileType: r.flow.fileType,
    project: p.project, projectId: p.projectId, mode: p.mode, bytes: r.bytes, chunks: r.chunks, requests: r.requests, retries: r.retries, durationMs: r.durationMs,
  });
}

/** `ls flows [--project P]`, each with its last run's status. */
export async function listFlowsCli(conn: CliConnection, out: CliOutput, signal: AbortSignal, projectId: string | undefined, paths: Map<string, string>): Promise<number> {
  const flows = await allFlows(conn.client, { signal, projectId, maxItems: conn.client.listLimits.maxItems });
  for (const f of flows) {
    const run = await lastFlowRun(conn.client, f.id, signal);
    const where = f.project ? paths.get(f.project.id) : undefined;
    out.result(line`${where ?? '?'} / ${f.name}\t${f.fileType ?? ''}\t${run?.status ?? 'never run'}\t${f.id}`, {
      kind: 'flow', id: f.id, name: f.name, fileType: f.fileType, project: where, projectId: f.project?.id, lastRun: run,
    });
  }
  return EXIT.ok;
}

async function findFlow(conn: CliConnection, ref: string, signal: AbortSignal): Promise<{ flow: Flow; project: string }> {
  const parts = splitProjectPath(ref);
  const name = parts[parts.length - 1];
  const projectPath = parts.length > 1 ? formatProjectPath(parts.slice(0, -1)) : undefined;
  const projectId = projectPath ? (await resolveProjectPath(conn.client, projectPath, { signal })).id : undefined;
  const found = (await allFlows(conn.client, { signal, projectId, filter: nameFilter(name) })).filter((f) => f.name === name);
  if (found.length === 1) {
    const paths = projectPaths(await conn.client.allProjects({ signal }));
    return { flow: found[0], project: (found[0].project && paths.get(found[0].project.id)) ?? '?' };
  }
  if (!found.length) throw new TableauError({ reason: 'notFound', message: `No flow "${name}"${projectPath ? ` in project "${projectPath}"` : ''} on this site.` });
  throw new TableauError({ reason: 'invalidArgument', message: `${found.length} flows are named "${name}"; name its project too ("Project / ${name}").` });
}

/** `run-flow "Project / Name"`: Run Flow Now, then wait for its job (bounded by --job-timeout). */
export async function runFlowCli(args: Extract<CliCommand, { command: 'run-flow' }>, conn: CliConnection, out: CliOutput, signal: AbortSignal): Promise<number> {
  const { flow, project } = await findFlow(conn, args.flow, signal);
  const job = await runFlowNow(conn.client, flow.id, signal);
  const done = await conn.client.waitForJob(job.id, { signal, timeoutMs: args.jobTimeoutMs, onProgress: (j) => out.progress(path.basename(flow.name), j.progress ?? 0, 100, 'job') });
  const run = await lastFlowRun(conn.client, flow.id, signal);
  out.result(line`Ran flow "${flow.name}" in "${project}": ${run?.status ?? 'finished'} (job ${done.id})`, {
    event: 'flowRun', id: flow.id, name: flow.name, project, jobId: done.id, flowRunId: job.flowRunId, status: run?.status, finishCode: done.finishCode,
  });
  return EXIT.ok;
}
