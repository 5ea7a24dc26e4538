/**
 * The manifest options of settings and permissions as code (see settings.ts), validated here so the
 * manifest's own file stays about targets. Capability names are checked against every content type
 * here (a glob may match workbooks and data sources); the check per type runs before the publish.
 */
import { TableauError } from '../errors';
import { CAPABILITIES, TEMPLATES, type DefaultPermissionRules, type PermissionRule } from './permissionRules';
import type { TargetSettings } from './settings';

export type ManifestSettingsOptions = Pick<TargetSettings, 'owner' | 'thumbnailsUser' | 'thumbnailsGroup' | 'removeOtherTags' | 'permissions' | 'projectDefaultPermissions'>;

export const SETTINGS_OPTION_KEYS = ['owner', 'thumbnailsUser', 'thumbnailsGroup', 'removeOtherTags', 'permissions', 'projectDefaultPermissions'];

const RULE_KEYS = ['group', 'user', 'template', 'capabilities'];
const KNOWN_CAPABILITIES = new Set([...CAPABILITIES.workbook, ...CAPABILITIES.datasource]);

function bad(file: string, where: string, problem: string): TableauError {
  return new TableauError({ reason: 'invalidArgument', message: `${file}: ${where} ${problem}` });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function rules(file: string, v: unknown, at: string): PermissionRule[] {
  if (!Array.isArray(v)) throw bad(file, at, 'must be a list of rules.');
  return v.map((r, i) => {
    const rat = `${at}[${i}]`;
    if (!isObj(r)) throw bad(file, rat, 'must be an object.');
    for (const k of Object.keys(r)) if (!RULE_KEYS.includes(k)) throw bad(file, `${rat}.${k}`, `is not a known setting (known: ${RULE_KEYS.join(', ')}).`);
    const named = ['group', 'user'].filter((k) => r[k] !== undefined);
    if (named.length !== 1) throw bad(file, rat, 'must name exactly one grantee: "group" or "user".');
    const name = r[named[0]];
    if (typeof name !== 'string' || name.trim() === '') throw bad(file, `${rat}.${named[0]}`, 'must be a name.');
    const rule: PermissionRule = { [named[0]]: name };
    if (r.template !== undefined) {
      if (typeof r.template !== 'string' || !(r.template in TEMPLATES.workbook)) throw bad(file, `${rat}.template`, `must be one of ${Object.keys(TEMPLATES.workbook).join(', ')}.`);
      rule.template = r.template as PermissionRule['template'];
    }
    if (r.capabilities !== undefined) {
      if (!isObj(r.capabilities)) throw bad(file, `${rat}.capabilities`, 'must map capability names to "Allow" or "Deny".');
      for (const [c, m] of Object.entries(r.capabilities)) {
        if (!KNOWN_CAPABILITIES.has(c)) throw bad(file, `${rat}.capabilities.${c}`, `is not a Tableau capability (known: ${[...KNOWN_CAPABILITIES].join(', ')}).`);
        if (m !== 'Allow' && m !== 'Deny') throw bad(file, `${rat}.capabilities.${c}`, 'must be "Allow" or "Deny".');
      }
      rule.capabilities = r.capabilities as PermissionRule['capabilities'];
    }
    if (!rule.template && !rule.capabilities) throw bad(file, rat, 'sets no capability: give a "template" or "capabilities".');
    return rule;
  });
}

function name(file: string, o: Record<string, unknown>, k: string, at: string): string | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw bad(file, `${at}.${k}`, 'must be a name.');
  return v;
}

/** The settings-as-code options of one target's `options` (`at` is its JSON path, for messages). */
export function validateSettingsOptions(file: string, o: Record<string, unknown>, at: string): ManifestSettingsOptions {
  const out: ManifestSettingsOptions = {
    owner: name(file, o, 'owner', at),
    thumbnailsUser: name(file, o, 'thumbnailsUser', at),
    thumbnailsGroup: name(file, o, 'thumbnailsGroup', at),
  };
  if (out.thumbnailsUser && out.thumbnailsGroup) throw bad(file, at, 'may set thumbnailsUser or thumbnailsGroup, not both.');
  if (o.removeOtherTags !== undefined) {
    if (typeof o.removeOtherTags !== 'boolean') throw bad(file, `${at}.removeOtherTags`, 'must be true or false.');
    out.removeOtherTags = o.removeOtherTags;
  }
  if (o.permissions !== undefined) out.permissions = rules(file, o.permissions, `${at}.permissions`);
  const d = o.projectDefaultPermissions;
  if (d !== undefined) {
    const dat = `${at}.projectDefaultPermissions`;
    if (!isObj(d)) throw bad(file, dat, 'must be an object with "workbooks" and/or "datasources".');
    for (const k of Object.keys(d)) if (k !== 'workbooks' && k !== 'datasources') throw bad(file, `${dat}.${k}`, 'is not a known setting (known: workbooks, datasources).');
    const defaults: DefaultPermissionRules = {};
    if (d.workbooks !== undefined) defaults.workbooks = rules(file, d.workbooks, `${dat}.workbooks`);
    if (d.datasources !== undefined) defaults.datasources = rules(file, d.datasources, `${dat}.datasources`);
    out.projectDefaultPermissions = defaults;
  }
  for (const k of Object.keys(out) as (keyof ManifestSettingsOptions)[]) if (out[k] === undefined) delete out[k];
  return out;
}
