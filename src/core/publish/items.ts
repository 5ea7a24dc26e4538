/**
 * Reads the items a publish answers with (through the API layer's mappers) and finds a
 * published item again when only its name is known.
 */
import { single, toDataSource, toJob, toWorkbook } from '../api/mappers';
import { nameFilter } from '../api/pagination';
import type { Obj } from '../api/shape';
import type { ContentKind, DataSource, Job, Workbook } from '../models';

export function readPublishedItem(answer: unknown, kind: ContentKind): Workbook | DataSource {
  const ts = (answer ?? {}) as Obj;
  return kind === 'workbook' ? toWorkbook(single(ts, 'workbook', 'workbook')) : toDataSource(single(ts, 'datasource', 'data source'));
}

export function readJob(answer: unknown): Job {
  return toJob(single((answer ?? {}) as Obj, 'job', 'job'));
}

export interface ItemLookupClient {
  getWorkbook(id: string, signal?: AbortSignal): Promise<Workbook>;
  getDataSource(id: string, signal?: AbortSignal): Promise<DataSource>;
  allWorkbooks(opts?: { filter?: string; signal?: AbortSignal }): Promise<Workbook[]>;
  allDataSources(opts?: { filter?: string; signal?: AbortSignal }): Promise<DataSource[]>;
}

/** The item named `name` in project `projectId`, if there is one. */
export async function findItemByName(
  client: ItemLookupClient,
  kind: ContentKind,
  name: string,
  projectId: string,
  signal?: AbortSignal,
): Promise<Workbook | DataSource | undefined> {
  const filter = nameFilter(name);
  const list = kind === 'workbook' ? await client.allWorkbooks({ filter, signal }) : await client.allDataSources({ filter, signal });
  return list.find((i) => i.name === name && i.project?.id === projectId);
}
