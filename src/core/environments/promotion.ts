/**
 * Promotion: an item downloaded from one environment and published to another. Shared by the
 * CLI's `promote` and VS Code's "Promote to…": where the copy goes (same project path relative to
 * the environments' roots, or a manifest target's place), the download, and the mark. The mark is
 * a tag, "promoted-from-<environment>": a tag adds to what the item has (a description would
 * replace the author's text), survives later publishes, and Tableau's search and the tree show it.
 */
import { createWriteStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import type { TableauClient } from '../api/client';
import { safeFileName } from '../fileNames';
import type { ContentKind } from '../models';
import type { ManifestEnvironment, ManifestTarget, PublishManifest } from '../publish/manifest';
import { isGlob } from '../publish/manifest';
import { relativeToRoot, resolveTarget, underRoot, type ResolvedTarget } from './resolve';

const PROMOTED = /^promoted-from-(.+)$/;

export function promotedTag(fromEnvironment: string): string {
  return `promoted-from-${fromEnvironment}`;
}

/** The environment an item was promoted from, by its tag (undefined: not promoted). */
export function promotedFrom(tags: readonly string[] | undefined): string | undefined {
  for (const t of tags ?? []) {
    const m = PROMOTED.exec(t);
    if (m) return m[1];
  }
  return undefined;
}

export interface SourceItem {
  kind: ContentKind;
  id: string;
  name: string;
  projectPath: string;
  target?: ManifestTarget;
}

/** A target goes to an environment when it names it, or when it has no connection of its own. */
export function goesTo(t: ManifestTarget, env: string): boolean {
  return t.environments?.[env] !== undefined || t.connection === undefined;
}

/** The manifest target an item came from: one that resolves to its project and name in the source environment. */
export function targetOf(manifest: PublishManifest, from: string, item: SourceItem): ManifestTarget | undefined {
  return item.target ?? manifest.targets.find((t) => {
    if (!goesTo(t, from) || isGlob(t.file)) return false;
    const r = resolveTarget(manifest, from, t);
    return (r.name ?? path.basename(t.file, path.extname(t.file))) === item.name && r.projectPath.toLowerCase() === item.projectPath.toLowerCase();
  });
}

/** Where the copy goes: the manifest target's place in `to`, else the same path relative to the roots, with `to`'s rules. */
export function promotionTarget(manifest: PublishManifest, to: string, fromEnv: ManifestEnvironment | undefined, item: SourceItem, t: ManifestTarget | undefined): ResolvedTarget {
  if (t) return { ...resolveTarget(manifest, to, t), name: item.name };
  const toEnv = manifest.environments![to];
  const rel = relativeToRoot(fromEnv?.projectRoot, item.projectPath) ?? item.projectPath;
  return { environment: to, env: toEnv, projectPath: underRoot(toEnv.projectRoot, rel), name: item.name, mode: 'overwrite', options: { ...toEnv.options }, rules: [], sharedRules: toEnv.dataConnections ?? [] };
}

/** Streams the item to a file in `dir`, named after it, with the extension its bytes call for (a zip, "PK": packaged). */
export async function downloadItem(client: TableauClient, item: Pick<SourceItem, 'kind' | 'id' | 'name'>, dir: string, opts: { includeExtract?: boolean; signal?: AbortSignal } = {}): Promise<string> {
  const partial = path.join(dir, safeFileName(item.id, '.part'));
  const sink = createWriteStream(partial);
  try {
    if (item.kind === 'workbook') await client.downloadWorkbook(item.id, sink, { signal: opts.signal, includeExtract: opts.includeExtract });
    else await client.downloadDataSource(item.id, sink, { signal: opts.signal, includeExtract: opts.includeExtract });
  } finally {
    // Closed whether or not the core ended it, so every byte is there (or the folder can go).
    if (!sink.writableEnded) sink.end();
    await finished(sink).catch(() => undefined);
  }
  const head = Buffer.alloc(2);
  const fh = await open(partial, 'r');
  try {
    await fh.read(head, 0, 2, 0);
  } finally {
    await fh.close();
  }
  const zip = head.toString('latin1') === 'PK';
  const ext = item.kind === 'workbook' ? (zip ? '.twbx' : '.twb') : zip ? '.tdsx' : '.tds';
  const file = path.join(dir, safeFileName(item.name, ext));
  await rename(partial, file);
  return file;
}
