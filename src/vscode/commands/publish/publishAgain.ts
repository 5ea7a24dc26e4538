import * as path from 'node:path';
import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { filesFromArgs } from '../../publish/fileArgs';
import { planFromTarget } from '../../publish/manifestPlans';
import { targetsFor } from '../../publish/manifestStore';
import { runPublish } from '../../publish/publishFlow';
import { type PublishOutcome, type PublishPlan, publishWithProgress } from '../../publish/publishRunner';
import { reportOutcomes } from '../../publish/report';
import { type FlowOutcome, type FlowPlan, flowPlanFromTarget, publishFlowsWithProgress, reportFlowOutcomes } from '../../publish/flowPublish';
import { isFlowFile } from '../../../core/publish/flowPublisher';

export const ID = 'tableau.publishAgain';

/** Republishes the active or selected file to its target(s) in .vscode/tableau-publish.json, in one step. */
export const command = defineCommand(ID, async (services, arg?: unknown, args?: unknown): Promise<(PublishOutcome | FlowOutcome)[] | undefined> => {
  const files = await filesFromArgs(services, arg, args, { pickIfNone: false });
  if (files.length === 0) {
    await services.ui.notify('info', vscode.l10n.t('Open or select a workbook or data source to publish it again.'));
    return undefined;
  }
  const plans: PublishPlan[] = [];
  const flowPlans: FlowPlan[] = [];
  const unknown: vscode.Uri[] = [];
  for (const f of files) {
    const targets = await targetsFor(f.fsPath);
    if (targets.length === 0) unknown.push(f);
    for (const t of targets) {
      // A target whose file is a Prep flow publishes as a flow.
      if (isFlowFile(f.fsPath)) flowPlans.push(await flowPlanFromTarget(services, t, f.fsPath, { interactive: true }));
      else plans.push(await planFromTarget(services, t, f.fsPath, { interactive: true }));
    }
  }
  if (unknown.length) {
    const publish = vscode.l10n.t('Publish…');
    const names = unknown.map((u) => path.basename(u.fsPath)).join(', ');
    const choice = await services.ui.notify('info', vscode.l10n.t('{0} has no remembered target yet.', names), publish);
    if (choice === publish) await runPublish(services, unknown);
  }
  const flowOutcomes = await publishFlowsWithProgress(services, flowPlans);
  await reportFlowOutcomes(services, flowOutcomes);
  if (plans.length === 0) return flowPlans.length ? flowOutcomes : undefined;
  const outcomes = await publishWithProgress(services, plans);
  await reportOutcomes(services, outcomes, { offerRemember: false });
  return [...flowOutcomes, ...outcomes];
}, { errorPrefix: vscode.l10n.t('Publish failed:') });
