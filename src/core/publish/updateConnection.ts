/**
 * Which connection an incremental update goes to. Tableau's `PATCH .../datasources/{id}/data`
 * updates a data source with one connection; one with several is updated connection by connection
 * (`.../connections/{cid}/data`, "Update Data in Hyper Connection"). When the user names none, the
 * data source's connections (Query Data Source Connections) decide: one that Tableau can update
 * (a Hyper or Parquet connection) is chosen; several, or none, is an error naming them all.
 */
import { queryConnections, type ConnectionsClient, type PublishedConnection } from '../api/connections';
import { TableauError } from '../errors';
import type { DataSource } from '../models';

/** Connection classes an incremental update writes to (the live-to-Hyper ones). */
const UPDATABLE_CONNECTION_TYPES = new Set(['hyper', 'parquet']);

export interface UpdateConnectionChoice {
  /** Undefined: the data source's own `/data` (it has at most one connection). */
  connectionId?: string;
  all: PublishedConnection[];
  /** The connections an update can go to. */
  updatable: PublishedConnection[];
}

export function isUpdatableConnection(c: PublishedConnection): boolean {
  return UPDATABLE_CONNECTION_TYPES.has((c.type ?? '').toLowerCase());
}

/** "id (hyper, server)" for messages and picks. */
export function describeConnection(c: PublishedConnection): string {
  const detail = [c.type, c.serverAddress].filter((x) => !!x).join(', ');
  return detail ? `${c.id} (${detail})` : c.id;
}

/** The connections and the automatic choice, when there is one (`connectionId` undefined and several updatable: ask). */
export async function updateConnectionChoice(client: ConnectionsClient, ds: DataSource, signal?: AbortSignal): Promise<UpdateConnectionChoice> {
  const all = await queryConnections(client, 'datasource', ds.id, signal);
  const updatable = all.filter(isUpdatableConnection);
  if (all.length <= 1) return { all, updatable };
  return { all, updatable, connectionId: updatable.length === 1 ? updatable[0].id : undefined };
}

/** The connection to update when the user named none: the only updatable one, or a clear error. */
export async function chooseUpdateConnection(client: ConnectionsClient, ds: DataSource, signal?: AbortSignal): Promise<string | undefined> {
  const choice = await updateConnectionChoice(client, ds, signal);
  if (choice.all.length <= 1 || choice.connectionId) return choice.connectionId;
  throw ambiguousConnection(ds, choice);
}

export function ambiguousConnection(ds: DataSource, choice: UpdateConnectionChoice): TableauError {
  const which = choice.updatable.length
    ? `${choice.updatable.length} of them Hyper connections an update can go to: ${choice.updatable.map(describeConnection).join('; ')}`
    : `none of them a Hyper connection an update can go to (${choice.all.map(describeConnection).join('; ')})`;
  return new TableauError({
    reason: 'invalidArgument',
    message: `The data source "${ds.name}" has ${choice.all.length} connections, ${which}. Name the one to update with --connection ID.`,
  });
}
