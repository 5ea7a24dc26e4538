/**
 * The data connections of a Tableau Prep flow document, for the credentials a publish may embed.
 * A flow document (JSON) keeps them under `connections`, keyed by id: `connectionType`
 * (".v1.SqlConnection" for a database, ".v1.FileConnection" for a local file), `isPackaged`, and
 * `connectionAttributes` (`class`, `server`, `port`, `dbname`, `username`, ...), the same names a
 * workbook's `<connection>` has.
 */
import { NO_CREDENTIAL_CLASSES, type DataConnection } from '../package/tableauXml';
/** A document that names more than this many connections is not read further (bounded). */
const MAX_CONNECTIONS = 1000;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function flowDataConnections(doc: unknown): DataConnection[] {
  const conns = (doc as { connections?: unknown } | undefined)?.connections;
  if (!conns || typeof conns !== 'object' || Array.isArray(conns)) return [];
  const out: DataConnection[] = [];
  for (const c of Object.values(conns as Record<string, unknown>).slice(0, MAX_CONNECTIONS)) {
    if (!c || typeof c !== 'object') continue;
    const rec = c as { connectionType?: unknown; isPackaged?: unknown; connectionAttributes?: unknown };
    const a = (rec.connectionAttributes && typeof rec.connectionAttributes === 'object' ? rec.connectionAttributes : {}) as Record<string, unknown>;
    const cls = (str(a.class) ?? '').toLowerCase();
    const server = str(a.server);
    const isDatabase = String(rec.connectionType ?? '').endsWith('SqlConnection') || !!server;
    const authentication = str(a.authentication);
    out.push({
      class: cls,
      server,
      port: str(a.port),
      dbname: str(a.dbname),
      warehouse: str(a.warehouse),
      schema: str(a.schema),
      username: str(a.username),
      authentication,
      needsCredentials: isDatabase && rec.isPackaged !== true && !NO_CREDENTIAL_CLASSES.has(cls),
      isOAuth: /oauth/i.test(authentication ?? ''),
    });
  }
  return out;
}
