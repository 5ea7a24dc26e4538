import * as vscode from 'vscode';
import type { DataSource, PublishMode, Workbook } from '../../core/models';
import type { PackageInfo } from '../../core/package/inspect';
import { PROJECT_PATH_SEPARATOR } from '../../core/display';
import { findItemByName } from '../../core/publish/items';
import { defaultName } from '../../core/publish/publisher';
import type { Services } from '../services/services';
import type { PromptId, PromptItem } from '../services/ui';
import { describeItem } from '../tree/format';
import type { TableauClient } from '../../core/api/client';
import { describeImpact, downstreamWorkbooks } from '../../core/api/metadata';
import { applicableOptions, publishOptionIds, type PublishOptionId } from './publishOptionIds';
import type { PublishTarget } from './target';
import { askMoreSettings, type MoreSettings } from './moreSettings';

export interface PublishChoices {
  name: string;
  mode: PublishMode;
  showTabs?: boolean;
  skipConnectionCheck?: boolean;
  asJob?: boolean;
  description?: string;
  /** Added to the item after it is published; tags it already has stay. */
  tags?: string[];
  /** From "More settings…": owner, thumbnails user or group, permission rules (applied as a manifest target's). */
  settings?: MoreSettings;
}

/** "finance, monthly ,, Q3" → ["finance", "monthly", "Q3"] (commas separate tags, as in Tableau's own tag box). */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
}

/** Multi-select quick pick through the ui seam (tests answer `pick` with an array when canPickMany is set). */
export async function pickMany<T extends PromptItem>(services: Services, prompt: PromptId, items: readonly T[], opts: vscode.QuickPickOptions): Promise<T[] | undefined> {
  const r = (await services.ui.pick(prompt, items, { ...opts, canPickMany: true })) as unknown as T[] | T | undefined;
  return r === undefined ? undefined : Array.isArray(r) ? r : [r];
}

const kindWord = (info: PackageInfo): string => (info.kind === 'workbook' ? vscode.l10n.t('workbook') : vscode.l10n.t('data source'));

/**
 * Name, mode and options for one file. `askName` is false when several files are
 * published at once (each keeps its file name). Undefined when the user cancels.
 * `planConfirms`: the environment's plan modal asks before an overwrite (it names the item, the
 * connection changes and the impact), so the mode step does not ask a second time.
 */
export async function askChoices(services: Services, info: PackageInfo, target: PublishTarget, askName: boolean, opts: { planConfirms?: boolean } = {}): Promise<PublishChoices | undefined> {
  let name = defaultName(info.path);
  if (askName) {
    const entered = await services.ui.input('publish.name', {
      prompt: vscode.l10n.t('Name of the {0} on Tableau', kindWord(info)),
      value: name,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Give it a name.')),
    });
    if (entered === undefined || !entered.trim()) return undefined;
    name = entered.trim();
  }

  const client = await services.connections.getClient(target.profile.id, { siteContentUrl: target.siteContentUrl });
  const existing = await findItemByName(client, info.kind, name, target.projectId);
  const mode = await askMode(services, info, name, target, existing, client, opts.planConfirms ?? false);
  if (!mode) return undefined;

  const options = await askOptions(services, info);
  if (!options) return undefined;
  let description: string | undefined;
  if (options.has('description')) {
    description = await services.ui.input('publish.description', { prompt: vscode.l10n.t('Description of "{0}" (optional)', name), value: existing?.description ?? '' });
    if (description === undefined) return undefined;
  }
  let tags: string[] | undefined;
  if (options.has('tags')) {
    const entered = await services.ui.input('publish.tags', {
      prompt: vscode.l10n.t('Tags for "{0}", separated by commas (tags it already has stay)', name),
      value: '',
      validateInput: (v) => (parseTags(v).length ? undefined : vscode.l10n.t('Enter at least one tag, or press Escape.')),
    });
    if (entered === undefined) return undefined;
    tags = parseTags(entered);
  }
  let settings: MoreSettings | undefined;
  if (options.has('moreSettings')) {
    settings = await askMoreSettings(services, client, info.kind, name);
    if (!settings) return undefined;
  }
  return {
    name,
    mode,
    showTabs: info.kind === 'workbook' ? options.has('showTabs') : undefined,
    skipConnectionCheck: options.has('skipConnectionCheck') || undefined,
    asJob: options.has('asJob') || undefined,
    description: description?.trim() || undefined,
    tags: tags?.length ? tags : undefined,
    settings: settings && Object.keys(settings).length ? settings : undefined,
  };
}

async function askMode(
  services: Services,
  info: PackageInfo,
  name: string,
  target: PublishTarget,
  existing: Workbook | DataSource | undefined,
  client: TableauClient,
  planConfirms: boolean,
): Promise<PublishMode | undefined> {
  const where = target.projectPath.join(PROJECT_PATH_SEPARATOR);
  type ModeItem = vscode.QuickPickItem & { mode: PublishMode; id: PublishMode };
  const items: ModeItem[] = [
    { label: vscode.l10n.t('Overwrite'), detail: existing ? vscode.l10n.t('Replace the {0} "{1}" in {2}', kindWord(info), name, where) : vscode.l10n.t('Create it, or replace it if it exists by then'), mode: 'overwrite', id: 'overwrite' },
    { label: vscode.l10n.t('Create new'), detail: existing ? vscode.l10n.t('Fails: "{0}" already exists in {1}', name, where) : vscode.l10n.t('Publish as a new {0}', kindWord(info)), mode: 'createnew', id: 'createnew' },
  ];
  if (!existing) items.reverse();
  if (info.kind === 'datasource' && info.isExtract && existing) {
    items.push(
      { label: vscode.l10n.t('Append'), detail: vscode.l10n.t('Add the rows of this extract to "{0}"', name), mode: 'append', id: 'append' },
      { label: vscode.l10n.t('Replace data'), detail: vscode.l10n.t('Replace the data of "{0}" with this extract', name), mode: 'replace', id: 'replace' },
    );
  }
  const chosen = await services.ui.pick('publish.mode', items, { placeHolder: existing ? vscode.l10n.t('"{0}" already exists in {1}', name, where) : vscode.l10n.t('How to publish "{0}"', name) });
  if (!chosen) return undefined;
  if (existing && chosen.mode !== 'createnew' && !planConfirms) {
    const what = chosen.mode === 'append' ? vscode.l10n.t('Append to') : vscode.l10n.t('Replace');
    const question = vscode.l10n.t('{0} the {1} "{2}" in {3} on {4}?', what, kindWord(info), existing.name, where, target.profile.label);
    // Before a data source's content is replaced: the workbooks that use it (Tableau's Metadata API).
    const impact = info.kind === 'datasource' && chosen.mode !== 'append' ? await downstreamWorkbooks(client, existing.id) : undefined;
    if (impact && !impact.available) services.logger.warn(`${existing.name}: ${describeImpact(impact)}`);
    const used = impact?.available && impact.total > 0;
    const detail = [describeItem(existing), impact && !used ? describeImpact(impact) : ''].filter(Boolean).join('\n\n');
    const ok = used
      ? await services.ui.confirm('publish.overwriteImpact', `${question} ${describeImpact(impact)}`, what, { modal: true, detail: describeItem(existing) || undefined })
      : await services.ui.confirm('publish.replace', question, what, { modal: true, detail: detail || undefined });
    if (!ok) return undefined;
  }
  return chosen.mode;
}

async function askOptions(services: Services, info: PackageInfo): Promise<Set<PublishOptionId> | undefined> {
  type OptionItem = vscode.QuickPickItem & { id: PublishOptionId };
  const item: Record<PublishOptionId, () => OptionItem> = {
    showTabs: () => ({ label: vscode.l10n.t('Show sheets as tabs'), id: 'showTabs' }),
    skipConnectionCheck: () => ({ label: vscode.l10n.t('Skip the connection check'), detail: vscode.l10n.t('Publish even if Tableau cannot reach the database now'), id: 'skipConnectionCheck' }),
    asJob: () => ({ label: vscode.l10n.t('Run as a background job'), detail: vscode.l10n.t('For big files: Tableau finishes the publish in a job'), id: 'asJob', picked: info.size > 64 * 1024 * 1024 }),
    description: () => ({ label: vscode.l10n.t('Add a description…'), id: 'description' }),
    tags: () => ({ label: vscode.l10n.t('Add tags…'), detail: vscode.l10n.t('Tag the {0} once it is published', kindWord(info)), id: 'tags' }),
    moreSettings: () => ({ label: vscode.l10n.t('More settings…'), detail: vscode.l10n.t('Owner, thumbnails user or group, permission rules'), id: 'moreSettings' }),
  };
  const items = publishOptionIds(info.kind).map((id) => item[id]());
  const chosen = await pickMany(services, 'publish.options', items, { placeHolder: vscode.l10n.t('Options (press Enter to continue)') });
  return chosen && applicableOptions(info.kind, chosen.map((c) => c.id));
}
