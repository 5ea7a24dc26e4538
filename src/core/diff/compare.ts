/**
 * The semantic diff of two Tableau documents: what was added, removed or changed among
 * worksheets, dashboards, data sources and their connections, calculated fields, parameters
 * and filters. Two documents are the same when their normalized XML is (xmlTree.ts says what
 * normalizing leaves out); a difference the model does not name is reported as "other changes".
 */
import type { ContentKind } from '../models';
import { buildModel, connectionLabel, type DocumentModel } from './model';
import { parseDocument } from './xmlTree';

export type ChangeKind = 'added' | 'removed' | 'changed';
export type ChangeCategory = 'worksheet' | 'dashboard' | 'dataSource' | 'calculatedField' | 'parameter' | 'filter' | 'document';

export interface Change {
  category: ChangeCategory;
  kind: ChangeKind;
  name: string;
  /** Where: the data source of a field, the sheet of a filter. */
  in?: string;
  /** One line each: "formula: A → B", "connection added: postgres db:5432". */
  details: string[];
}

export interface DiffResult {
  kind: ContentKind;
  /** The documents mean the same (their normalized XML is equal). */
  same: boolean;
  changes: Change[];
  left: { label: string; normalized: string };
  right: { label: string; normalized: string };
}

const CATEGORY_ORDER: ChangeCategory[] = ['calculatedField', 'parameter', 'filter', 'worksheet', 'dashboard', 'dataSource', 'document'];

function arrow(before: string | undefined, after: string | undefined): string {
  return `${before === undefined || before === '' ? '(none)' : before} → ${after === undefined || after === '' ? '(none)' : after}`;
}

function diffMaps<T>(
  category: ChangeCategory,
  left: ReadonlyMap<string, T>,
  right: ReadonlyMap<string, T>,
  describe: (before: T, after: T) => string[],
  where: (t: T) => string | undefined,
  display: (key: string, t: T) => string,
  out: Change[],
): void {
  for (const [k, l] of left) {
    const r = right.get(k);
    if (r === undefined) out.push({ category, kind: 'removed', name: display(k, l), in: where(l), details: [] });
    else {
      const details = describe(l, r);
      if (details.length) out.push({ category, kind: 'changed', name: display(k, r), in: where(r), details });
    }
  }
  for (const [k, r] of right) if (!left.has(k)) out.push({ category, kind: 'added', name: display(k, r), in: where(r), details: [] });
}

function listChange(label: string, before: readonly string[], after: readonly string[]): string[] {
  const added = after.filter((x) => !before.includes(x));
  const removed = before.filter((x) => !after.includes(x));
  return [...added.map((x) => `${label} added: ${x}`), ...removed.map((x) => `${label} removed: ${x}`)];
}

/** The changes from `left` (before) to `right` (after). */
export function compareModels(left: DocumentModel, right: DocumentModel): Change[] {
  const out: Change[] = [];
  const name = (_k: string, t: { name: string }): string => t.name;
  const none = (): undefined => undefined;
  diffMaps('calculatedField', left.calculatedFields, right.calculatedFields, (l, r) => [
    ...(l.formula !== r.formula ? [`formula: ${arrow(l.formula, r.formula)}`] : []),
    ...(l.datatype !== r.datatype ? [`type: ${arrow(l.datatype, r.datatype)}`] : []),
    ...(l.role !== r.role ? [`role: ${arrow(l.role, r.role)}`] : []),
  ], (t) => t.dataSource, name, out);
  diffMaps('parameter', left.parameters, right.parameters, (l, r) => [
    ...(l.value !== r.value ? [`value: ${arrow(l.value, r.value)}`] : []),
    ...(l.datatype !== r.datatype ? [`type: ${arrow(l.datatype, r.datatype)}`] : []),
    ...(l.domain !== r.domain ? [`allowed values: ${arrow(l.domain, r.domain)}`] : []),
  ], none, name, out);
  diffMaps('filter', left.filters, right.filters, (l, r) => (l.definition !== r.definition ? ['definition changed'] : []), (t) => t.sheet, (_k, t) => t.field, out);
  diffMaps('worksheet', left.worksheets, right.worksheets, (l, r) => {
    const d = [
      ...(l.rows !== r.rows ? [`rows: ${arrow(l.rows, r.rows)}`] : []),
      ...(l.cols !== r.cols ? [`columns: ${arrow(l.cols, r.cols)}`] : []),
      ...listChange('mark type', l.marks, r.marks),
      ...listChange('data source', l.dataSources, r.dataSources),
    ];
    // A sheet whose only change is a filter is reported under filters.
    if (!d.length && l.xml !== r.xml && sheetFilters(left, l.name) === sheetFilters(right, r.name)) d.push('other changes (formatting, layout or field details)');
    return d;
  }, none, name, out);
  diffMaps('dashboard', left.dashboards, right.dashboards, (l, r) => {
    const d = [...listChange('object', l.zones, r.zones), ...(l.size !== r.size ? [`size: ${arrow(l.size, r.size)}`] : [])];
    if (!d.length && l.xml !== r.xml) d.push('other changes (layout or formatting)');
    return d;
  }, none, name, out);
  diffMaps('dataSource', left.dataSources, right.dataSources, (l, r) => {
    const d = [
      ...listChange('connection', l.connections.map(connectionLabel), r.connections.map(connectionLabel)),
      ...(l.extract !== r.extract ? [`extract: ${arrow(l.extract ? 'yes' : 'no', r.extract ? 'yes' : 'no')}`] : []),
    ];
    const fieldsChanged = out.some((c) => c.category === 'calculatedField' && c.in === l.name);
    if (!d.length && !fieldsChanged && l.xml !== r.xml) d.push('other changes (fields, relations or settings)');
    return d;
  }, none, name, out);
  return out.sort((x, y) => CATEGORY_ORDER.indexOf(x.category) - CATEGORY_ORDER.indexOf(y.category));
}

function sheetFilters(m: DocumentModel, sheet: string): string {
  return [...m.filters.values()].filter((f) => f.sheet === sheet).map((f) => f.definition).join('\n');
}

/** Parses both documents and compares them. Labels name them in errors and renderings. */
export function diffDocuments(leftText: string, rightText: string, labels: { left: string; right: string }): DiffResult {
  const left = buildModel(parseDocument(leftText, labels.left));
  const right = buildModel(parseDocument(rightText, labels.right));
  return diffModels(left, right, labels);
}

export function diffModels(left: DocumentModel, right: DocumentModel, labels: { left: string; right: string }): DiffResult {
  const same = left.normalized === right.normalized;
  const changes = same ? [] : compareModels(left, right);
  if (!same && left.kind !== right.kind) {
    changes.unshift({ category: 'document', kind: 'changed', name: 'document type', details: [`${left.kind} → ${right.kind}`] });
  } else if (!same && changes.length === 0) {
    changes.push({ category: 'document', kind: 'changed', name: 'document', details: ['other changes (formatting, windows or settings outside sheets and data sources)'] });
  }
  return { kind: right.kind, same, changes, left: { label: labels.left, normalized: left.normalized }, right: { label: labels.right, normalized: right.normalized } };
}
