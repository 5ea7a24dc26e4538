/**
 * Paths that come from a workspace (a manifest's targets, the manifest itself) stay in that
 * workspace: a committed file must not be able to point a publish, or a read, at
 * `~/Documents` or `/etc` through `..`, an absolute path or a symlink.
 */
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { TableauError } from '../errors';

/** Why a manifest `file` (workspace-relative, forward slashes) is not acceptable, or undefined. */
export function relativePathProblem(file: string): string | undefined {
  const p = file.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'must be a path relative to the workspace folder, not an absolute path.';
  // `{..,x}` would be `..` once a glob's braces are expanded.
  if (p.split(/[/{},]/).includes('..')) return 'must stay inside the workspace folder ("..": not allowed).';
  if (p.includes('\0')) return 'holds a NUL character.';
  return undefined;
}

/** True when `rel` (from path.relative) stays below its base. */
export function isBelow(rel: string): boolean {
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !rel.startsWith('../') && !path.isAbsolute(rel);
}

/**
 * Throws 'invalidFile' when `file`, symlinks resolved, lies outside the real `root`. A file
 * that does not exist passes, so the caller's own "does not exist" message applies.
 */
export async function assertInsideWorkspace(root: string, file: string): Promise<void> {
  let real: string;
  try {
    real = await realpath(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new TableauError({ reason: 'invalidFile', message: `"${path.basename(file)}" cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, cause: e });
  }
  const realRoot = await realpath(root).catch(() => path.resolve(root));
  if (!isBelow(path.relative(realRoot, real))) {
    throw new TableauError({
      reason: 'invalidFile',
      message: `"${file}" leads outside the workspace folder ${root} (to ${real}); only files inside it are used from the manifest.`,
    });
  }
}
