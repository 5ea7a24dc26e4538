/**
 * Manifest targets with `"mode": "update"`: a `.hyper` of changes that updates a published
 * live-to-Hyper data source incrementally, with Tableau's update actions (or the two common
 * shortcuts), instead of being published. They are kept apart from the publish targets
 * (`PublishManifest.updates`), so nothing that publishes ever meets a mode it cannot publish.
 *
 * ```json
 * { "file": "exports/orders-*.hyper", "connection": "Prod", "site": "sales", "project": "Sales",
 *   "name": "Orders", "mode": "update", "upsert": { "table": "Extract.Extract", "on": ["id"] } }
 * ```
 */
import { TableauError } from '../errors';
import { checkUpdateActions, insertActions, upsertActions, type UpdateActions } from './updateActions';
import { relativePathProblem } from './workspacePath';

export interface ManifestUpdateTarget {
  file: string;
  connection: string;
  site: string;
  /** The data source's project path and name. */
  project: string;
  name: string;
  mode: 'update';
  /** Exactly one of actions, insert, upsert. */
  actions?: UpdateActions['actions'];
  insert?: string;
  upsert?: { table: string; on: string[] };
  /** For a data source with several connections: the one updated. */
  connectionId?: string;
}

const KEYS = ['file', 'connection', 'site', 'project', 'name', 'mode', 'actions', 'insert', 'upsert', 'connectionId'];

function bad(where: string, problem: string): TableauError {
  return new TableauError({ reason: 'invalidArgument', message: `.vscode/tableau-publish.json: ${where} ${problem}` });
}

export function isUpdateTarget(t: unknown): boolean {
  return !!t && typeof t === 'object' && (t as { mode?: unknown }).mode === 'update';
}

function text(o: Record<string, unknown>, k: string, at: string, allowEmpty = false): string {
  const v = o[k];
  if (typeof v !== 'string') throw bad(`${at}.${k}`, v === undefined ? 'is missing.' : 'must be a string.');
  if (!allowEmpty && v.trim() === '') throw bad(`${at}.${k}`, 'is empty.');
  return v;
}

/** Validates an update target; errors name the JSON path (`$.targets[2].upsert.on`). */
export function validateUpdateTarget(t: unknown, at: string): ManifestUpdateTarget {
  const o = t as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) throw bad(`${at}.${k}`, `is not a setting of an update target (known: ${KEYS.join(', ')}).`);
  const file = text(o, 'file', at);
  const problem = relativePathProblem(file);
  if (problem) throw bad(`${at}.file`, problem);
  const out: ManifestUpdateTarget = {
    file, connection: text(o, 'connection', at), site: text(o, 'site', at, true), project: text(o, 'project', at), name: text(o, 'name', at), mode: 'update',
  };
  const given = ['actions', 'insert', 'upsert'].filter((k) => o[k] !== undefined);
  if (given.length !== 1) throw bad(at, 'needs exactly one of "actions", "insert", "upsert" (mode "update").');
  try {
    if (o.actions !== undefined) out.actions = checkUpdateActions({ actions: o.actions }, `${at}.actions`).actions;
    if (o.insert !== undefined) {
      out.insert = text(o, 'insert', at);
      insertActions(out.insert);
    }
    if (o.upsert !== undefined) {
      const u = o.upsert as Record<string, unknown>;
      if (!u || typeof u !== 'object' || typeof u.table !== 'string' || !Array.isArray(u.on) || u.on.some((x) => typeof x !== 'string')) {
        throw bad(`${at}.upsert`, 'must be { "table": "...", "on": ["key", ...] }.');
      }
      out.upsert = { table: u.table, on: u.on as string[] };
      upsertActions(out.upsert.table, out.upsert.on);
    }
  } catch (e) {
    if (TableauError.is(e) && !e.message.startsWith('.vscode/')) throw bad(at, e.message);
    throw e;
  }
  if (o.connectionId !== undefined) out.connectionId = text(o, 'connectionId', at);
  return out;
}

/** The actions an update target asks for. */
export function actionsOfTarget(t: ManifestUpdateTarget): UpdateActions {
  if (t.actions) return { actions: t.actions };
  if (t.insert !== undefined) return insertActions(t.insert);
  return upsertActions(t.upsert!.table, t.upsert!.on);
}
