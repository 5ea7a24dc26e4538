/**
 * What the simulator learns from a published file's own document: its data connections (so a
 * workbook's `sqlproxy` connections give the Metadata API its lineage, and extract connections tell
 * whether there is anything to refresh). Read once per stored file (keyed by its SHA-256).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDataConnections, type DataConnection } from '../../src/core/package/tableauXml';
import { documentOfFile } from './sheets';
import type { ItemRec } from './store';

const cache = new Map<string, DataConnection[]>();
const MAX_CACHED = 2000;

/** The data connections of an item's last published file ([] when it has no readable document). */
export async function connectionsOf(it: ItemRec): Promise<DataConnection[]> {
  const key = it.blob.sha256;
  const hit = cache.get(key);
  if (hit) return hit;
  const type = path.extname(it.blob.fileName).slice(1).toLowerCase();
  let conns: DataConnection[] = [];
  try {
    let xml: string | undefined;
    if (it.blob.inline) xml = type === 'twb' || type === 'tds' ? it.blob.inline.toString('utf8') : undefined;
    else if (it.blob.filePath && fs.existsSync(it.blob.filePath)) xml = await documentOfFile(it.blob.filePath, type);
    conns = xml ? parseDataConnections(xml, type.endsWith('x')) : [];
  } catch {
    conns = []; // not a document Tableau could read either: no connections
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, conns);
  return conns;
}

const isExtract = (c: DataConnection): boolean => c.class === 'hyper' || c.class === 'dataengine';

/** Whether a workbook's file carries an extract (an extract connection in its document). */
export async function workbookHasExtract(it: ItemRec): Promise<boolean> {
  return (await connectionsOf(it)).some(isExtract);
}

/** Whether a just-published .tds / .tdsx has an extract; undefined when it has no readable document. */
export async function documentHasExtract(filePath: string, type: string): Promise<boolean | undefined> {
  try {
    const xml = await documentOfFile(filePath, type);
    return xml === undefined ? undefined : parseDataConnections(xml, type.endsWith('x')).some(isExtract);
  } catch {
    return undefined;
  }
}
