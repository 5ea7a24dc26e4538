/**
 * The actions of an incremental update to a published live-to-Hyper data source ("Update Data
 * in Hyper Data Source", REST API 3.12+), checked against the JSON Schema written from Tableau's
 * "Action batch descriptions" (media/schemas/hyper-update-actions.schema.json) before anything
 * is sent, and the common cases (insert a table, upsert a table on a key) built here.
 */
import Ajv, { type ErrorObject } from 'ajv';
import schema from '../../../media/schemas/hyper-update-actions.schema.json';
import { TableauError } from '../errors';

export type UpdateActionName = 'insert' | 'update' | 'upsert' | 'replace' | 'delete';

export type UpdateCondition =
  | { op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte'; 'target-col': string; 'source-col'?: string; const?: { type: string; v: string | number | boolean | null } }
  | { op: 'and' | 'or'; args: UpdateCondition[] }
  | { op: 'not'; arg: UpdateCondition };

export interface UpdateAction {
  action: UpdateActionName;
  'source-schema'?: string;
  'source-table'?: string;
  'target-schema'?: string;
  'target-table'?: string;
  condition?: UpdateCondition;
}

export interface UpdateActions {
  actions: UpdateAction[];
}

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

/** One line per problem, most specific first (ajv reports the branches of a oneOf too). */
function describe(errors: ErrorObject[]): string[] {
  const lines = new Set<string>();
  const useful = errors.filter((e) => !['oneOf', 'allOf', 'if', 'anyOf'].includes(e.keyword));
  for (const e of useful.length ? useful : errors) {
    const where = e.instancePath ? e.instancePath.replace(/^\//, '').replace(/\//g, '.') : 'the document';
    let what = e.message ?? 'is not valid';
    if (e.keyword === 'additionalProperties') what = `has "${String((e.params as { additionalProperty: string }).additionalProperty)}", which Tableau's actions do not have`;
    else if (e.keyword === 'enum') what = `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    else if (e.keyword === 'required') what = `needs "${String((e.params as { missingProperty: string }).missingProperty)}"`;
    else if (e.keyword === 'not') what = 'must not have a condition (insert and replace take every row of the source table)';
    lines.add(`${where} ${what}`);
  }
  return [...lines].slice(0, 12);
}

/**
 * The actions document, checked: a bare array is taken as the `actions` list. Refusals are
 * `invalidArgument` naming each problem by its place (`actions.0.condition`).
 */
export function checkUpdateActions(value: unknown, source = 'The actions'): UpdateActions {
  const doc = Array.isArray(value) ? { actions: value } : value;
  const problems = validate(doc);
  if (problems.length) {
    throw new TableauError({
      reason: 'invalidArgument',
      message: `${source} do not match Tableau's documented shape of update actions: ${describe(problems).join('; ')}.`,
    });
  }
  return doc as UpdateActions;
}

/** Parses and checks an actions file's text (never quoted back: it may be large). */
export function parseUpdateActions(text: string, source = 'The actions file'): UpdateActions {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TableauError({ reason: 'invalidArgument', message: `${source} is not JSON (${(e as Error).message.replace(/ in JSON at.*$/, '')}).` });
  }
  return checkUpdateActions(value, source);
}

/** `schema.table` or `table` (a Hyper extract's tables usually live in schema "Extract"). */
export function splitTableName(name: string): { schema?: string; table: string } {
  const trimmed = name.trim();
  const dot = trimmed.indexOf('.');
  if (dot > 0 && dot < trimmed.length - 1) return { schema: trimmed.slice(0, dot), table: trimmed.slice(dot + 1) };
  return { table: trimmed };
}

function tables(name: string): Pick<UpdateAction, 'source-schema' | 'source-table' | 'target-schema' | 'target-table'> {
  const { schema: s, table } = splitTableName(name);
  const out: Pick<UpdateAction, 'source-schema' | 'source-table' | 'target-schema' | 'target-table'> = { 'source-table': table, 'target-table': table };
  if (s) {
    out['source-schema'] = s;
    out['target-schema'] = s;
  }
  return out;
}

/** Every row of the file's table into the same table of the data source. */
export function insertActions(table: string): UpdateActions {
  return checkUpdateActions({ actions: [{ action: 'insert', ...tables(table) }] }, '--insert');
}

/**
 * The file's rows replace the data source's rows with the same key, and the others are added:
 * one key column is an `eq`, several are an `and` of `eq`s.
 */
export function upsertActions(table: string, keys: readonly string[]): UpdateActions {
  const cols = keys.map((k) => k.trim()).filter(Boolean);
  if (!cols.length) throw new TableauError({ reason: 'invalidArgument', message: 'An upsert needs the key column(s) that match rows (--on KEY).' });
  const eq = cols.map((c): UpdateCondition => ({ op: 'eq', 'target-col': c, 'source-col': c }));
  const condition: UpdateCondition = eq.length === 1 ? eq[0] : { op: 'and', args: eq };
  return checkUpdateActions({ actions: [{ action: 'upsert', ...tables(table), condition }] }, '--upsert');
}
