import * as path from 'node:path';
import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { filesFromArgs } from '../../publish/fileArgs';
import { planFromTarget } from '../../publish/manifestPlans';
import { targetsFor } from '../../publish/manifestStore';
import { runPublish } from '../../publish/publishFlow';
import { type PublishOutcome, type PublishPlan, publishWithProgress } from '../../publish/publishRunner';
import { reportOutcomes } from '../../publish/report';

export const ID = 'tableau.publishAgain';

/** Republishes the active or selected file to its target(s) in .vscode/tableau-publish.json, in one step. */
export const command = defineCommand(ID, async (services, arg?: unknown, args?: unknown): Promise<PublishOutcome[] | undefined> => {
  const files = await filesFromArgs(services, arg, args, { pickIfNone: false });
  if (files.length === 0) {
    await services.ui.notify('info', vscode.l10n.t('Open or select a workbook or data source to publish it again.'));
    return undefined;
  }
  const plans: PublishPlan[] = [];
  const unknown: vscode.Uri[] = [];
  for (const f of files) {
    const targets = await targetsFor(f.fsPath);
    if (targets.length === 0) unknown.push(f);
    for (const t of targets) plans.push(await planFromTarget(services, t, f.fsPath, { interactive: true }));
  }
  if (unknown.length) {
    const publish = vscode.l10n.t('Publish…');
    const names = unknown.map((u) => path.basename(u.fsPath)).join(', ');
    const choice = await services.ui.notify('info', vscode.l10n.t('{0} has no remembered target yet.', names), publish);
    if (choice === publish) await runPublish(services, unknown);
  }
  if (plans.length === 0) return undefined;
  const outcomes = await publishWithProgress(services, plans);
  await reportOutcomes(services, outcomes, { offerRemember: false });
  return outcomes;
}, { errorPrefix: vscode.l10n.t('Publish failed:') });
