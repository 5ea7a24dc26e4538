import * as vscode from 'vscode';
import { type PackageInfo, inspectPackage } from '../../core/package/inspect';
import type { Services } from '../services/services';
import { credentialsFor } from './dataConnectionCredentials';
import { askChoices } from './publishOptions';
import { type PublishOutcome, type PublishPlan, publishWithProgress } from './publishRunner';
import { inspectFiles } from './inspectFiles';
import { reportOutcomes } from './report';
import { type PublishPreset, pickTarget, rememberLastTarget } from './target';
import { activeEnvironmentFor, planChosenForEnvironment } from '../environments/environmentPublish';
import { confirmsOverwrite } from '../environments/environmentPlan';

/** Inspects files; refusals are told in plain words, the accepted ones returned. */
export function inspectAll(services: Services, files: readonly vscode.Uri[]): Promise<PackageInfo[]> {
  return inspectFiles(services, files, inspectPackage, (info) => info.warnings);
}

/**
 * The interactive "Publish to Tableau..." flow: inspect, target, name/mode/options per
 * file, database credentials, publish with progress, report. Returns the outcomes
 * (undefined when the user stopped before publishing).
 */
export async function runPublish(services: Services, files: readonly vscode.Uri[], preset?: PublishPreset): Promise<PublishOutcome[] | undefined> {
  try {
    const infos = await inspectAll(services, files);
    if (infos.length === 0) return undefined;
    // An active environment (with no project chosen in the tree) says where and how: its connection, site and rules.
    const environment = preset ? undefined : await activeEnvironmentFor(services, infos.map((i) => i.path));
    const target = await pickTarget(services, environment?.preset ?? preset);
    if (!target) return undefined;
    const plans: PublishPlan[] = [];
    // An ActiveEnvironment exists only where its manifest defines it.
    const planConfirms = !!environment && confirmsOverwrite(environment.name, environment.manifest.environments![environment.name]);
    for (const info of infos) {
      const chosen = await askChoices(services, info, target, infos.length === 1, { planConfirms });
      if (!chosen) return undefined;
      if (environment) {
        plans.push(await planChosenForEnvironment(services, environment, info, target.projectPath, chosen));
        continue;
      }
      const { settings, ...choices } = chosen;
      const connectionCredentials = await credentialsFor(services, info.path, info.dataConnections, { interactive: true });
      if (!connectionCredentials) return undefined;
      plans.push({
        info,
        target,
        request: {
          filePath: info.path,
          projectId: target.projectId,
          connectionCredentials: connectionCredentials.length ? connectionCredentials : undefined,
          ...choices,
        },
        // Owner, thumbnails and permissions from More settings…: checked before the upload, applied after it as a manifest target's.
        settings,
      });
    }
    await rememberLastTarget(services, target);
    const outcomes = await publishWithProgress(services, plans);
    await reportOutcomes(services, outcomes, { offerRemember: true });
    return outcomes;
  } catch (e) {
    await services.errors.show(e, { prefix: vscode.l10n.t('Publish failed:') });
    return undefined;
  }
}
