import { PROJECT_PATH_SEPARATOR } from '../../core/display';
import type { Project } from '../../core/models';

/** One project with its place in the server's nesting. */
export interface ProjectEntry {
  project: Project;
  parent?: ProjectEntry;
  children: ProjectEntry[];
  /** Names from the top-level project down to this one. */
  path: string[];
}

/**
 * How the tree orders names: case- and accent-insensitive, in the user's locale. One shared
 * collator: `localeCompare` with options builds one per call, which was most of the tree's
 * own time in a 10,000-workbook listing (npm run bench).
 */
export const compareNames: (a: string, b: string) => number = new Intl.Collator(undefined, { sensitivity: 'base' }).compare;

const byName = (a: ProjectEntry, b: ProjectEntry): number => compareNames(a.project.name, b.project.name);


/**
 * The project nesting of one site, built from a single flat listing. A project whose
 * parent the user cannot see (or a malformed cycle) is shown at the top level, so
 * nothing the server returned is ever hidden.
 */
export class ProjectHierarchy {
  readonly roots: ProjectEntry[] = [];
  private readonly byId = new Map<string, ProjectEntry>();

  constructor(projects: readonly Project[]) {
    for (const project of projects) {
      this.byId.set(project.id, { project, children: [], path: [] });
    }
    for (const entry of this.byId.values()) {
      const parentId = entry.project.parentProjectId;
      const parent = parentId ? this.byId.get(parentId) : undefined;
      if (parent && !this.isAncestor(entry, parent)) {
        entry.parent = parent;
        parent.children.push(entry);
      } else {
        this.roots.push(entry);
      }
    }
    const assignPaths = (entries: ProjectEntry[], prefix: string[]): void => {
      entries.sort(byName);
      for (const e of entries) {
        e.path = [...prefix, e.project.name];
        assignPaths(e.children, e.path);
      }
    };
    assignPaths(this.roots, []);
  }

  /** True when `candidate` is `entry` or one of its descendants (linking would make a cycle). */
  private isAncestor(entry: ProjectEntry, candidate: ProjectEntry): boolean {
    for (let p: ProjectEntry | undefined = candidate; p; p = p.parent) {
      if (p === entry) return true;
    }
    return false;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): ProjectEntry | undefined {
    return this.byId.get(id);
  }

  /** Every project, parents before children, siblings by name. */
  all(): ProjectEntry[] {
    const out: ProjectEntry[] = [];
    const walk = (entries: ProjectEntry[]): void => {
      for (const e of entries) {
        out.push(e);
        walk(e.children);
      }
    };
    walk(this.roots);
    return out;
  }

  /** Ids from the top-level project down to `id` (inclusive); empty when unknown. */
  chain(id: string): string[] {
    const ids: string[] = [];
    for (let e = this.byId.get(id); e; e = e.parent) ids.unshift(e.project.id);
    return ids;
  }

  displayPath(id: string): string | undefined {
    return this.byId.get(id)?.path.join(PROJECT_PATH_SEPARATOR);
  }
}
