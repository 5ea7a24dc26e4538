import * as path from 'node:path';
import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { planFromTarget } from '../../publish/manifestPlans';
import { allTargets, filesOf } from '../../publish/manifestStore';
import { type PublishOutcome, type PublishPlan, publishWithProgress } from '../../publish/publishRunner';
import { reportOutcomes } from '../../publish/report';
import { type FlowOutcome, type FlowPlan, flowPlanFromTarget, publishFlowsWithProgress, reportFlowOutcomes } from '../../publish/flowPublish';
import { isFlowFile } from '../../../core/publish/flowPublisher';

export const ID = 'tableau.publishAll';

/** Publishes every entry of the workspace's tableau-publish.json (globs expanded). */
export const command = defineCommand(ID, async (services): Promise<(PublishOutcome | FlowOutcome)[] | undefined> => {
  const targets = await allTargets();
  if (targets.length === 0) {
    await services.ui.notify('info', vscode.l10n.t('No remembered targets: publish a file and choose "Remember for Publish Again" first.'));
    return undefined;
  }
  const plans: PublishPlan[] = [];
  const flowPlans: FlowPlan[] = [];
  const missing: string[] = [];
  for (const t of targets) {
    const files = await filesOf(t);
    if (files.length === 0) missing.push(t.target.file);
    for (const f of files) {
      // A target whose file is a Prep flow publishes as a flow.
      if (isFlowFile(f)) flowPlans.push(await flowPlanFromTarget(services, t, f, { interactive: true }));
      else plans.push(await planFromTarget(services, t, f, { interactive: true }));
    }
  }
  if (missing.length) services.logger.warn(`tableau-publish.json entries with no file: ${missing.join(', ')}`);
  if (plans.length === 0 && flowPlans.length === 0) {
    await services.ui.notify('warning', vscode.l10n.t('None of the remembered files exist: {0}', missing.join(', ')));
    return undefined;
  }
  const flowOutcomes = await publishFlowsWithProgress(services, flowPlans);
  await reportFlowOutcomes(services, flowOutcomes);
  const outcomes = plans.length ? await publishWithProgress(services, plans) : [];
  if (plans.length) await reportOutcomes(services, outcomes, { offerRemember: false });
  const failed = [...flowOutcomes, ...outcomes].filter((o) => !o.ok && !o.cancelled).map((o) => path.basename(o.plan.info.path));
  if (failed.length) services.logger.warn(`Publish all: failed ${failed.join(', ')}`);
  return [...flowOutcomes, ...outcomes];
}, { errorPrefix: vscode.l10n.t('Publish failed:') });
