/**
 * Project paths as people write them: "Finance / Monthly / Q1". Tableau only knows
 * project LUIDs and parent ids, so a path is resolved level by level.
 */
import { TableauError } from '../errors';
import type { Project } from '../models';

export interface ProjectPathClient {
  allProjects(opts?: { signal?: AbortSignal }): Promise<Project[]>;
  createProject(p: { name: string; parentProjectId?: string }, signal?: AbortSignal): Promise<Project>;
}

/** Splits "A / B" into ["A", "B"]; a "/" inside a name is written "//". */
export function splitProjectPath(projectPath: string): string[] {
  const parts = projectPath
    .replace(/\/\//g, '\u0000')
    .split('/')
    .map((s) => s.replace(/\u0000/g, '/').trim());
  if (parts.some((s) => s === '')) {
    throw new TableauError({ reason: 'invalidArgument', message: `"${projectPath}" is not a project path (write levels as "Parent / Child").` });
  }
  return parts;
}

export function formatProjectPath(names: string[]): string {
  return names.map((n) => n.replace(/\//g, '//')).join(' / ');
}

/** The full path of every project, keyed by id (for listings and pickers). */
export function projectPaths(projects: Project[]): Map<string, string> {
  const byId = new Map(projects.map((p) => [p.id, p]));
  const out = new Map<string, string>();
  const pathOf = (p: Project, depth = 0): string => {
    const known = out.get(p.id);
    if (known !== undefined) return known;
    const parent = p.parentProjectId ? byId.get(p.parentProjectId) : undefined;
    const s = parent && depth < 64 ? `${pathOf(parent, depth + 1)} / ${p.name.replace(/\//g, '//')}` : p.name.replace(/\//g, '//');
    out.set(p.id, s);
    return s;
  };
  for (const p of projects) pathOf(p);
  return out;
}

/**
 * Finds the project at `projectPath`. Names match exactly, or else case-insensitively when
 * that is unambiguous. With `create`, missing levels are created (needs the right to).
 */
export async function resolveProjectPath(
  client: ProjectPathClient,
  projectPath: string,
  opts: { create?: boolean; signal?: AbortSignal } = {},
): Promise<Project> {
  const names = splitProjectPath(projectPath);
  const all = await client.allProjects({ signal: opts.signal });
  let parent: Project | undefined;
  for (const [i, name] of names.entries()) {
    const siblings = all.filter((p) => (p.parentProjectId ?? undefined) === parent?.id);
    let match = siblings.find((p) => p.name === name);
    if (!match) {
      const ci = siblings.filter((p) => p.name.toLowerCase() === name.toLowerCase());
      if (ci.length === 1) match = ci[0];
    }
    if (!match) {
      const where = formatProjectPath(names.slice(0, i + 1));
      if (!opts.create) throw new TableauError({ reason: 'notFound', message: `Project "${where}" does not exist on this site.` });
      match = await client.createProject({ name, parentProjectId: parent?.id }, opts.signal);
      all.push(match);
    }
    parent = match;
  }
  return parent!;
}
