import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { clientLookup } from '../../../core/environments/lookup';
import { planItem } from '../../../core/environments/plan';
import { planLines } from '../../../core/environments/planText';
import { downloadItem, promotedTag, promotionTarget, targetOf, type SourceItem } from '../../../core/environments/promotion';
import { hostsOf, resolveTarget } from '../../../core/environments/resolve';
import { cancelled, TableauError } from '../../../core/errors';
import { inspectPackage } from '../../../core/package/inspect';
import { formatProjectPath } from '../../../core/publish/projectPath';
import { publishPlanFor, vscodeSecrets } from '../../environments/environmentPlan';
import { workspaceManifests } from '../../environments/environmentState';
import { type PublishOutcome, publishWithProgress } from '../../publish/publishRunner';
import { reportOutcomes } from '../../publish/report';
import { toAbortSignal } from '../../services/cancellation';
import { defineCommand } from '../command';
import { resolveRef } from '../content/itemRef';

export const ID = 'tableau.promote';

/**
 * Promote to…: a workbook or data source of the tree, downloaded and published to another
 * environment of the workspace manifest with that environment's rules, after the plan is shown
 * in a modal; the copy is tagged promoted-from-<source environment> (the tree shows it).
 */
export const command = defineCommand(ID, async (services, node?: unknown, toArg?: unknown): Promise<PublishOutcome[] | undefined> => {
  const ref = await resolveRef(services, node, ['workbook', 'datasource'], { placeHolder: vscode.l10n.t('Promote which workbook or data source?') });
  if (!ref || (ref.kind !== 'workbook' && ref.kind !== 'datasource')) return undefined;
  const manifest = (await workspaceManifests()).find((m) => Object.keys(m.environments ?? {}).length > 1);
  if (!manifest?.environments) throw new TableauError({ reason: 'notFound', message: 'The workspace manifest defines no environments to promote between (version 2 "environments").' });
  const envs = manifest.environments;
  // The source environment is the one whose connection and site the item is on (none: no source hosts to check).
  const from = Object.keys(envs).find((n) => envs[n].connection === ref.profile.label && envs[n].site === ref.siteContentUrl);
  const choices = Object.keys(envs).filter((n) => n !== from);
  let to = typeof toArg === 'string' && choices.includes(toArg) ? toArg : undefined;
  if (!to) {
    const picked = await services.ui.pick('environment.promoteTarget', choices.map((n) => ({ id: n, label: n, description: envs[n].site || vscode.l10n.t('Default site') })), { placeHolder: vscode.l10n.t('Promote "{0}" to which environment?', ref.name) });
    if (!picked?.id) throw cancelled();
    to = picked.id;
  }
  // Tableau's Download takes ?includeExtract=false: a smaller download, and the copy has no extract until refreshed.
  const extract = await services.ui.pick(
    'promote.extract',
    [
      { id: 'include', label: vscode.l10n.t('With extracts'), description: vscode.l10n.t('the copy has the data as it is now') },
      { id: 'exclude', label: vscode.l10n.t('Without extracts'), description: vscode.l10n.t('a smaller download; refresh the copy on {0}', to) },
    ],
    { placeHolder: vscode.l10n.t('Promote "{0}" with its extracts?', ref.name) },
  );
  if (!extract?.id) throw cancelled();
  const toEnv = envs[to];
  const profile = toEnv.connection ? services.connections.findByLabel(toEnv.connection) : undefined;
  if (!profile) throw new TableauError({ reason: 'notFound', message: `Environment "${to}" uses the connection "${toEnv.connection ?? ''}", which is not one of your Tableau connections.` });
  const source: SourceItem = { kind: ref.kind, id: ref.id, name: ref.name, projectPath: formatProjectPath(ref.projectPath ?? []) };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tableau-promote-'));
  try {
    const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Promoting "{0}" to {1}…', ref.name, to), cancellable: true }, async (_p, token) => {
      const signal = toAbortSignal(token);
      const srcClient = await services.connections.getClient(ref.profile.id, { siteContentUrl: ref.siteContentUrl, purpose: 'download', signal });
      const file = await downloadItem(srcClient, source, dir, { includeExtract: extract.id === 'include', signal });
      const t = from ? targetOf(manifest, from, source) : undefined;
      const r = promotionTarget(manifest, to, from ? envs[from] : undefined, source, t);
      const sourceHosts = hostsOf([...(from ? envs[from].dataConnections ?? [] : []), ...(t && from ? resolveTarget(manifest, from, t).rules : [])]);
      const dstClient = await services.connections.getClient(profile.id, { siteContentUrl: toEnv.site, purpose: 'publish', signal });
      const info = await inspectPackage(file);
      const o = r.options;
      const item = await planItem(
        {
          file, kind: info.kind, dataConnections: info.dataConnections, environment: to, server: profile.serverUrl, site: toEnv.site, projectPath: r.projectPath,
          name: r.name ?? ref.name, mode: r.mode, createProjects: toEnv.createProjects ?? false, tags: [...new Set([...(o.tags ?? []), promotedTag(from ?? ref.profile.label)])],
          description: o.description, hiddenViews: o.hiddenViews, showTabs: o.showTabs, rules: r.rules, sharedRules: r.sharedRules, secrets: vscodeSecrets, sourceHosts,
        },
        clientLookup(dstClient),
        signal,
      );
      return { item, profile, manifest, options: o };
    });
    // Promotion is deliberate and crosses environments: the plan is always shown first.
    const ok = await services.ui.confirm('promote.confirm', vscode.l10n.t('Promote "{0}" to {1}?', ref.name, to), vscode.l10n.t('Promote'), { modal: true, detail: planLines(plan.item).join('\n') });
    if (!ok) throw cancelled();
    const publishPlan = await publishPlanFor(services, plan, true, undefined, { confirmed: true });
    const outcomes = await publishWithProgress(services, [publishPlan]);
    await reportOutcomes(services, outcomes, { offerRemember: false });
    return outcomes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, { errorPrefix: vscode.l10n.t('Promote failed:') });
