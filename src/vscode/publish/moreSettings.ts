/**
 * "More settings…" of Publish…: the owner, the user or group that renders thumbnails, and permission
 * rules (a grantee and one of Tableau's templates), each skippable. They become the same settings a
 * manifest target declares (owner, thumbnailsUser / thumbnailsGroup, permissions), checked before the
 * upload and applied after it by core's settings code.
 */
import * as vscode from 'vscode';
import type { TableauClient } from '../../core/api/client';
import { findGrantee, listGranteesPage } from '../../core/api/settingsApi';
import { TableauError } from '../../core/errors';
import type { ContentKind } from '../../core/models';
import type { Grantee, GranteeType, PermissionRule, PermissionTemplate } from '../../core/publish/permissionRules';
import type { TargetSettings } from '../../core/publish/settings';
import { errorText } from '../services/errors';
import type { Services } from '../services/services';
import type { PromptId, PromptItem } from '../services/ui';

/** What More settings… sets: the manifest's names for them. */
export type MoreSettings = Pick<TargetSettings, 'owner' | 'thumbnailsUser' | 'thumbnailsGroup' | 'permissions'>;

/** The users or groups listed in one pick (one page each); more are found by typing a name. */
const LISTED = 100;
/** Rules one publish flow adds at most (more belong in the manifest). */
const MAX_RULES = 20;
/** The templates Publish… offers, as core's permission rules define them. */
export const OFFERED_TEMPLATES: readonly PermissionTemplate[] = ['Viewer', 'Interactor', 'Editor'];

type GranteeItem = PromptItem & { grantee?: Grantee; other?: GranteeType; skip?: boolean };

const typeWord = (t: GranteeType): string => (t === 'group' ? vscode.l10n.t('group') : vscode.l10n.t('user'));

/** Items for a grantee pick: the skip item, the first page of each type, and "Another …" where a page did not hold them all (or could not be read). */
export async function granteeItems(services: Services, client: TableauClient, types: readonly GranteeType[], skip: PromptItem, signal?: AbortSignal): Promise<GranteeItem[]> {
  const items: GranteeItem[] = [{ ...skip, skip: true }];
  const others: GranteeItem[] = [];
  for (const type of types) {
    let complete = false;
    try {
      const page = await listGranteesPage(client, type, { pageSize: LISTED, signal });
      for (const g of page.grantees) items.push({ label: g.name, description: typeWord(type), id: `${type}:${g.name}`, grantee: g });
      complete = page.grantees.length >= page.total;
    } catch (e) {
      // Listing users may be an administrator's right: typing the name still works.
      services.logger.warn(`The ${type}s of the site could not be listed: ${errorText(e)}`);
    }
    if (!complete) others.push({ label: `$(search) ${type === 'group' ? vscode.l10n.t('Another group (type its name)…') : vscode.l10n.t('Another user (type the username)…')}`, id: type === 'group' ? 'otherGroup' : 'otherUser', other: type });
  }
  return [...items, ...others];
}

/** A grantee from a pick: undefined when cancelled, 'skip' for the skip item. A typed name that is not on the site is an error now, before anything is published. */
async function pickGrantee(services: Services, client: TableauClient, prompt: PromptId, placeHolder: string, types: readonly GranteeType[], skip: PromptItem): Promise<Grantee | 'skip' | undefined> {
  const chosen = await services.ui.pick(prompt, granteeItems(services, client, types, skip), { placeHolder, matchOnDescription: true });
  if (!chosen) return undefined;
  if (chosen.skip) return 'skip';
  if (chosen.grantee) return chosen.grantee;
  const type = chosen.other!;
  const name = (await services.ui.input('publish.granteeName', { prompt: type === 'group' ? vscode.l10n.t('Name of the group') : vscode.l10n.t('Username') }))?.trim();
  if (!name) return undefined;
  const found = await findGrantee(client, type, name);
  if (!found) throw new TableauError({ reason: 'notFound', message: `There is no ${type} named "${name}" on the site. Nothing was published.` });
  return found;
}

/**
 * Asks the owner, the thumbnails user or group (workbooks) and permission rules. Undefined when
 * the user cancels; an empty object when every step was kept as is.
 */
export async function askMoreSettings(services: Services, client: TableauClient, kind: ContentKind, name: string): Promise<MoreSettings | undefined> {
  const out: MoreSettings = {};
  const owner = await pickGrantee(services, client, 'publish.owner', vscode.l10n.t('Owner of "{0}"', name), ['user'], { label: vscode.l10n.t('Keep as is'), description: vscode.l10n.t('you, or the owner it has'), id: 'keep' });
  if (!owner) return undefined;
  if (owner !== 'skip') out.owner = owner.name;
  if (kind === 'workbook') {
    const thumbs = await pickGrantee(services, client, 'publish.thumbnails', vscode.l10n.t('Render the thumbnails of "{0}" as which user or group?', name), ['user', 'group'], { label: vscode.l10n.t('Keep as is'), id: 'keep' });
    if (!thumbs) return undefined;
    if (thumbs !== 'skip') out[thumbs.type === 'group' ? 'thumbnailsGroup' : 'thumbnailsUser'] = thumbs.name;
  }
  const rules: PermissionRule[] = [];
  while (rules.length < MAX_RULES) {
    const skip = { label: rules.length ? vscode.l10n.t('No more permission rules') : vscode.l10n.t('No permission rules'), id: 'none' };
    const who = await pickGrantee(services, client, 'publish.permissionGrantee', vscode.l10n.t('Permissions of "{0}": for which group or user?', name), ['group', 'user'], skip);
    if (!who) return undefined;
    if (who === 'skip') break;
    const template = await services.ui.pick(
      'publish.permissionTemplate',
      OFFERED_TEMPLATES.map((t) => ({ label: t, id: t, template: t })),
      { placeHolder: vscode.l10n.t('What may {0} "{1}" do?', typeWord(who.type), who.name) },
    );
    if (!template) return undefined;
    rules.push({ [who.type]: who.name, template: template.template });
  }
  if (rules.length) out.permissions = rules;
  return out;
}
