/**
 * `tableau-publish diff <file>`: the local file against what is deployed (exit 0 the same,
 * 1 different, 2 an error: a CI job detects drift). `tableau-publish restore --revision N`:
 * revision N republished with overwrite, after --yes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffDocuments } from '../core/diff/compare';
import { renderText, toJson } from '../core/diff/render';
import { isCancellation, TableauError } from '../core/errors';
import type { ContentKind, DataSource, Workbook } from '../core/models';
import { fileTypeOf } from '../core/package/inspect';
import { findAfterWrite } from '../core/api/afterWrite';
import { findItemByName } from '../core/publish/items';
import { defaultName } from '../core/publish/publisher';
import { findTargets, loadManifest, MANIFEST_PATH } from '../core/publish/manifest';
import { resolveProjectPath } from '../core/publish/projectPath';
import { listRevisions } from '../core/api/revisions';
import { readTableauDocument } from '../core/revisions/document';
import { checkRestorable, EXTRACT_NOTE, restoreRevision } from '../core/revisions/restore';
import { openServerDocument } from '../core/revisions/serverDocument';
import type { CliCommand } from './args';
import type { CliConnection } from './connection';
import { EXIT } from './exitCodes';
import { line, type CliOutput } from './output';

type DiffArgs = Extract<CliCommand, { command: 'diff' }>;
type RestoreArgs = Extract<CliCommand, { command: 'restore' }>;

/** Exit codes of `diff` (a CI contract): 0 same, 1 differs, 2 any error. */
export const DIFF_EXIT = { same: 0, differs: 1, error: 2 } as const;

function what(kind: ContentKind): string {
  return kind === 'workbook' ? 'workbook' : 'data source';
}

/** Project and name of a file: flags first, then the manifest's target for this site, then "Default" and the file's name. */
async function targetOf(file: string, args: { project?: string; name?: string }, site: string, cwd: string): Promise<{ project: string; name: string }> {
  const manifest = await loadManifest(path.join(cwd, MANIFEST_PATH), { workspaceRoot: cwd });
  const target = manifest ? findTargets(manifest, path.relative(cwd, file)).find((t) => t.site === site) : undefined;
  return { project: args.project ?? target?.project ?? 'Default', name: args.name ?? target?.name ?? defaultName(file) };
}

async function findItem(conn: CliConnection, kind: ContentKind | undefined, project: string, name: string, signal: AbortSignal): Promise<(Workbook | DataSource) & { kind: ContentKind }> {
  const p = await resolveProjectPath(conn.client, project, { signal });
  const kinds: ContentKind[] = kind ? [kind] : ['workbook', 'datasource'];
  const lookup = async (): Promise<{ kind: ContentKind; item: Workbook | DataSource }[] | undefined> => {
    const hits: { kind: ContentKind; item: Workbook | DataSource }[] = [];
    for (const k of kinds) {
      const item = await findItemByName(conn.client, k, name, p.id, signal);
      if (item) hits.push({ kind: k, item });
    }
    return hits.length ? hits : undefined;
  };
  // A lookup by name is a filtered listing, and Tableau's search index lags a write: an item a CI step
  // published seconds ago is looked for again for a few seconds before it is called missing.
  const found = (await findAfterWrite(lookup, { attempts: 4, signal })) ?? [];
  if (found.length === 0) {
    throw new TableauError({ reason: 'notFound', message: `No ${kind ? what(kind) : 'workbook or data source'} named "${name}" in project "${project}" on the server.` });
  }
  if (found.length > 1) throw new TableauError({ reason: 'invalidArgument', message: `Project "${project}" has both a workbook and a data source named "${name}": say which with --type workbook or --type datasource.` });
  return Object.assign(found[0].item, { kind: found[0].kind });
}

/** Where diff looks, when the caller decided it (an environment's target), and the file as it would be sent. */
export interface DiffWhere {
  project: string;
  name: string;
  /** Errors thrown here are diff's errors (exit 2). */
  asSent?: (text: string, label: string) => Promise<string>;
}

export async function runDiff(args: DiffArgs, conn: CliConnection, out: CliOutput, signal: AbortSignal, cwd = process.cwd(), where?: DiffWhere): Promise<number> {
  const file = path.resolve(cwd, args.file);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tableau-diff-'));
  try {
    const { kind } = fileTypeOf(file);
    const local = await readTableauDocument(file, { kind });
    const { project, name } = where ?? (await targetOf(file, args, conn.site, cwd));
    const localText = where?.asSent ? await where.asSent(local.text, path.basename(file)) : local.text;
    const item = await findItem(conn, kind, project, name, signal);
    const server = await openServerDocument(conn.client, { kind, id: item.id, name: item.name }, { cacheDir: tmp, signal });
    const result = diffDocuments(localText, server.text, { left: `local ${path.basename(file)}`, right: `server "${project} / ${item.name}"` });
    if (out.json) out.result('', { event: 'diff', file, project, name: item.name, id: item.id, ...toJson(result) });
    else out.block(renderText(result));
    return result.same ? DIFF_EXIT.same : DIFF_EXIT.differs;
  } catch (e) {
    if (isCancellation(e)) return EXIT.cancelled;
    const message = e instanceof Error ? e.message : String(e);
    out.failure(message, { event: 'error', reason: TableauError.is(e) ? e.reason : 'unknown', message, exitCode: DIFF_EXIT.error });
    return DIFF_EXIT.error;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function runRestore(args: RestoreArgs, conn: CliConnection, out: CliOutput, signal: AbortSignal): Promise<number> {
  const item = await findItem(conn, args.type, args.project ?? 'Default', args.name, signal);
  const kind = item.kind;
  const label = `${what(kind)} "${item.name}"`;
  const revisions = await listRevisions(conn.client, { kind, id: item.id, name: item.name }, signal);
  const { restored, previous } = checkRestorable(revisions, args.revision, label);
  const plan = `Restore revision ${restored.number}${restored.publishedAt ? ` (published ${restored.publishedAt}${restored.publisher?.name ? ` by ${restored.publisher.name}` : ''})` : ''} of ${label} in "${args.project ?? 'Default'}": it is published over the current revision ${previous.number} and becomes the new current revision.`;
  const extract = kind === 'datasource' && (item as DataSource).hasExtracts ? ` ${EXTRACT_NOTE}` : '';
  if (!args.yes) {
    throw new TableauError({ reason: 'invalidArgument', message: `${plan}${extract} Run again with --yes to do it.` });
  }
  out.logger.info(`${plan}${extract}`);
  const r = await restoreRevision(conn.client, { kind, id: item.id, revision: restored.number }, {
    signal,
    logger: out.logger,
    onDownload: (bytes, total) => out.progress(`download revision ${restored.number}`, bytes, total ?? bytes),
    onProgress: (p) => out.progress(`publish ${item.name}`, p.bytesSent, p.totalBytes, p.phase),
  });
  out.result(line`Restored revision ${restored.number} of ${label}: it is now revision ${r.current?.number ?? '?'} (was ${previous.number}).`, {
    event: 'restored', kind, id: item.id, name: item.name, restoredRevision: restored.number, previousRevision: previous.number, currentRevision: r.current?.number,
  });
  return EXIT.ok;
}
