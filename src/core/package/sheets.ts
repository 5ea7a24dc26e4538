/**
 * The sheets of a workbook document (.twb, or the .twb inside a .twbx) that become views when it is
 * published: worksheets, dashboards and stories in document order, less those the author hid in the
 * workbook (`<window ... hidden='true'>`: Tableau publishes no view for them). Hidden views named in a
 * target are checked against this list before the upload.
 */
import { XMLParser } from 'fast-xml-parser';
import { decodeXmlEntities } from '../api/xml';

type Node = Record<string, unknown>;

function list(v: unknown): Node[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is Node => !!x && typeof x === 'object');
}

function nameOf(n: Node): string | undefined {
  const v = n['@_name'];
  return typeof v === 'string' && v !== '' ? decodeXmlEntities(v) : undefined;
}

/** The sheet names of a .twb document, or undefined when it is not a workbook document that can be read. */
export function workbookSheetNames(xml: string): string[] | undefined {
  let doc: Node;
  try {
    // Entities are never expanded (processEntities off); attribute values are decoded by hand above.
    doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseAttributeValue: false, parseTagValue: false, processEntities: false, htmlEntities: false }).parse(xml, true) as Node;
  } catch {
    return undefined;
  }
  const wb = list(doc.workbook)[0];
  if (!wb) return undefined;
  const names: string[] = [];
  // A story is a dashboard with type='storyboard' in the document: the same element.
  for (const [group, item] of [['worksheets', 'worksheet'], ['dashboards', 'dashboard']] as const) {
    for (const g of list(wb[group])) for (const s of list(g[item])) {
      const n = nameOf(s);
      if (n !== undefined && !names.includes(n)) names.push(n);
    }
  }
  const hidden = new Set<string>();
  for (const ws of list(wb.windows)) for (const w of list(ws.window)) {
    const n = nameOf(w);
    if (n !== undefined && w['@_hidden'] === 'true') hidden.add(n);
  }
  return names.filter((n) => !hidden.has(n));
}
