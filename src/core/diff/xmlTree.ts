/**
 * A Tableau document as an ordered element tree (fast-xml-parser, order preserved, entities
 * never expanded: values stay as written, `&quot;` and all), and its normalized XML: the same
 * document with the noise that changes on every save or publish taken out, so two documents
 * that mean the same compare equal.
 *
 * What normalizing removes (NORMALIZATION_NOTES says it to users):
 * - `<thumbnails>`: base64 PNG images of the sheets, re-rendered on every save;
 * - `<document-format-change-manifest>`: the features of the Tableau version that saved the file;
 * - `<repository-location>`: where Tableau Server / Cloud filed the item (written on publish);
 * - the attributes `source-build`, `source-platform` and `version` (saving version stamps), and
 *   `xml:base` (the server's address) anywhere;
 * - comments, the XML declaration, processing instructions, and whitespace between elements;
 * - attribute order (attributes are sorted by name) and the quote style (always `"`).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TableauError } from '../errors';

export type XNode = Record<string, unknown>;

const ATTRS = ':@';
const TEXT = '#text';
/** Deeper than any document Tableau writes; refused rather than walked. */
export const MAX_DEPTH = 400;

export const NOISE_ELEMENTS: ReadonlySet<string> = new Set(['thumbnails', 'document-format-change-manifest', 'repository-location']);
export const NOISE_ATTRIBUTES: ReadonlySet<string> = new Set(['source-build', 'source-platform', 'version', 'xml:base']);

export const NORMALIZATION_NOTES: readonly string[] = [
  'thumbnails (base64 images of the sheets)',
  'the document format manifest and the version stamps (source-build, source-platform, version)',
  "the server's filing of the item (repository-location, xml:base)",
  'comments, the XML declaration, whitespace between elements, attribute order and quote style',
];

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  maxNestedTags: MAX_DEPTH,
});

export function tagOf(n: XNode): string {
  for (const k in n) if (k !== ATTRS) return k;
  return '';
}

export function attrsOf(n: XNode): Record<string, string> {
  return (n[ATTRS] as Record<string, string> | undefined) ?? {};
}

/** Child nodes (elements and text) of an element node. */
export function kidsOf(n: XNode): XNode[] {
  const v = n[tagOf(n)];
  return Array.isArray(v) ? (v as XNode[]) : [];
}

export function isText(n: XNode): boolean {
  return TEXT in n;
}

export function textOf(n: XNode): string {
  let s = '';
  for (const k of kidsOf(n)) if (isText(k)) s += String(k[TEXT]);
  return s;
}

/** Element children named `tag`. */
export function childrenNamed(n: XNode, tag: string): XNode[] {
  return kidsOf(n).filter((k) => tagOf(k) === tag);
}

export function childNamed(n: XNode, tag: string): XNode | undefined {
  return kidsOf(n).find((k) => tagOf(k) === tag);
}

/** Every element named `tag` below `n` (not inside a `stop` element), depth-first, in document order. */
export function descendantsNamed(n: XNode, tag: string, stop?: string): XNode[] {
  const out: XNode[] = [];
  const walk = (x: XNode, depth: number): void => {
    if (depth > MAX_DEPTH) throw tooDeep();
    for (const k of kidsOf(x)) {
      if (isText(k)) continue;
      const t = tagOf(k);
      if (t === tag) out.push(k);
      if (t !== stop) walk(k, depth + 1);
    }
  };
  walk(n, 0);
  return out;
}

function tooDeep(): TableauError {
  return new TableauError({ reason: 'invalidFile', message: `The document nests elements more than ${MAX_DEPTH} deep; Tableau never writes that.` });
}

/** Parses a document's XML; `label` names it in errors. Returns the root element. */
export function parseDocument(text: string, label: string): XNode {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new TableauError({ reason: 'invalidFile', message: `${label} is not well-formed XML (line ${valid.err.line}: ${String(valid.err.msg).replace(/\s+/g, ' ').slice(0, 120)}).` });
  }
  let nodes: XNode[];
  try {
    nodes = parser.parse(text) as XNode[];
  } catch (e) {
    throw new TableauError({ reason: 'invalidFile', message: `${label} is XML this extension does not read (${(e instanceof Error ? e.message : 'parse error').slice(0, 120)}).`, cause: e });
  }
  const root = nodes.find((n) => !isText(n));
  if (!root) throw new TableauError({ reason: 'invalidFile', message: `${label} has no root element.` });
  return root;
}

/** A raw attribute value (entities as written) made safe inside `"`. */
function quoteAttr(v: string): string {
  return v.includes('"') ? v.replace(/"/g, '&quot;') : v;
}

/** The normalized XML of an element (see the module comment), indented two spaces per level. */
export function normalizedXml(root: XNode): string {
  const parts: string[] = [];
  const walk = (n: XNode, indent: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw tooDeep();
    const tag = tagOf(n);
    const attrs = attrsOf(n);
    let open = `${indent}<${tag}`;
    for (const k of Object.keys(attrs).sort()) {
      if (!NOISE_ATTRIBUTES.has(k)) open += ` ${k}="${quoteAttr(String(attrs[k]))}"`;
    }
    const kids = kidsOf(n).filter((k) => isText(k) || !NOISE_ELEMENTS.has(tagOf(k)));
    if (kids.length === 0) {
      parts.push(`${open} />`);
      return;
    }
    if (kids.length === 1 && isText(kids[0])) {
      parts.push(`${open}>${String(kids[0][TEXT])}</${tag}>`);
      return;
    }
    parts.push(`${open}>`);
    const inner = `${indent}  `;
    for (const k of kids) {
      if (isText(k)) parts.push(`${inner}${String(k[TEXT])}`);
      else walk(k, inner, depth + 1);
    }
    parts.push(`${indent}</${tag}>`);
  };
  walk(root, '', 0);
  return `${parts.join('\n')}\n`;
}
