/** `tableau-publish ls projects|workbooks|datasources|views [--project P]`. */
import { projectPaths, resolveProjectPath } from '../core/publish/projectPath';
import type { CliCommand } from './args';
import type { CliConnection } from './connection';
import { EXIT } from './exitCodes';
import { listFlowsCli } from './flowCommand';
import { line, type CliOutput } from './output';

type LsArgs = Extract<CliCommand, { command: 'ls' }>;

export async function runList(args: LsArgs, conn: CliConnection, out: CliOutput, signal: AbortSignal): Promise<number> {
  const { client } = conn;
  const projects = await client.allProjects({ signal });
  const paths = projectPaths(projects);
  const projectId = args.project ? (await resolveProjectPath(client, args.project, { signal })).id : undefined;
  const inProject = (p?: { id: string }): boolean => projectId === undefined || p?.id === projectId;

  if (args.what === 'projects') {
    const rows = projects.filter((p) => projectId === undefined || p.id === projectId || p.parentProjectId === projectId);
    for (const p of rows.sort((a, b) => (paths.get(a.id) ?? '').localeCompare(paths.get(b.id) ?? ''))) {
      out.result(line`${paths.get(p.id)}\t${p.id}`, { kind: 'project', id: p.id, name: p.name, path: paths.get(p.id), parentProjectId: p.parentProjectId });
    }
    return EXIT.ok;
  }
  if (args.what === 'flows') return listFlowsCli(conn, out, signal, projectId, paths);
  if (args.what === 'datasources') {
    for (const d of (await client.allDataSources({ signal })).filter((x) => inProject(x.project))) {
      const where = d.project ? paths.get(d.project.id) : undefined;
      out.result(line`${where ?? '?'} / ${d.name}\t${d.type ?? ''}\t${d.id}`, { kind: 'datasource', id: d.id, name: d.name, type: d.type, project: where, projectId: d.project?.id, contentUrl: d.contentUrl });
    }
    return EXIT.ok;
  }
  if (args.what === 'workbooks') {
    for (const w of (await client.allWorkbooks({ signal })).filter((x) => inProject(x.project))) {
      const where = w.project ? paths.get(w.project.id) : undefined;
      out.result(line`${where ?? '?'} / ${w.name}\t${w.id}`, { kind: 'workbook', id: w.id, name: w.name, project: where, projectId: w.project?.id, contentUrl: w.contentUrl });
    }
    return EXIT.ok;
  }
  // Views: the site-wide listing (a few pages), not one request per workbook; workbook names come
  // from the workbook listing, fetched at the same time. Each view names its project.
  const [views, workbooks] = await Promise.all([client.allViews({ signal }), client.allWorkbooks({ signal })]);
  const workbookById = new Map(workbooks.map((w) => [w.id, w]));
  const rows = views
    .filter((v) => projectId === undefined || (v.project?.id ?? (v.workbookId ? workbookById.get(v.workbookId)?.project?.id : undefined)) === projectId)
    .map((v) => ({ v, w: v.workbookId ? workbookById.get(v.workbookId) : undefined }))
    .sort((a, b) => (a.w?.name ?? '').localeCompare(b.w?.name ?? '') || a.v.name.localeCompare(b.v.name));
  for (const { v, w } of rows) {
    out.result(line`${w?.name ?? '?'} / ${v.name}\t${v.id}`, { kind: 'view', id: v.id, name: v.name, workbookId: v.workbookId, workbook: w?.name, contentUrl: v.contentUrl });
  }
  return EXIT.ok;
}
