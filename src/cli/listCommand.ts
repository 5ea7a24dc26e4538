/** `tableau-publish ls projects|workbooks|datasources|views [--project P]`. */
import type { View, Workbook } from '../core/models';
import { projectPaths, resolveProjectPath } from '../core/publish/projectPath';
import type { CliCommand } from './args';
import type { CliConnection } from './connection';
import { EXIT } from './exitCodes';
import type { CliOutput } from './output';

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
      out.result(`${paths.get(p.id)}\t${p.id}`, { kind: 'project', id: p.id, name: p.name, path: paths.get(p.id), parentProjectId: p.parentProjectId });
    }
    return EXIT.ok;
  }
  if (args.what === 'datasources') {
    for (const d of (await client.allDataSources({ signal })).filter((x) => inProject(x.project))) {
      const where = d.project ? paths.get(d.project.id) : undefined;
      out.result(`${where ?? '?'} / ${d.name}\t${d.type ?? ''}\t${d.id}`, { kind: 'datasource', id: d.id, name: d.name, type: d.type, project: where, projectId: d.project?.id, contentUrl: d.contentUrl });
    }
    return EXIT.ok;
  }
  const workbooks = (await client.allWorkbooks({ signal })).filter((x) => inProject(x.project));
  if (args.what === 'workbooks') {
    for (const w of workbooks) {
      const where = w.project ? paths.get(w.project.id) : undefined;
      out.result(`${where ?? '?'} / ${w.name}\t${w.id}`, { kind: 'workbook', id: w.id, name: w.name, project: where, projectId: w.project?.id, contentUrl: w.contentUrl });
    }
    return EXIT.ok;
  }
  // Views: per workbook, a few at a time, printed in workbook order.
  const views: View[][] = new Array(workbooks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < workbooks.length) {
      const i = next++;
      views[i] = await client.listWorkbookViews(workbooks[i].id, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, workbooks.length) }, worker));
  workbooks.forEach((w: Workbook, i) => {
    for (const v of views[i]) {
      out.result(`${w.name} / ${v.name}\t${v.id}`, { kind: 'view', id: v.id, name: v.name, workbookId: w.id, workbook: w.name, contentUrl: v.contentUrl });
    }
  });
  return EXIT.ok;
}
