import * as path from 'node:path';
import * as vscode from 'vscode';
import { PROJECT_PATH_SEPARATOR } from '../../core/display';
import { webPageOf } from '../connections/webPage';
import type { Services } from '../services/services';
import { forgetCredentials } from './dataConnectionCredentials';
import { findEntry, rememberInManifest } from './manifestStore';
import type { PublishOutcome, PublishPlan } from './publishRunner';

/**
 * Tells how a publish went: success with "Open in browser" / "Reveal in tree" (and an
 * offer to remember the target for "Publish Again"), failures in plain words with
 * "Show Log", cancellation quietly.
 */
export async function reportOutcomes(services: Services, outcomes: PublishOutcome[], opts: { offerRemember: boolean }): Promise<void> {
  const ok = outcomes.filter((o) => o.ok);
  const cancelled = outcomes.filter((o) => !o.ok && o.cancelled);
  if (cancelled.length) vscode.window.setStatusBarMessage(vscode.l10n.t('Publish cancelled: nothing more was sent.'), 5000);

  for (const o of outcomes) {
    if (o.ok || o.cancelled) continue;
    const file = path.basename(o.plan.info.path);
    const actions = [];
    if (o.plan.request.connectionCredentials?.length) {
      actions.push({ title: vscode.l10n.t('Forget saved database credentials'), run: () => forgetCredentials(services, o.plan.info.path, o.plan.info.dataConnections) });
    }
    await services.errors.show(o.error, { prefix: vscode.l10n.t('Publishing "{0}" failed:', file), actions });
  }

  // Tableau's answer named another item or project (security review finding 12): nothing from it is shown
  // or opened as if it were the file just published.
  for (const o of outcomes) {
    if (!o.ok || !o.result.mismatch) continue;
    await services.ui.notify(
      'warning',
      vscode.l10n.t('"{0}" was sent to {1}, but Tableau\'s answer is about another item; check the project on Tableau.', path.basename(o.plan.info.path), whereTo(o.plan)),
    );
  }
  // Settings and permissions: every change in the log; a step that failed after a successful publish, in a warning.
  for (const o of outcomes) {
    if (!o.ok) continue;
    for (const c of o.settings?.changes ?? []) services.logger.info(`${path.basename(o.plan.info.path)}: ${c}`);
    if (o.settingsError) await services.ui.notify('warning', o.settingsError.message);
  }
  const trusted = ok.filter((o) => o.ok && !o.result.mismatch);
  if (trusted.length === 0) return;
  const first = trusted[0];
  const where = whereTo(first.plan);
  const changes = trusted.reduce((n, o) => n + (o.ok ? (o.settings?.changes.length ?? 0) : 0), 0);
  const published =
    trusted.length === 1
      ? vscode.l10n.t('Published "{0}" to {1}.', first.result.item.name, where)
      : vscode.l10n.t('Published {0} files to {1}.', trusted.length, where);
  const text = changes ? `${published} ${vscode.l10n.t('{0} settings and permission change(s) applied (see the log).', changes)}` : published;
  const openAction = vscode.l10n.t('Open in browser');
  const revealAction = vscode.l10n.t('Reveal in tree');
  const rememberAction = vscode.l10n.t('Remember for Publish Again');
  const unremembered = opts.offerRemember ? (await Promise.all(trusted.map(async (o) => ((await findEntry(o.plan.info.path)) ? undefined : o)))).filter((o) => !!o) : [];
  const actions = [...(trusted.length === 1 ? [openAction] : []), revealAction, ...(unremembered.length ? [rememberAction] : [])];
  const chosen = await services.ui.notify('info', text, ...actions);
  const { target } = first.plan;
  if (chosen === openAction) {
    const { item, kind } = first.result;
    const page = await webPageOf(services.connections, { profile: target.profile, siteContentUrl: target.siteContentUrl, kind, id: item.id, webpageUrl: item.webpageUrl });
    await services.ui.openExternal(page.url);
  } else if (chosen === revealAction) {
    await vscode.commands.executeCommand('tableau.content.focus');
    await services.sites.reveal({ profileId: target.profile.id, siteContentUrl: target.siteContentUrl, kind: first.result.kind, id: first.result.item.id, projectId: target.projectId });
  } else if (chosen === rememberAction) {
    for (const o of unremembered) await rememberInManifest(services, o.plan);
  }
}

/** Where a plan publishes, as the messages name it: "connection · project path". */
function whereTo(plan: PublishPlan): string {
  return `${plan.target.profile.label} · ${plan.target.projectPath.join(PROJECT_PATH_SEPARATOR)}`;
}
