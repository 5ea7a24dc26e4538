import * as path from 'node:path';
import * as vscode from 'vscode';
import { planLines, planSummary } from '../../../core/environments/planText';
import type { PlanItem } from '../../../core/environments/plan';
import { environmentFor, planForEnvironment } from '../../environments/environmentPlan';
import { filesFromArgs } from '../../publish/fileArgs';
import { targetsFor } from '../../publish/manifestStore';
import { defineCommand } from '../command';

export const ID = 'tableau.previewPublish';

/** Shows, in a read-only document, what Publish Again would do in the active environment; returns the plan. */
export const command = defineCommand(ID, async (services, arg?: unknown, args?: unknown): Promise<PlanItem[] | undefined> => {
  const files = await filesFromArgs(services, arg, args, { pickIfNone: true });
  const items: PlanItem[] = [];
  for (const f of files) {
    for (const t of await targetsFor(f.fsPath)) {
      const env = await environmentFor(services, t, true);
      if (!env) continue;
      items.push((await planForEnvironment(services, t, f.fsPath, env)).item);
    }
  }
  if (!items.length) {
    await services.ui.notify('info', vscode.l10n.t('No remembered target of these files goes through an environment.'));
    return undefined;
  }
  const text = [...items.flatMap((i) => [...planLines(i), '']), planSummary(items)].join('\n');
  await services.environments.showPlan(`Plan ${items[0].environment} ${path.basename(items[0].file)}`, text);
  return items;
}, { errorPrefix: vscode.l10n.t('Preview failed:') });
