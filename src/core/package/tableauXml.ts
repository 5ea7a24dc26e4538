/**
 * Sniffs and reads Tableau's own XML documents (.twb / .tds): the root element, and the
 * connections a publish may need credentials for.
 */
import { XMLParser } from 'fast-xml-parser';
import { TableauError } from '../errors';

export interface DataConnection {
  /** Tableau's connection class, e.g. "postgres", "hyper", "excel-direct". */
  class: string;
  server?: string;
  port?: string;
  dbname?: string;
  /** Snowflake-style warehouse and the schema, where the connection names them. */
  warehouse?: string;
  schema?: string;
  username?: string;
  authentication?: string;
  /** For a "sqlproxy" connection: the published data source it points at, by name (Tableau writes `server-ds-friendly-name`, else the content URL in `dbname`). */
  publishedDataSource?: string;
  /** Whether publishing may need credentials for this connection (false for local files, extracts, published sources). */
  needsCredentials: boolean;
  isOAuth: boolean;
}

/** Classes whose data travels with the file (or lives on the server) and so never need credentials to publish. */
export const NO_CREDENTIAL_CLASSES: ReadonlySet<string> = new Set([
  'hyper',
  'dataengine',
  'textscan',
  'excel-direct',
  'ogrdirect',
  'sqlproxy', // a published data source on the same server
]);

/**
 * The database hosts (lower case; "" for a connection that names none) of the data connections
 * that need credentials: where an embedded login could go. One rule for the CLI's environment
 * login and for whether the publisher ties a login to its host.
 */
export function credentialHosts(connections: readonly DataConnection[]): Set<string> {
  return new Set(connections.filter((c) => c.needsCredentials).map((c) => (c.server ?? '').toLowerCase()));
}

/**
 * Returns the root element name of an XML document, allowing only an XML declaration,
 * processing instructions, comments and whitespace before it. A DOCTYPE is refused:
 * Tableau never writes one, and refusing it keeps entity declarations out entirely.
 */
export function sniffRootElement(text: string): string | undefined {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return undefined;
      i = end + 3;
    } else break;
  }
  const m = /^<([A-Za-z_][\w.:-]*)[\s/>]/.exec(text.slice(i, i + 256));
  return m?.[1];
}

/** Decodes a document's bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM. */
export function decodeXmlBytes(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return buf.toString('utf8');
}

// Entity expansion is off in the parser; only the five predefined entities and character
// references are decoded here, so nothing a document declares is ever expanded.
function decodeEntities(v: string): string {
  return v.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    switch (e) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default: {
        const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : _m;
      }
    }
  });
}

type XmlNode = Record<string, unknown>;

const ATTR = '@_';

function attr(node: XmlNode, name: string): string | undefined {
  const v = node[ATTR + name];
  if (v === undefined || v === null) return undefined;
  const s = decodeEntities(String(v));
  return s === '' ? undefined : s;
}

function children(node: XmlNode): [string, XmlNode][] {
  const out: [string, XmlNode][] = [];
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith(ATTR) || k === '#text') continue;
    for (const c of Array.isArray(v) ? v : [v]) {
      if (c && typeof c === 'object') out.push([k, c as XmlNode]);
    }
  }
  return out;
}

/**
 * Lists the connections in a .twb / .tds document, flattening the named connections of a
 * federated connection and dropping duplicates. `packaged` says the extract data travels
 * with the file: then a data source whose extract is enabled needs no live credentials.
 */
export function parseDataConnections(xml: string, packaged: boolean): DataConnection[] {
  let doc: XmlNode;
  try {
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: ATTR,
      parseAttributeValue: false,
      parseTagValue: false,
      processEntities: false,
      htmlEntities: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
    });
    doc = parser.parse(xml, true) as XmlNode;
  } catch (e) {
    throw new TableauError({ reason: 'invalidFile', message: 'The Tableau document is not well-formed XML.', cause: e });
  }
  const found = new Map<string, DataConnection>();
  const walk = (name: string, node: XmlNode, extractBacked: boolean): void => {
    let backed = extractBacked;
    if (name === 'datasource') {
      const extracts = children(node).filter(([k]) => k === 'extract');
      backed = packaged && extracts.some(([, x]) => attr(x, 'enabled') !== 'false');
    }
    if (name === 'connection') {
      const cls = attr(node, 'class');
      if (cls && cls !== 'federated') {
        const authentication = attr(node, 'authentication');
        const isOAuth = /oauth/i.test(authentication ?? '') || attr(node, 'oauth-config-id') !== undefined;
        const c: DataConnection = {
          class: cls,
          server: attr(node, 'server'),
          port: attr(node, 'port'),
          dbname: attr(node, 'dbname'),
          username: attr(node, 'username'),
          authentication,
          needsCredentials: !NO_CREDENTIAL_CLASSES.has(cls) && !backed && authentication !== 'none',
          isOAuth,
        };
        // Set only where the document names them, so connections of other databases keep their shape.
        const extra = {
          warehouse: attr(node, 'warehouse'),
          schema: attr(node, 'schema'),
          publishedDataSource: cls === 'sqlproxy' ? (attr(node, 'server-ds-friendly-name') ?? attr(node, 'dbname')) : undefined,
        };
        for (const [k, v] of Object.entries(extra)) if (v !== undefined) c[k as keyof typeof extra] = v;
        const key = [c.class, c.server, c.port, c.dbname, c.warehouse, c.schema, c.username].join('\u0000');
        const prev = found.get(key);
        // The same connection may appear under several data sources; it needs credentials if any use does.
        if (!prev) found.set(key, c);
        else prev.needsCredentials ||= c.needsCredentials;
      }
    }
    for (const [k, c] of children(node)) walk(k, c, backed);
  };
  for (const [k, c] of children(doc)) walk(k, c, false);
  return [...found.values()];
}
