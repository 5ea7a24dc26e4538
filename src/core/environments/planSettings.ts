/**
 * The part of a plan about what happens around the upload: the settings and permission changes the
 * apply step would send (read from the item as it is now, as the apply reads it), the workbooks an
 * overwrite of a data source touches (Metadata API), and the after-publish steps. Shared by the
 * environments plan (CLI `plan`, VS Code's Preview Publish) and the CLI's `publish --dry-run`.
 */
import type { TableauClient } from '../api/client';
import { describeImpact, type DownstreamImpact } from '../api/metadata';
import { TableauError } from '../errors';
import type { ContentKind, PublishMode } from '../models';
import type { ManifestOptions } from '../publish/manifest';
import { describeChange, type CapabilityMode, type Grantee } from '../publish/permissionRules';
import { hasAfterPublishSettings, previewTargetSettings, type TargetSettings } from '../publish/settings';

/** One permission rule change the apply step would send. */
export interface PermissionChangePlan {
  /** Whose rules: the item's own, or the target project's default permissions for workbooks / data sources. */
  on: 'item' | 'projectDefaultWorkbooks' | 'projectDefaultDatasources';
  action: 'add' | 'delete';
  grantee: Grantee;
  capability: string;
  mode: CapabilityMode;
}

/** What the target's settings change on the item. A field is present only when the target declares it. */
export interface SettingsPlan {
  /** Only when the owner changes: `from` is the current owner (name, else LUID; absent for a new item). */
  owner?: { from?: string; to: string };
  /** Workbooks: who renders the thumbnails (sent with the publish). */
  thumbnails?: { user?: string; group?: string };
  /** Tags the item gains, and (removeOtherTags) loses. */
  tags?: { add: string[]; remove: string[] };
  /** The additions and deletions the apply step sends; empty when the rules are already in place. */
  permissions?: PermissionChangePlan[];
}

/** The settings a target's options declare (every field, declared or not). */
export function settingsOfOptions(o: ManifestOptions): TargetSettings {
  return {
    owner: o.owner,
    thumbnailsUser: o.thumbnailsUser,
    thumbnailsGroup: o.thumbnailsGroup,
    tags: o.tags,
    removeOtherTags: o.removeOtherTags,
    permissions: o.permissions,
    projectDefaultPermissions: o.projectDefaultPermissions,
  };
}

/** The manifest's settings-as-code options of a target, or undefined when it declares none. */
export function targetSettingsOf(o: ManifestOptions): TargetSettings | undefined {
  const s = settingsOfOptions(o);
  return hasAfterPublishSettings(s) || s.thumbnailsUser || s.thumbnailsGroup ? s : undefined;
}

/**
 * The settings plan of one item, read from the server (`projectId` undefined: the project is not
 * there yet). Throws what resolving the settings throws (unknown name, bad rule): see settingsProblem.
 */
export async function previewSettingsPlan(
  client: TableauClient,
  kind: ContentKind,
  settings: TargetSettings,
  where: { name: string; projectId: string | undefined },
  signal?: AbortSignal,
): Promise<SettingsPlan> {
  const { resolved, plan } = await previewTargetSettings(client, kind, settings, where, { signal });
  const out: SettingsPlan = {};
  if (plan.owner) out.owner = { from: plan.owner.fromName ?? plan.owner.from, to: plan.owner.to.name };
  if (resolved.thumbnailsUserId) out.thumbnails = { user: settings.thumbnailsUser };
  if (resolved.thumbnailsGroupId) out.thumbnails = { group: settings.thumbnailsGroup };
  if (resolved.tags) out.tags = { add: plan.tagsToAdd, remove: plan.tagsToRemove };
  if (resolved.rules.length) {
    out.permissions = plan.permissions.flatMap((g) => {
      const on: PermissionChangePlan['on'] = g.target === 'item' ? 'item' : g.target.kind === 'projectDefault' && g.target.content === 'workbook' ? 'projectDefaultWorkbooks' : 'projectDefaultDatasources';
      return g.changes.map((c) => ({ on, action: c.action, grantee: c.grantee, capability: c.capability, mode: c.mode }));
    });
  }
  return out;
}

/** A settings error as a plan problem (an unknown user or group, a rule Tableau would refuse); undefined for any other error. */
export function settingsProblem(e: unknown): { code: 'unknownGrantee' | 'invalidSetting'; message: string } | undefined {
  if (TableauError.is(e, 'notFound')) return { code: 'unknownGrantee', message: e.message };
  if (TableauError.is(e, 'invalidArgument')) return { code: 'invalidSetting', message: e.message };
  return undefined;
}

/** Modes that put another file in place of a published data source's content. */
export function replacesContent(kind: ContentKind, mode: PublishMode): boolean {
  return kind === 'datasource' && (mode === 'overwrite' || mode === 'replace');
}

/** failOnImpact's refusal: the data source is used by workbooks. */
export function impactRefusal(name: string, project: string, total: number, flag: string): string {
  return `Not overwriting the data source "${name}" in "${project}": ${total} workbook${total === 1 ? ' uses' : 's use'} it (${flag}).`;
}

const ON: Record<PermissionChangePlan['on'], string> = {
  item: 'permissions',
  projectDefaultWorkbooks: 'project default permissions (workbooks)',
  projectDefaultDatasources: 'project default permissions (data sources)',
};

/** The settings plan as lines for people (indented as the plan's lines). */
export function settingsLines(s: SettingsPlan): string[] {
  const out: string[] = [];
  if (s.owner) out.push(`  owner: ${s.owner.from ? `"${s.owner.from}" -> ` : 'set to '}"${s.owner.to}"`);
  if (s.thumbnails) out.push(`  thumbnails rendered as ${s.thumbnails.user !== undefined ? `user "${s.thumbnails.user}"` : `group "${s.thumbnails.group}"`}`);
  if (s.tags) {
    const changes = [...s.tags.add.map((t) => `add "${t}"`), ...s.tags.remove.map((t) => `remove "${t}"`)];
    out.push(`  tag changes: ${changes.length ? changes.join(', ') : 'none (already in place)'}`);
  }
  if (s.permissions) {
    for (const c of s.permissions) out.push(`  ${ON[c.on]}: ${describeChange(c)}`);
    if (!s.permissions.length) out.push('  permissions: no changes (the rules are already in place)');
  }
  return out;
}

/** The impact of an overwrite as a plan line ("2 workbooks use this data source: ..."). */
export function impactLine(impact: DownstreamImpact): string {
  return `  impact: ${describeImpact(impact)}`;
}
