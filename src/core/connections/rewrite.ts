/**
 * Rewrites the data connections of a .twb / .tds document in place: the `<connection>` elements
 * (those inside a federated connection's `named-connection`s included) that a rule matches get the
 * attributes the rule sets, and nothing else of the document changes, byte for byte. A real XML
 * parser (saxes) finds the elements and checks the document is well-formed; only the start tag of
 * an element it reported is touched.
 */
import { SaxesParser } from 'saxes';
import { TableauError } from '../errors';
import type { DataConnection } from '../package/tableauXml';
import { xmlAttr } from '../publish/payload';
import { ruleMatches, type ChangeRoute, type ConnectionChange, type DataConnectionRule } from './rules';

/** A published data source on the target site, as a `sqlproxy` connection names it. */
export interface PublishedDataSourceRef {
  name: string;
  /** Its content URL: Tableau writes it in the connection's `dbname` and the `<repository-location id>`. */
  contentUrl: string;
}

/** One field of one connection changed by a rule. */
export interface ConnectionFieldChange {
  field: keyof ConnectionChange;
  from?: string;
  to: string;
}

/** What a rule did to one data connection of the file, and which way the change reaches the server. */
export interface AppliedConnectionChange {
  ruleIndex: number;
  route: ChangeRoute;
  /** The connection as the file had it. */
  connection: DataConnection;
  changes: ConnectionFieldChange[];
}

export interface DocumentRewrite {
  /** The new document (the same Buffer when nothing changed). */
  bytes: Buffer;
  /** One entry per distinct connection a rule changed (connections repeated in the document count once). */
  changes: AppliedConnectionChange[];
}

export interface RewriteOptions {
  /** For messages: `"Sales.twbx"`. */
  label?: string;
  /** The published data sources rules point at, by name, resolved on the target site. */
  publishedDataSources?: ReadonlyMap<string, PublishedDataSourceRef>;
}

/** The connection attribute each field of a change sets (a published data source sets several: see below). */
const ATTRIBUTE_OF: Partial<Record<keyof ConnectionChange, string>> = {
  server: 'server',
  port: 'port',
  dbname: 'dbname',
  warehouse: 'warehouse',
  schema: 'schema',
  username: 'username',
};

function invalid(message: string, cause?: unknown): TableauError {
  return new TableauError({ reason: 'invalidFile', message, cause });
}

/**
 * The document's text: UTF-8, with or without a byte order mark. Anything else is refused rather
 * than guessed, since the rewrite must give back the very bytes it did not change.
 */
export function decodeDocument(bytes: Buffer, label: string): { text: string; bom: boolean } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw invalid(`${label} is encoded in UTF-16; its data connections can be changed only in a UTF-8 document (save it again in Tableau).`);
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bom ? bytes.subarray(3) : bytes);
  } catch (e) {
    throw invalid(`${label} is not valid UTF-8; its data connections cannot be changed.`, e);
  }
  const decl = /^<\?xml\s[^?]*encoding\s*=\s*(["'])([^"']*)\1/.exec(text);
  if (decl && !/^utf-?8$/i.test(decl[2])) {
    throw invalid(`${label} declares the encoding "${decl[2]}"; its data connections can be changed only in a UTF-8 document.`);
  }
  return { text, bom };
}

/** A start tag's position in the text and the attributes in it (values as written, still escaped). */
interface StartTag {
  start: number;
  end: number;
  attributes: Map<string, string>;
  connection?: DataConnection;
}

interface DataSourceScope {
  repositoryLocations: StartTag[];
  connections: StartTag[];
}

function connectionOf(attrs: Record<string, string>): DataConnection | undefined {
  const cls = attrs.class;
  if (!cls || cls === 'federated') return undefined;
  const v = (k: string): string | undefined => (attrs[k] === undefined || attrs[k] === '' ? undefined : attrs[k]);
  const c: DataConnection = { class: cls, needsCredentials: false, isOAuth: false };
  for (const k of ['server', 'port', 'dbname', 'warehouse', 'schema', 'username', 'authentication'] as const) {
    const value = v(k);
    if (value !== undefined) c[k] = value;
  }
  if (cls === 'sqlproxy') {
    const pds = v('server-ds-friendly-name') ?? v('dbname');
    if (pds !== undefined) c.publishedDataSource = pds;
  }
  return c;
}

/** Parses the whole document (refusing one that is not well-formed) and lists every connection start tag. */
function scan(text: string, label: string): { connections: StartTag[]; scopes: DataSourceScope[] } {
  const parser = new SaxesParser({ position: true });
  const connections: StartTag[] = [];
  const scopes: DataSourceScope[] = [];
  const open: (DataSourceScope | undefined)[] = [];
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  // Tableau never writes a DOCTYPE; refusing one keeps entity declarations out of the picture.
  parser.on('doctype', () => {
    failure ??= new Error('a DOCTYPE declaration');
  });
  parser.on('opentag', (tag) => {
    const end = parser.position;
    const start = text.lastIndexOf(`<${tag.name}`, end - 1);
    const scope = tag.name === 'datasource' ? { repositoryLocations: [], connections: [] } : undefined;
    if (tag.name === 'connection' || tag.name === 'repository-location') {
      const st: StartTag = { start, end, attributes: rawAttributes(text.slice(start, end)) };
      const current = [...open].reverse().find((s) => s !== undefined);
      if (tag.name === 'connection') {
        st.connection = connectionOf(tag.attributes as Record<string, string>);
        if (st.connection) {
          connections.push(st);
          current?.connections.push(st);
        }
      } else current?.repositoryLocations.push(st);
    }
    if (scope) scopes.push(scope);
    if (!tag.isSelfClosing) open.push(scope);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) open.pop();
  });
  try {
    parser.write(text).close();
  } catch (e) {
    failure ??= e as Error;
  }
  if (failure) throw invalid(`${label} is not well-formed XML (${failure.message.split('\n')[0]}); it was not changed or published.`, failure);
  return { connections, scopes };
}

/**
 * The attributes of a start tag the parser has already accepted, with where each value sits. In a
 * well-formed start tag a value cannot hold its own quote, so this reading is exact.
 */
function rawAttributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/\s([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')/g)) out.set(m[1], m[2]);
  return out;
}

/** The start tag with the given attributes set: values replaced inside their own quotes, new ones appended. */
function setAttributes(tag: string, values: ReadonlyMap<string, string>, label: string): string {
  let out = tag;
  const missing = new Map(values);
  out = out.replace(/(\s)([^\s=/>]+)(\s*=\s*)("[^"]*"|'[^']*')/g, (whole, sp: string, name: string, eq: string, quoted: string) => {
    const value = values.get(name);
    if (value === undefined) return whole;
    missing.delete(name);
    const q = quoted[0];
    return `${sp}${name}${eq}${q}${xmlAttr(value, `${label}: the new ${name}`)}${q}`;
  });
  if (missing.size === 0) return out;
  // New attributes go after the last one, in the quote style the tag already uses (Tableau writes single quotes).
  const last = [...out.matchAll(/\s[^\s=/>]+\s*=\s*("[^"]*"|'[^']*')/g)].pop();
  const q = last ? last[1][0] : "'";
  const at = last ? (last.index ?? 0) + last[0].length : out.search(/\s*\/?>$/);
  const added = [...missing].map(([k, v]) => ` ${k}=${q}${xmlAttr(v, `${label}: the new ${k}`)}${q}`).join('');
  return out.slice(0, at) + added + out.slice(at);
}

function decodeAttr(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const inner = raw.slice(1, -1);
  return inner.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (m, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[e]) return named[e];
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** The field changes a rule makes to one connection, and the attribute values that carry them. */
function plan(rule: DataConnectionRule, c: StartTag, opts: RewriteOptions, ruleIndex: number): { changes: ConnectionFieldChange[]; attrs: Map<string, string>; pds?: PublishedDataSourceRef } {
  const changes: ConnectionFieldChange[] = [];
  const attrs = new Map<string, string>();
  const set = rule.set ?? {};
  let pds: PublishedDataSourceRef | undefined;
  for (const [field, to] of Object.entries(set) as [keyof ConnectionChange, string | undefined][]) {
    if (to === undefined) continue;
    if (field === 'publishedDataSource') {
      if (c.connection?.class !== 'sqlproxy') {
        throw new TableauError({ reason: 'invalidArgument', message: `Data connection rule ${ruleIndex + 1} sets a published data source, but it matches a "${c.connection?.class}" connection, not one to a published data source (sqlproxy).` });
      }
      pds = opts.publishedDataSources?.get(to);
      if (!pds) throw new TableauError({ reason: 'notFound', message: `Data connection rule ${ruleIndex + 1} points at the published data source "${to}", which does not exist on the target site; nothing was published.` });
      const from = c.connection.publishedDataSource;
      if (from !== pds.name || decodeAttr(c.attributes.get('dbname')) !== pds.contentUrl) changes.push({ field, from, to: pds.name });
      attrs.set('dbname', pds.contentUrl);
      attrs.set('server-ds-friendly-name', pds.name);
      continue;
    }
    const name = ATTRIBUTE_OF[field];
    if (!name) continue;
    const from = decodeAttr(c.attributes.get(name));
    if (from === to) continue;
    changes.push({ field, from, to });
    attrs.set(name, to);
  }
  return { changes, attrs, pds };
}

function sameConnection(a: DataConnection, b: DataConnection): boolean {
  const keys = ['class', 'server', 'port', 'dbname', 'warehouse', 'schema', 'username', 'publishedDataSource'] as const;
  return keys.every((k) => a[k] === b[k]);
}

/**
 * A server the rules move connections away from must not stay in the file through another
 * connection no rule matched: the published item would still reach into the source environment.
 */
function checkNoneLeftBehind(connections: readonly StartTag[], changes: readonly AppliedConnectionChange[], label: string): void {
  const movedFrom = new Map<string, number>();
  for (const c of changes) {
    const from = c.changes.find((x) => x.field === 'server')?.from;
    if (from) movedFrom.set(from.toLowerCase(), c.ruleIndex);
  }
  if (movedFrom.size === 0) return;
  for (const st of connections) {
    const c = st.connection!;
    const rule = movedFrom.get((c.server ?? '').toLowerCase());
    if (rule === undefined || changes.some((x) => sameConnection(x.connection, c))) continue;
    throw new TableauError({
      reason: 'invalidArgument',
      message: `${label}: data connection rule ${rule + 1} moves connections off ${c.server}, but another ${c.class} connection to ${c.server}${c.dbname ? ` (database ${c.dbname})` : ''} matches no rule and would still point there; add a rule for it. Nothing was published.`,
    });
  }
}

/**
 * Applies the rules to the document. Rules going `via: 'rest'` leave the document alone and are
 * reported with that route; the caller has already refused rules that match nothing (matchConnectionRules).
 */
export function rewriteDocument(bytes: Buffer, rules: readonly DataConnectionRule[], opts: RewriteOptions = {}): DocumentRewrite {
  const label = opts.label ?? 'The document';
  const { text, bom } = decodeDocument(bytes, label);
  const { connections, scopes } = scan(text, label);
  const edits: { start: number; end: number; text: string }[] = [];
  const changes: AppliedConnectionChange[] = [];
  for (const st of connections) {
    const c = st.connection!;
    const hits = rules.map((r, i) => [r, i] as const).filter(([r]) => ruleMatches(r.match, c));
    if (hits.length === 0) continue;
    if (hits.length > 1) {
      throw new TableauError({ reason: 'invalidArgument', message: `Data connection rules ${hits.map(([, i]) => i + 1).join(' and ')} both match the same data connection; make them match different connections.` });
    }
    const [rule, ruleIndex] = hits[0];
    const route = rule.via ?? 'file';
    const p = plan(rule, st, opts, ruleIndex);
    if (!changes.some((x) => x.ruleIndex === ruleIndex && sameConnection(x.connection, c))) changes.push({ ruleIndex, route, connection: c, changes: p.changes });
    if (route !== 'file' || p.attrs.size === 0) continue;
    edits.push({ start: st.start, end: st.end, text: setAttributes(text.slice(st.start, st.end), p.attrs, label) });
    if (p.pds) {
      // The data source around a sqlproxy connection names the same published data source in <repository-location id>.
      const scope = scopes.find((s) => s.connections.includes(st));
      for (const loc of scope?.repositoryLocations ?? []) {
        if (!edits.some((e) => e.start === loc.start)) edits.push({ start: loc.start, end: loc.end, text: setAttributes(text.slice(loc.start, loc.end), new Map([['id', p.pds.contentUrl]]), label) });
      }
    }
  }
  checkNoneLeftBehind(connections, changes, label);
  if (edits.length === 0) return { bytes, changes };
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  out += text.slice(at);
  const body = Buffer.from(out, 'utf8');
  return { bytes: bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body, changes };
}
