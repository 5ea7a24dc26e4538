/** The plan's questions to a target site, answered with a TableauClient (projects listed once). */
import type { TableauClient } from '../api/client';
import { nameFilter } from '../api/pagination';
import { TableauError } from '../errors';
import type { ContentKind, Project } from '../models';
import { overwriteImpact } from '../publish/afterPublish';
import { resolveProjectPath } from '../publish/projectPath';
import type { PlanLookup } from './plan';
import { previewSettingsPlan } from './planSettings';

export function clientLookup(client: TableauClient): PlanLookup & { project(path: string, signal?: AbortSignal): Promise<Project | undefined> } {
  let projects: Promise<Project[]> | undefined;
  const listed = {
    allProjects: (o?: { signal?: AbortSignal }) => (projects ??= client.allProjects({ signal: o?.signal })).then((p) => [...p]),
    createProject: () => Promise.reject(new Error('a plan creates nothing')),
  };
  const project = async (path: string, signal?: AbortSignal): Promise<Project | undefined> => {
    try {
      return await resolveProjectPath(listed, path, { signal });
    } catch (e) {
      if (TableauError.is(e, 'notFound')) return undefined;
      throw e;
    }
  };
  return {
    project,
    async projectExists(path, signal) {
      return (await project(path, signal)) !== undefined;
    },
    async itemExists(kind: ContentKind, path, name, signal) {
      const p = await project(path, signal);
      if (!p) return false;
      const opts = { filter: nameFilter(name), signal };
      const all = kind === 'workbook' ? await client.allWorkbooks(opts) : await client.allDataSources(opts);
      return all.some((x) => x.project?.id === p.id && x.name === name);
    },
    async dataSourceExists(name, signal) {
      return (await client.allDataSources({ filter: nameFilter(name), signal })).some((d) => d.name === name);
    },
    async settings(kind, settings, path, name, signal) {
      const projectId = path === undefined ? undefined : (await project(path, signal))?.id;
      return previewSettingsPlan(client, kind, settings, { name, projectId }, signal);
    },
    async impact(path, name, signal) {
      const p = await project(path, signal);
      return p && (await overwriteImpact(client, name, p.id, signal))?.impact;
    },
  };
}
