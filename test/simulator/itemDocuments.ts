/**
 * What the simulator learns from a published file's own document: its data connections (so a
 * workbook's `sqlproxy` connections give the Metadata API its lineage, and extract connections tell
 * whether there is anything to refresh). The connections recorded at publish are used when there
 * are some; a seeded item's file is read once (keyed by its SHA-256), with the simulator's own
 * parser (`connectionsInDocument`), never the client's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connectionsInDocument } from './routesConnections';
import { documentOfFile } from './sheets';
import type { ItemRec, SimConnection } from './store';

const cache = new Map<string, SimConnection[]>();
const MAX_CACHED = 2000;

/** The data connections of an item's last published file ([] when it has no readable document). */
export async function connectionsOf(it: ItemRec): Promise<readonly SimConnection[]> {
  if (it.connections) return it.connections;
  const key = it.blob.sha256;
  const hit = cache.get(key);
  if (hit) return hit;
  const type = path.extname(it.blob.fileName).slice(1).toLowerCase();
  let conns: SimConnection[] = [];
  try {
    let xml: string | undefined;
    if (it.blob.inline) xml = type === 'twb' || type === 'tds' ? it.blob.inline.toString('utf8') : undefined;
    else if (it.blob.filePath && fs.existsSync(it.blob.filePath)) xml = await documentOfFile(it.blob.filePath, type);
    conns = (xml && connectionsInDocument(xml)) || [];
  } catch {
    conns = []; // not a document Tableau could read either: no connections
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, conns);
  return conns;
}

/** Whether a document's connections include an extract. */
export const hasExtractConnection = (conns: readonly SimConnection[]): boolean => conns.some((c) => c.type === 'hyper' || c.type === 'dataengine');

/** Whether a workbook's file carries an extract (an extract connection in its document). */
export async function workbookHasExtract(it: ItemRec): Promise<boolean> {
  return hasExtractConnection(await connectionsOf(it));
}
