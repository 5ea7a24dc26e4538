/**
 * Validation of the `dataConnections` rules of a manifest (per environment, per target, per
 * target and environment): the DataConnectionRule shape, a password only as a reference.
 */
import type { ChangeRoute, ConnectionChange, ConnectionMatch, DataConnectionRule, SecretReference } from '../connections/rules';
import { bad, bool, checkKeys, compact, isObj, str } from '../publish/manifestValues';

const MATCH_KEYS = ['class', 'server', 'port', 'dbname', 'publishedDataSource'];
const SET_KEYS = ['server', 'port', 'dbname', 'warehouse', 'schema', 'username', 'publishedDataSource'];
const ROUTES: ChangeRoute[] = ['file', 'rest'];
/** An environment variable name as shells and CI systems accept it. */
export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function strings(o: unknown, keys: string[], at: string): Record<string, string> {
  if (!isObj(o)) throw bad(at, 'must be an object.');
  checkKeys(o, keys, at);
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = str(o, k, at, false);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function secretReference(v: unknown, at: string): SecretReference {
  if (typeof v === 'string') throw bad(at, 'must be a reference, not a password: { "secret": "id asked once in VS Code" } and/or { "env": "VARIABLE_NAME" } for the CLI.');
  const ref = strings(v, ['secret', 'env'], at) as SecretReference;
  if (ref.secret === undefined && ref.env === undefined) throw bad(at, 'needs "secret" (VS Code) or "env" (CLI), or both.');
  if (ref.env !== undefined && !ENV_VAR_NAME.test(ref.env)) throw bad(`${at}.env`, 'must be an environment variable name (letters, digits, _).');
  return ref;
}

export function validateRule(r: unknown, at: string): DataConnectionRule {
  if (!isObj(r)) throw bad(at, 'must be an object.');
  checkKeys(r, ['match', 'set', 'credentials', 'via'], at);
  const match = strings(r.match, MATCH_KEYS, `${at}.match`) as ConnectionMatch;
  if (Object.keys(match).length === 0) throw bad(`${at}.match`, `matches on nothing: give at least one of ${MATCH_KEYS.join(', ')}.`);
  const rule: DataConnectionRule = { match };
  if (r.set !== undefined) rule.set = strings(r.set, SET_KEYS, `${at}.set`) as ConnectionChange;
  if (r.credentials !== undefined) {
    const c = r.credentials;
    const cat = `${at}.credentials`;
    if (!isObj(c)) throw bad(cat, 'must be an object.');
    checkKeys(c, ['username', 'password', 'embed'], cat);
    if (c.password === undefined) throw bad(`${cat}.password`, 'is missing.');
    rule.credentials = compact({ username: str(c, 'username', cat, true)!, password: secretReference(c.password, `${cat}.password`), embed: bool(c, 'embed', cat) });
  }
  if (r.via !== undefined) {
    if (!ROUTES.includes(r.via as ChangeRoute)) throw bad(`${at}.via`, `must be one of ${ROUTES.join(', ')}.`);
    rule.via = r.via as ChangeRoute;
  }
  if (!rule.set && !rule.credentials) throw bad(at, 'changes nothing: give "set" or "credentials".');
  return rule;
}

export function validateRules(v: unknown, at: string): DataConnectionRule[] {
  if (!Array.isArray(v)) throw bad(at, 'must be a list.');
  return v.map((r, i) => validateRule(r, `${at}[${i}]`));
}

/**
 * Whether a key that looks like a secret is in fact a reference to one: the `credentials` of a
 * rule, its `password` object, and the `secret` id inside it. A password string is never one.
 */
export function isSecretReferenceKey(parentPath: string, key: string, value: unknown): boolean {
  if (key === 'credentials') return /\.dataConnections\[\d+\]$/.test(parentPath) && isObj(value);
  if (key === 'password') return /\.dataConnections\[\d+\]\.credentials$/.test(parentPath) && isObj(value);
  if (key === 'secret') return /\.dataConnections\[\d+\]\.credentials\.password$/.test(parentPath) && typeof value === 'string';
  return false;
}
