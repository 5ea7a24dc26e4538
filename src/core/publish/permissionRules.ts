/**
 * Permissions as code: the rules a target declares (grantee by name → capabilities Allow/Deny, or a
 * template), checked against the capabilities Tableau has for each content type, and the
 * difference between the declared rules and what the item has, as the additions and deletions
 * Tableau's permissions methods take.
 *
 * Capability names are the REST API's (schema `capabilityType`, ts-api_3_29.xsd; TSC
 * `Permission.Capability`). Which of them each content type has, and the templates, follow Tableau's
 * "Permission Capabilities and Templates" page
 * (https://help.tableau.com/current/server/en-us/permissions_capabilities.htm): the templates are
 * cumulative; the REST-era names Viewer / Interactor / Editor stand for the page's View / Explore /
 * Publish (Administer is every capability of the type).
 */
import { TableauError } from '../errors';

export type CapabilityMode = 'Allow' | 'Deny';
/** What permissions are set on: a published item, or a project's default rules for new items of that kind. */
export type PermissionContent = 'workbook' | 'datasource';
export type PermissionTemplate = 'Viewer' | 'Interactor' | 'Editor' | 'Administrator';
export type GranteeType = 'group' | 'user';

/** One declared rule: exactly one grantee, and a template and/or capabilities (capabilities win over the template). */
export interface PermissionRule {
  group?: string;
  user?: string;
  template?: PermissionTemplate;
  capabilities?: Record<string, CapabilityMode>;
}

/** A project's default permissions for the items published into it, per content type. */
export interface DefaultPermissionRules {
  workbooks?: PermissionRule[];
  datasources?: PermissionRule[];
}

const VIEW_WORKBOOK = ['Read', 'Filter', 'ViewComments', 'AddComment', 'ExportImage', 'ExportData'];
const EXPLORE_WORKBOOK = [...VIEW_WORKBOOK, 'ShareView', 'ViewUnderlyingData', 'WebAuthoring', 'RunExplainData', 'ExportXml'];
const PUBLISH_WORKBOOK = [...EXPLORE_WORKBOOK, 'Write', 'ChangeHierarchy'];
const VIEW_DATASOURCE = ['Read', 'Connect'];
const EXPLORE_DATASOURCE = [...VIEW_DATASOURCE, 'ExportXml'];
const PUBLISH_DATASOURCE = [...EXPLORE_DATASOURCE, 'Write', 'SaveAs', 'ChangeHierarchy'];

/** The capabilities Tableau has per content type (a name outside the list is refused before anything is sent). */
export const CAPABILITIES: Record<PermissionContent, readonly string[]> = {
  workbook: [...PUBLISH_WORKBOOK, 'Delete', 'ChangePermissions', 'ExtractRefresh'],
  datasource: [...PUBLISH_DATASOURCE, 'Delete', 'ChangePermissions', 'ExtractRefresh', 'VizqlDataApiAccess'],
};

export const TEMPLATES: Record<PermissionContent, Record<PermissionTemplate, readonly string[]>> = {
  workbook: { Viewer: VIEW_WORKBOOK, Interactor: EXPLORE_WORKBOOK, Editor: PUBLISH_WORKBOOK, Administrator: CAPABILITIES.workbook },
  datasource: { Viewer: VIEW_DATASOURCE, Interactor: EXPLORE_DATASOURCE, Editor: PUBLISH_DATASOURCE, Administrator: CAPABILITIES.datasource },
};

const KIND_NAME: Record<PermissionContent, string> = { workbook: 'workbooks', datasource: 'data sources' };

function bad(where: string, problem: string): TableauError {
  return new TableauError({ reason: 'invalidArgument', message: `${where} ${problem}` });
}

/** The grantee of a rule, as declared. */
export function granteeOf(rule: PermissionRule): { type: GranteeType; name: string } {
  return rule.group !== undefined ? { type: 'group', name: rule.group } : { type: 'user', name: rule.user ?? '' };
}

/**
 * The capabilities a rule sets: the template's (all Allow), then the listed ones over them. Throws
 * `invalidArgument` for a rule without exactly one grantee, an unknown template, or a capability or
 * mode Tableau does not have for the content type.
 */
export function ruleCapabilities(kind: PermissionContent, rule: PermissionRule, where: string): Map<string, CapabilityMode> {
  const grantees = [rule.group, rule.user].filter((g) => g !== undefined);
  if (grantees.length !== 1) throw bad(where, 'must name exactly one grantee: "group" or "user".');
  if (typeof grantees[0] !== 'string' || grantees[0].trim() === '') throw bad(where, 'names an empty grantee.');
  const out = new Map<string, CapabilityMode>();
  if (rule.template !== undefined) {
    const t = TEMPLATES[kind][rule.template];
    if (!t) throw bad(`${where}.template`, `must be one of ${Object.keys(TEMPLATES[kind]).join(', ')}.`);
    for (const c of t) out.set(c, 'Allow');
  }
  for (const [name, mode] of Object.entries(rule.capabilities ?? {})) {
    if (!CAPABILITIES[kind].includes(name)) {
      throw bad(`${where}.capabilities.${name}`, `is not a capability Tableau has for ${KIND_NAME[kind]} (known: ${CAPABILITIES[kind].join(', ')}).`);
    }
    if (mode !== 'Allow' && mode !== 'Deny') throw bad(`${where}.capabilities.${name}`, 'must be "Allow" or "Deny".');
    out.set(name, mode);
  }
  if (!out.size) throw bad(where, 'sets no capability: give a "template" or "capabilities".');
  return out;
}

/** A grantee found on the site. */
export interface Grantee {
  type: GranteeType;
  id: string;
  name: string;
}

/** One grantee's capabilities, as Tableau lists them (`granteeCapabilities`) or as a rule declares them. */
export interface GranteeCapabilities {
  grantee: Grantee;
  capabilities: Map<string, CapabilityMode>;
}

export interface PermissionChange {
  action: 'add' | 'delete';
  grantee: Grantee;
  capability: string;
  mode: CapabilityMode;
}

/**
 * What to send so that each declared grantee has exactly the declared capabilities: deletions (a
 * capability the rule does not set, or set with the other mode) and additions. Grantees no rule
 * names are left alone: a target owns the rules it declares, not the whole list (an administrator's
 * own rule stays).
 */
export function diffPermissions(current: readonly GranteeCapabilities[], desired: readonly GranteeCapabilities[]): PermissionChange[] {
  const key = (g: Grantee): string => `${g.type}:${g.id.toLowerCase()}`;
  const have = new Map<string, Map<string, CapabilityMode>>();
  for (const c of current) {
    const m = have.get(key(c.grantee)) ?? new Map<string, CapabilityMode>();
    for (const [cap, mode] of c.capabilities) m.set(cap, mode);
    have.set(key(c.grantee), m);
  }
  const deletes: PermissionChange[] = [];
  const adds: PermissionChange[] = [];
  for (const d of desired) {
    const now = have.get(key(d.grantee)) ?? new Map<string, CapabilityMode>();
    for (const [cap, mode] of now) {
      if (d.capabilities.get(cap) !== mode) deletes.push({ action: 'delete', grantee: d.grantee, capability: cap, mode });
    }
    for (const [cap, mode] of d.capabilities) {
      if (now.get(cap) !== mode) adds.push({ action: 'add', grantee: d.grantee, capability: cap, mode });
    }
  }
  // Tableau ignores an added capability the grantee already has in the other mode: deletions go first.
  return [...deletes, ...adds];
}

/** "add group Sales: Read Allow" — one line per change, for reports and the dry run. */
export function describeChange(c: PermissionChange): string {
  return `${c.action === 'add' ? 'add' : 'remove'} ${c.grantee.type} "${c.grantee.name}": ${c.capability} ${c.mode}`;
}
