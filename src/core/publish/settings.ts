/**
 * Settings and permissions as code for one target. Three steps:
 *
 * 1. `resolveTargetSettings`, before anything is published: names become LUIDs (owner, the user or
 *    group that renders thumbnails, every grantee) and rules are checked against Tableau's capabilities;
 *    hidden views are checked against the workbook's sheets. Any problem is an error here, so a
 *    target with a typo publishes nothing.
 * 2. `planTargetSettings`: reads what the item has now (owner, tags, permissions) and lists only
 *    the differences. A dry run and the environments plan stop here.
 * 3. `applyTargetSettings`, after the publish: sends the plan. A failure is a `SettingsStepError`
 *    naming the step, with the item published (the caller reports both).
 *
 * What the publish request itself carries (show tabs, description, hidden views, thumbnails user
 * or group: Publish Workbook takes them, schema `workbookType`, TSC request_factory.py) is not here.
 */
import { TableauError } from '../errors';
import type { ContentKind, DataSource, Workbook } from '../models';
import type { PackageInfo } from '../package/inspect';
import { findItemByName, type ItemLookupClient } from './items';
import type { RetryOptions } from '../api/retry';
import { addPermissions, deletePermission, deleteTag, findGrantee, queryPermissions, updateOwner, type PermissionsTarget, type SettingsClient } from '../api/settingsApi';
import {
  describeChange,
  diffPermissions,
  granteeOf,
  ruleCapabilities,
  type DefaultPermissionRules,
  type Grantee,
  type GranteeCapabilities,
  type PermissionChange,
  type PermissionContent,
  type PermissionRule,
} from './permissionRules';

/** The settings a target declares, by name (as people write them in the manifest or on the command line). */
export interface TargetSettings {
  /** Username of the new owner. */
  owner?: string;
  /** Workbooks: the user or the group whose view of the data renders the thumbnails (one of the two). */
  thumbnailsUser?: string;
  thumbnailsGroup?: string;
  /** Tags the item must have. */
  tags?: string[];
  /** With `tags`: remove the item's tags that are not listed (default: other tags stay). */
  removeOtherTags?: boolean;
  /** Rules of the item's own permissions. */
  permissions?: PermissionRule[];
  /** Rules of the target project's default permissions. */
  projectDefaultPermissions?: DefaultPermissionRules;
}

interface ResolvedRules {
  target: PermissionsTarget | 'item';
  content: PermissionContent;
  desired: GranteeCapabilities[];
}

export interface ResolvedSettings {
  kind: ContentKind;
  owner?: Grantee;
  thumbnailsUserId?: string;
  thumbnailsGroupId?: string;
  tags?: string[];
  removeOtherTags: boolean;
  rules: ResolvedRules[];
  /** Grantee names by `type:id`, for readable reports. */
  names: Map<string, string>;
}

export type SettingsStep = 'owner' | 'tags' | 'permissions' | 'projectDefaultPermissions';

export interface PlannedSettings {
  /** `from`: the current owner's id, `fromName` their name when the item's answer carries it. */
  owner?: { from?: string; fromName?: string; to: Grantee };
  tagsToAdd: string[];
  tagsToRemove: string[];
  /** Per permissions target: the changes to send. */
  permissions: { step: 'permissions' | 'projectDefaultPermissions'; target: PermissionsTarget | 'item'; changes: PermissionChange[] }[];
}

export interface SettingsOptions {
  signal?: AbortSignal;
  retry?: RetryOptions;
}

/** A step after a successful publish failed: the item is published; `step` says what was not applied. */
export class SettingsStepError extends TableauError {
  constructor(
    readonly step: SettingsStep,
    readonly itemName: string,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super({
      reason: 'settingsNotApplied',
      message: `"${itemName}" was published, but its ${STEP_NAMES[step]} could not be applied: ${why}`,
      status: TableauError.is(cause) ? cause.status : undefined,
      code: TableauError.is(cause) ? cause.code : undefined,
      cause,
    });
  }
}

const STEP_NAMES: Record<SettingsStep, string> = { owner: 'owner', tags: 'tags', permissions: 'permissions', projectDefaultPermissions: "project's default permissions" };

function bad(message: string): TableauError {
  return new TableauError({ reason: 'invalidArgument', message });
}

function cleanTags(tags: readonly string[] | undefined): string[] | undefined {
  return tags && [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
}

/** True when the target declares anything this module applies after the publish. */
export function hasAfterPublishSettings(s: TargetSettings): boolean {
  return !!(s.owner || s.tags?.length || s.permissions?.length || s.projectDefaultPermissions?.workbooks?.length || s.projectDefaultPermissions?.datasources?.length);
}

/**
 * Hidden views are sheet names of the workbook: one the file does not have is an error before the
 * upload (Tableau would publish and silently hide nothing). Skipped when the sheets could not be read.
 */
export function checkHiddenViews(info: PackageInfo, hiddenViews: readonly string[] | undefined): void {
  // A data source has no views: the publisher does not send them for one (the CLI says so).
  if (!hiddenViews?.length || info.kind !== 'workbook' || !info.sheets) return;
  const unknown = hiddenViews.filter((v) => !info.sheets!.includes(v));
  if (unknown.length) {
    throw bad(`The workbook has no sheet named ${unknown.map((v) => `"${v}"`).join(', ')} to hide (its sheets: ${info.sheets.map((s) => `"${s}"`).join(', ') || 'none'}).`);
  }
  if (hiddenViews.length >= info.sheets.length) throw bad('A workbook must keep at least one view visible; every sheet is listed as hidden.');
}

/** Step 1: every name looked up, every rule checked. Nothing is written. */
export async function resolveTargetSettings(client: SettingsClient, kind: ContentKind, s: TargetSettings, opts: SettingsOptions = {}): Promise<ResolvedSettings> {
  const names = new Map<string, string>();
  const cache = new Map<string, Promise<Grantee | undefined>>();
  const find = async (type: 'user' | 'group', name: string, what: string): Promise<Grantee> => {
    const k = `${type}:${name.trim().toLowerCase()}`;
    let p = cache.get(k);
    if (!p) cache.set(k, (p = findGrantee(client, type, name, opts)));
    const g = await p;
    if (!g) throw new TableauError({ reason: 'notFound', message: `${what}: there is no ${type} named "${name}" on the site. Nothing was published.` });
    names.set(`${type}:${g.id.toLowerCase()}`, g.name);
    return g;
  };
  if (s.thumbnailsUser && s.thumbnailsGroup) throw bad('Thumbnails are rendered as a user or as a group, not both: give thumbnailsUser or thumbnailsGroup.');
  // Static checks first: a bad capability fails without a request.
  const content: PermissionContent = kind;
  const itemRules = (s.permissions ?? []).map((r, i) => ({ r, caps: ruleCapabilities(content, r, `permissions[${i}]`) }));
  const defaults = (['workbook', 'datasource'] as const).map((c) => {
    const list = s.projectDefaultPermissions?.[c === 'workbook' ? 'workbooks' : 'datasources'] ?? [];
    return { c, rules: list.map((r, i) => ({ r, caps: ruleCapabilities(c, r, `projectDefaultPermissions.${c === 'workbook' ? 'workbooks' : 'datasources'}[${i}]`) })) };
  });
  const out: ResolvedSettings = { kind, removeOtherTags: !!s.removeOtherTags, rules: [], names, tags: cleanTags(s.tags) };
  if (s.owner) out.owner = await find('user', s.owner, 'The owner');
  // Thumbnails are a workbook's: a target whose glob also matches data sources sets them on its workbooks only.
  if (s.thumbnailsUser && kind === 'workbook') out.thumbnailsUserId = (await find('user', s.thumbnailsUser, 'The thumbnails user')).id;
  if (s.thumbnailsGroup && kind === 'workbook') out.thumbnailsGroupId = (await find('group', s.thumbnailsGroup, 'The thumbnails group')).id;
  const desired = async (rules: { r: PermissionRule; caps: Map<string, 'Allow' | 'Deny'> }[], where: string): Promise<GranteeCapabilities[]> => {
    const byGrantee = new Map<string, GranteeCapabilities>();
    for (const { r, caps } of rules) {
      const g = granteeOf(r);
      const grantee = await find(g.type, g.name, `A permission rule (${where})`);
      const k = `${grantee.type}:${grantee.id}`;
      const prev = byGrantee.get(k);
      if (prev) for (const [c, m] of caps) prev.capabilities.set(c, m);
      else byGrantee.set(k, { grantee, capabilities: new Map(caps) });
    }
    return [...byGrantee.values()];
  };
  if (itemRules.length) out.rules.push({ target: 'item', content, desired: await desired(itemRules, 'permissions') });
  for (const d of defaults) {
    if (d.rules.length) out.rules.push({ target: { kind: 'projectDefault', projectId: '', content: d.c }, content: d.c, desired: await desired(d.rules, 'projectDefaultPermissions') });
  }
  return out;
}

function targetFor(t: ResolvedRules['target'], kind: ContentKind, itemId: string, projectId: string): PermissionsTarget {
  return t === 'item' ? { kind, id: itemId } : { kind: 'projectDefault', projectId, content: (t as { content: PermissionContent }).content };
}

/**
 * Step 2: the differences between the declared settings and the item as it is (`item` undefined:
 * not published yet, so everything the target declares is a change). Reads only.
 */
export async function planTargetSettings(
  client: SettingsClient,
  r: ResolvedSettings,
  item: Pick<Workbook | DataSource, 'id' | 'owner' | 'tags'> | undefined,
  projectId: string,
  opts: SettingsOptions = {},
): Promise<PlannedSettings> {
  const plan: PlannedSettings = { tagsToAdd: [], tagsToRemove: [], permissions: [] };
  if (r.owner && (!item || item.owner?.id?.toLowerCase() !== r.owner.id.toLowerCase())) plan.owner = { from: item?.owner?.id, fromName: item?.owner?.name, to: r.owner };
  if (r.tags) {
    const have = item?.tags ?? [];
    const lower = new Set(have.map((t) => t.toLowerCase()));
    const want = new Set(r.tags.map((t) => t.toLowerCase()));
    plan.tagsToAdd = r.tags.filter((t) => !lower.has(t.toLowerCase()));
    if (r.removeOtherTags) plan.tagsToRemove = have.filter((t) => !want.has(t.toLowerCase()));
  }
  for (const rules of r.rules) {
    const step = rules.target === 'item' ? 'permissions' : 'projectDefaultPermissions';
    const current = rules.target === 'item' && !item ? [] : await queryPermissions(client, targetFor(rules.target, r.kind, item?.id ?? '', projectId), { ...opts, names: r.names });
    plan.permissions.push({ step, target: rules.target, changes: diffPermissions(current, rules.desired) });
  }
  return plan;
}

/** The planned changes as lines ("owner: → alice", "tags: + q3", "permissions: add group ..."). */
export function describePlan(p: PlannedSettings): string[] {
  const lines: string[] = [];
  if (p.owner) lines.push(`owner: set to "${p.owner.to.name}"`);
  for (const t of p.tagsToAdd) lines.push(`tags: add "${t}"`);
  for (const t of p.tagsToRemove) lines.push(`tags: remove "${t}"`);
  for (const g of p.permissions) for (const c of g.changes) lines.push(`${g.step === 'permissions' ? 'permissions' : 'project default permissions'}: ${describeChange(c)}`);
  return lines;
}

export interface AppliedSettings {
  plan: PlannedSettings;
  /** One line per change sent (describePlan of what was applied). */
  changes: string[];
  /** Requests sent to apply the plan (reads not counted). */
  writes: number;
  /** When tags are declared: the item's tags once applied. */
  tags?: string[];
}

/**
 * Step 3, after the publish: read, plan, send only the differences. Owner first (a new owner
 * may be who the rules are about), then tags, then permissions. Throws SettingsStepError.
 */
export async function applyTargetSettings(
  client: SettingsClient & ItemLookupClient & { addTags(kind: ContentKind, id: string, tags: readonly string[], signal?: AbortSignal): Promise<string[]> },
  r: ResolvedSettings,
  published: Workbook | DataSource,
  projectId: string,
  opts: SettingsOptions = {},
): Promise<AppliedSettings> {
  let plan: PlannedSettings;
  const item = published;
  let tags: string[] | undefined;
  try {
    // The publish answer need not carry the owner and tags an overwritten item already had: read them.
    const now = r.owner || r.tags ? await (r.kind === 'workbook' ? client.getWorkbook(item.id, opts.signal) : client.getDataSource(item.id, opts.signal)) : item;
    if (r.tags) tags = now.tags ?? [];
    plan = await planTargetSettings(client, r, now, projectId, opts);
  } catch (e) {
    throw new SettingsStepError(r.rules.length ? 'permissions' : 'tags', item.name, e);
  }
  let writes = 0;
  const step = async (name: SettingsStep, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      throw new SettingsStepError(name, item.name, e);
    }
  };
  if (plan.owner) {
    const to = plan.owner.to;
    await step('owner', async () => {
      writes++;
      await updateOwner(client, r.kind, item.id, to.id, opts);
    });
  }
  if (plan.tagsToAdd.length || plan.tagsToRemove.length) {
    await step('tags', async () => {
      if (plan.tagsToAdd.length) {
        writes++;
        tags = await client.addTags(r.kind, item.id, plan.tagsToAdd, opts.signal);
      }
      for (const t of plan.tagsToRemove) {
        writes++;
        await deleteTag(client, r.kind, item.id, t, opts);
        tags = tags?.filter((x) => x !== t);
      }
    });
  }
  for (const g of plan.permissions) {
    const target = targetFor(g.target, r.kind, item.id, projectId);
    await step(g.step, async () => {
      for (const d of g.changes.filter((c) => c.action === 'delete')) {
        writes++;
        await deletePermission(client, target, d, opts);
      }
      const adds = g.changes.filter((c) => c.action === 'add');
      if (adds.length) {
        writes++;
        await addPermissions(client, target, adds, opts);
      }
    });
  }
  const out: AppliedSettings = { plan, changes: describePlan(plan), writes };
  if (tags) out.tags = tags;
  return out;
}

/**
 * What publishing a target would change in its settings and permissions, without sending anything:
 * names resolved (errors as before a publish), the item found by name in the project (absent: every
 * declared setting is a change). `projectId` undefined: the project does not exist yet, so the item
 * is new and the project's default permissions (which a new project inherits) are left out.
 * For `--dry-run` and the environments plan.
 */
export async function previewTargetSettings(
  client: SettingsClient & ItemLookupClient,
  kind: ContentKind,
  settings: TargetSettings,
  where: { name: string; projectId: string | undefined },
  opts: SettingsOptions = {},
): Promise<{ exists: boolean; resolved: ResolvedSettings; plan: PlannedSettings; changes: string[] }> {
  const projectId = where.projectId;
  const resolved = await resolveTargetSettings(client, kind, projectId === undefined ? { ...settings, projectDefaultPermissions: undefined } : settings, opts);
  const found = projectId === undefined ? undefined : await findItemByName(client, kind, where.name, projectId, opts.signal);
  const item = found && (kind === 'workbook' ? await client.getWorkbook(found.id, opts.signal) : await client.getDataSource(found.id, opts.signal));
  const plan = await planTargetSettings(client, resolved, item, projectId ?? '', opts);
  return { exists: !!item, resolved, plan, changes: describePlan(plan) };
}
