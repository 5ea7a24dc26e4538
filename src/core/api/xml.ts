import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TableauError } from '../errors';

/** Elements that are collection members: always arrays, even when there is one. */
const ARRAY_ELEMENTS = new Set([
  'site',
  'user',
  'group',
  'project',
  'workbook',
  'view',
  'datasource',
  'flow',
  'backgroundJob',
  'tag',
  'connection',
  'note',
  'schedule',
  'task',
  'favorite',
  'revision',
  'extract',
  'permission',
  'granteeCapabilities',
  'capability',
  'statusNote',
]);
// Singular children of a non-collection parent: `<workbook><project/></workbook>`, `<tsResponse><job/></tsResponse>`.
const COLLECTION_PARENT: Record<string, string> = {
  site: 'sites',
  user: 'users',
  group: 'groups',
  project: 'projects',
  workbook: 'workbooks',
  view: 'views',
  datasource: 'datasources',
  flow: 'flows',
  // Query Jobs: `<backgroundJobs><backgroundJob/>` (schema backgroundJobListType, TSC job_get.xml); a `<job>` is never a member.
  backgroundJob: 'backgroundJobs',
  tag: 'tags',
  connection: 'connections',
  note: 'notes',
  schedule: 'schedules',
  task: 'tasks',
  revision: 'revisions',
  extract: 'extracts',
  statusNote: 'statusNotes',
};

const ATTR_PREFIX = '@_';

const parser = new XMLParser({
  // Never expand DOCTYPE entities (billion laughs); standard entities are decoded below.
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: ATTR_PREFIX,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // Attribute values must round-trip exactly (names with spaces); text is trimmed in normalize().
  trimValues: false,
  isArray: (name, jpath, _leaf, isAttribute) => {
    if (isAttribute) return false;
    const path = typeof jpath === 'string' ? jpath : '';
    const parts = path.split('.');
    const parent = parts[parts.length - 2];
    if (name === 'notes') return parent === 'job';
    if (!ARRAY_ELEMENTS.has(name)) return false;
    return parent === COLLECTION_PARENT[name];
  },
  jPath: true,
});

const ENTITY_RE = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five predefined XML entities and numeric references; anything else (custom entities) stays literal. */
export function decodeXmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY_RE, (m, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return NAMED[named];
    const cp = hex !== undefined ? parseInt(hex, 16) : parseInt(dec as string, 10);
    if (!Number.isFinite(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return m;
    return String.fromCodePoint(cp);
  });
}

/** Escapes text for an XML attribute or text node. `'` as `&#39;` (Tableau's publish parser rejects `&apos;`). */
export function xmlEscape(value: string | number | boolean): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** Builds `name="v" ...` for the defined values, escaped. */
export function xmlAttrs(attrs: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(v as string | number | boolean)}"`)
    .join('');
}

/** `<tsRequest>inner</tsRequest>`; inner must already be built with escaped values. */
export function tsRequest(inner: string): string {
  return `<tsRequest>${inner}</tsRequest>`;
}

const ATTR = ATTR_PREFIX;

// Attribute values are kept exactly (entities decoded); element text is trimmed; whitespace-only text dropped.
function normalize(node: unknown): unknown {
  if (typeof node === 'string') return decodeXmlEntities(node.trim());
  if (Array.isArray(node)) return node.map(normalize);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k.startsWith(ATTR)) {
        out[k.slice(ATTR.length)] = typeof v === 'string' ? decodeXmlEntities(v) : v;
      } else if (k === '#text') {
        const t = typeof v === 'string' ? v.trim() : v;
        if (t !== '') out[k] = typeof t === 'string' ? decodeXmlEntities(t) : t;
      } else if (!(k in out)) {
        out[k] = normalize(v);
      }
    }
    return out;
  }
  return node;
}

/** Parses an XML document. Throws 'malformedResponse' on broken XML. Never expands custom entities. */
export function parseXml(text: string): Record<string, unknown> {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) {
    // The validator quotes the document (its open-tag stack): keep server text short in a message.
    const why = String(valid.err.msg).replace(/\s+/g, ' ').slice(0, 120);
    throw new TableauError({
      reason: 'malformedResponse',
      message: `The server's answer is not well-formed XML (line ${valid.err.line}: ${why}).`,
    });
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (e) {
    // The parser refuses some documents the validator accepts (external entities, deep nesting).
    const why = (e instanceof Error ? e.message : 'parse error').replace(/\s+/g, ' ').slice(0, 120);
    throw new TableauError({ reason: 'malformedResponse', message: `The server's answer is XML this client does not accept (${why}).`, cause: e });
  }
  return normalize(parsed) as Record<string, unknown>;
}
