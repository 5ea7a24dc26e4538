/**
 * What a workbook or data source document means, in the parts people change: worksheets,
 * dashboards, data sources and their connections, calculated fields (with their formulas),
 * parameters and filters. Built from the ordered tree of xmlTree.ts; values are decoded
 * (entities) for display. Never holds a password: Tableau does not write one into a document.
 */
import { decodeXmlEntities } from '../api/xml';
import type { ContentKind } from '../models';
import { attrsOf, childNamed, childrenNamed, descendantsNamed, normalizedXml, tagOf, textOf, type XNode } from './xmlTree';

export interface ConnectionModel {
  class: string;
  server?: string;
  port?: string;
  dbname?: string;
  schema?: string;
  warehouse?: string;
  username?: string;
  /** For a published data source (sqlproxy): its name. */
  publishedDataSource?: string;
}

export interface CalculatedFieldModel {
  name: string;
  dataSource: string;
  formula: string;
  datatype?: string;
  role?: string;
}

export interface ParameterModel {
  name: string;
  datatype?: string;
  value?: string;
  /** The allowed values: a list, a range, or "all". */
  domain: string;
}

export interface FilterModel {
  sheet: string;
  field: string;
  /** The filter's definition (normalized XML of the element), for comparing and showing. */
  definition: string;
}

export interface WorksheetModel {
  name: string;
  rows: string;
  cols: string;
  marks: string[];
  dataSources: string[];
  /** Normalized XML of the sheet, for "something else changed". */
  xml: string;
}

export interface DashboardModel {
  name: string;
  /** Names of the sheets and objects placed on it, sorted. */
  zones: string[];
  size: string;
  xml: string;
}

export interface DataSourceModel {
  name: string;
  connections: ConnectionModel[];
  extract: boolean;
  xml: string;
}

export interface DocumentModel {
  kind: ContentKind;
  worksheets: Map<string, WorksheetModel>;
  dashboards: Map<string, DashboardModel>;
  dataSources: Map<string, DataSourceModel>;
  /** Keyed "field (data source)". */
  calculatedFields: Map<string, CalculatedFieldModel>;
  parameters: Map<string, ParameterModel>;
  /** Keyed "field (sheet)". */
  filters: Map<string, FilterModel>;
  /** The whole document, normalized. */
  normalized: string;
}

function a(n: XNode | undefined, key: string): string | undefined {
  if (!n) return undefined;
  const v = attrsOf(n)[key];
  return v === undefined || v === '' ? undefined : decodeXmlEntities(String(v));
}

/** `[ds].[none:Region:nk]` → "Region"; a calculation's internal name → its caption when known. */
export function fieldLabel(ref: string, captions: ReadonlyMap<string, string>): string {
  const parts = ref.match(/\[[^\]]*\]/g);
  const last = parts?.[parts.length - 1] ?? ref;
  const inner = last.replace(/^\[|\]$/g, '');
  const m = /^[a-z]*:(.+):[a-z]*$/.exec(inner);
  const name = m ? m[1] : inner;
  return captions.get(`[${name}]`) ?? name;
}

function connectionsOf(ds: XNode): ConnectionModel[] {
  const out: ConnectionModel[] = [];
  const seen = new Set<string>();
  for (const c of descendantsNamed(ds, 'connection', 'column')) {
    const cls = a(c, 'class');
    if (!cls || cls === 'federated') continue;
    const m: ConnectionModel = { class: cls };
    const fields: [keyof ConnectionModel, string][] = [['server', 'server'], ['port', 'port'], ['dbname', 'dbname'], ['schema', 'schema'], ['warehouse', 'warehouse'], ['username', 'username']];
    for (const [k, attr] of fields) {
      const v = a(c, attr);
      if (v !== undefined) m[k] = v;
    }
    if (cls === 'sqlproxy') m.publishedDataSource = a(c, 'server-ds-friendly-name') ?? a(c, 'dbname');
    const key = JSON.stringify(m);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(m);
    }
  }
  return out;
}

export function connectionLabel(c: ConnectionModel): string {
  if (c.publishedDataSource) return `published data source "${c.publishedDataSource}"`;
  const where = [c.server && (c.port ? `${c.server}:${c.port}` : c.server), c.dbname, c.schema, c.warehouse && `warehouse ${c.warehouse}`].filter(Boolean).join(' / ');
  return `${c.class}${where ? ` ${where}` : ''}${c.username ? ` as ${c.username}` : ''}`;
}

function domainOf(col: XNode): string {
  const range = childNamed(col, 'range');
  if (range) return `range ${a(range, 'min') ?? ''}..${a(range, 'max') ?? ''}${a(range, 'granularity') ? ` step ${a(range, 'granularity')}` : ''}`;
  const members = childNamed(col, 'members');
  if (members) return `list ${childrenNamed(members, 'member').map((m) => a(m, 'value') ?? '').join(', ')}`;
  return a(col, 'param-domain-type') ?? 'all';
}

/** The model of a parsed document (root `<workbook>` or `<datasource>`). */
export function buildModel(root: XNode): DocumentModel {
  const kind: ContentKind = tagOf(root) === 'datasource' ? 'datasource' : 'workbook';
  const model: DocumentModel = {
    kind, worksheets: new Map(), dashboards: new Map(), dataSources: new Map(), calculatedFields: new Map(), parameters: new Map(), filters: new Map(),
    normalized: normalizedXml(root),
  };
  const dsNodes = kind === 'datasource' ? [root] : childrenNamed(childNamed(root, 'datasources') ?? root, 'datasource');
  // Internal names of data sources and fields → what users see.
  const dsCaptions = new Map<string, string>();
  const fieldCaptions = new Map<string, string>();
  for (const ds of dsNodes) {
    const name = a(ds, 'name') ?? '';
    const caption = a(ds, 'caption') ?? a(ds, 'formatted-name') ?? (name || 'Data source');
    dsCaptions.set(name, caption);
    for (const col of childrenNamed(ds, 'column')) {
      const cn = a(col, 'name');
      const cc = a(col, 'caption');
      if (cn && cc) fieldCaptions.set(cn, cc);
    }
  }
  for (const ds of dsNodes) {
    const name = a(ds, 'name') ?? '';
    const caption = dsCaptions.get(name)!;
    const columns = childrenNamed(ds, 'column');
    if (name === 'Parameters') {
      for (const col of columns) {
        const pname = a(col, 'caption') ?? (a(col, 'name') ?? '').replace(/^\[|\]$/g, '');
        model.parameters.set(pname, { name: pname, datatype: a(col, 'datatype'), value: a(col, 'value') ?? a(childNamed(col, 'calculation'), 'formula'), domain: domainOf(col) });
      }
      continue;
    }
    const extract = childrenNamed(ds, 'extract').some((x) => a(x, 'enabled') !== 'false');
    model.dataSources.set(caption, { name: caption, connections: connectionsOf(ds), extract, xml: normalizedXml(ds) });
    for (const col of columns) {
      const calc = childNamed(col, 'calculation');
      const formula = a(calc, 'formula');
      if (formula === undefined || a(calc, 'class') === 'categorical-bin' || a(calc, 'class') === 'bin') continue;
      const field = a(col, 'caption') ?? (a(col, 'name') ?? '').replace(/^\[|\]$/g, '');
      model.calculatedFields.set(`${field} (${caption})`, { name: field, dataSource: caption, formula, datatype: a(col, 'datatype'), role: a(col, 'role') });
    }
  }
  for (const ws of childrenNamed(childNamed(root, 'worksheets') ?? { worksheets: [] }, 'worksheet')) {
    const name = a(ws, 'name') ?? '';
    const table = childNamed(ws, 'table');
    const view = table && childNamed(table, 'view');
    const shelf = (tag: string): string => {
      const t = table && childNamed(table, tag);
      return t ? decodeXmlEntities(textOf(t)).replace(/\[[^\]]*\]\.\[[^\]]*\]/g, (ref) => fieldLabel(ref, fieldCaptions)) : '';
    };
    const marks = table ? descendantsNamed(table, 'mark').map((m) => a(m, 'class') ?? '').filter(Boolean) : [];
    const dataSources = view ? childrenNamed(childNamed(view, 'datasources') ?? view, 'datasource').map((d) => a(d, 'caption') ?? dsCaptions.get(a(d, 'name') ?? '') ?? a(d, 'name') ?? '') : [];
    model.worksheets.set(name, { name, rows: shelf('rows'), cols: shelf('cols'), marks: [...new Set(marks)], dataSources, xml: normalizedXml(ws) });
    if (view) {
      for (const f of childrenNamed(view, 'filter')) {
        const field = fieldLabel(a(f, 'column') ?? '', fieldCaptions);
        let key = `${field} (${name})`;
        for (let i = 2; model.filters.has(key); i++) key = `${field} #${i} (${name})`;
        model.filters.set(key, { sheet: name, field, definition: normalizedXml(f).trim() });
      }
    }
  }
  for (const db of childrenNamed(childNamed(root, 'dashboards') ?? { dashboards: [] }, 'dashboard')) {
    const name = a(db, 'name') ?? '';
    const zones = [...new Set(descendantsNamed(db, 'zone').map((z) => a(z, 'name')).filter((z): z is string => z !== undefined))].sort();
    const size = childNamed(db, 'size');
    const sizeText = size ? ['minwidth', 'minheight', 'maxwidth', 'maxheight', 'sizing-mode'].map((k) => a(size, k)).filter(Boolean).join(' ') : '';
    model.dashboards.set(name, { name, zones, size: sizeText, xml: normalizedXml(db) });
  }
  return model;
}
