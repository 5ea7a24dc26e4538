/** The settings and permissions of one CLI publish: flags over the manifest's options, and the dry run. */
import * as path from 'node:path';
import type { TableauClient } from '../core/api/client';
import { TableauError } from '../core/errors';
import type { ManifestOptions } from '../core/publish/manifest';
import type { PublishMode } from '../core/models';
import { checkImpact } from './afterPublishSteps';
import { defaultName } from '../core/publish/publisher';
import { resolveProjectPath } from '../core/publish/projectPath';
import { checkHiddenViews, previewTargetSettings, type TargetSettings } from '../core/publish/settings';
import type { PackageInfo } from '../core/package/inspect';
import type { CliCommand } from './args';
import { line, type CliOutput } from './output';

type PublishArgs = Extract<CliCommand, { command: 'publish' }>;

/** The `publish` flags that stand for target options (with or without --env). */
export type OptionFlags = Partial<Pick<PublishArgs, 'tags' | 'description' | 'showTabs' | 'hiddenViews' | 'asJob' | 'skipConnectionCheck' | 'refresh' | 'checkViews' | 'failOnImpact' | 'owner' | 'thumbnailsUser' | 'thumbnailsGroup' | 'removeOtherTags'>>;

/** Flags win over the manifest's options; a thumbnails flag replaces the manifest's choice of user or group. */
export function optionsWithFlags(o: ManifestOptions, f: OptionFlags): ManifestOptions {
  const thumbFlag = f.thumbnailsUser !== undefined || f.thumbnailsGroup !== undefined;
  return {
    ...o,
    owner: f.owner ?? o.owner,
    thumbnailsUser: thumbFlag ? f.thumbnailsUser : o.thumbnailsUser,
    thumbnailsGroup: thumbFlag ? f.thumbnailsGroup : o.thumbnailsGroup,
    tags: f.tags ?? o.tags,
    removeOtherTags: f.removeOtherTags ?? o.removeOtherTags,
    description: f.description ?? o.description,
    showTabs: f.showTabs ?? o.showTabs,
    hiddenViews: f.hiddenViews ?? o.hiddenViews,
    asJob: f.asJob || o.asJob,
    skipConnectionCheck: f.skipConnectionCheck || o.skipConnectionCheck,
    refresh: f.refresh || o.refresh,
    checkViews: f.checkViews || o.checkViews,
    failOnImpact: f.failOnImpact || o.failOnImpact,
  };
}

/**
 * `--dry-run`: every check a publish makes before the upload (names, capabilities, hidden views),
 * then the changes the settings steps would send and the workbooks an overwrite of a data source
 * touches, printed; nothing is written (a missing project is not created: its item is then new and
 * every setting a change).
 */
export async function dryRunOne(
  client: TableauClient,
  info: PackageInfo,
  p: { file: string; project: string; name?: string; hiddenViews?: string[]; mode?: PublishMode; failOnImpact?: boolean },
  settings: TargetSettings,
  out: CliOutput,
  signal: AbortSignal,
): Promise<void> {
  checkHiddenViews(info, p.hiddenViews);
  const name = p.name ?? defaultName(p.file);
  const project = await resolveProjectPath(client, p.project, { create: false, signal }).catch((e: unknown) => {
    if (TableauError.is(e, 'notFound')) return undefined;
    throw e;
  });
  const preview = await previewTargetSettings(client, info.kind, settings, { name, projectId: project?.id }, { signal });
  const what = info.kind === 'workbook' ? 'workbook' : 'data source';
  const changes = preview.changes.length ? preview.changes.join('; ') : 'no settings or permission changes';
  out.result(line`Dry run: ${what} "${name}" in "${p.project}"${preview.exists ? '' : ' (new)'}${project ? '' : ' (the project does not exist yet)'}: ${changes}`, {
    event: 'planned',
    file: p.file,
    label: path.basename(p.file),
    kind: info.kind,
    name,
    project: p.project,
    projectExists: !!project,
    exists: preview.exists,
    changes: preview.changes,
  });
  // As the publish would: the workbooks an overwrite of this data source touches, and the refusal
  // of --fail-on-impact or the manifest's failOnImpact.
  if (project && p.mode) {
    const steps = { refresh: false, checkViews: false, failOnImpact: !!p.failOnImpact };
    await checkImpact(client, out, { info, name: p.name, projectId: project.id, project: p.project, mode: p.mode, label: path.basename(p.file), steps, signal });
  }
}
