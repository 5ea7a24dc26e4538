/**
 * Settings and permissions as code in the extension's publish flow: the manifest's options become
 * the plan's settings; before the upload every name and rule is checked (a typo publishes nothing);
 * after it, only the differences are sent, and a failed step is reported with the publish's success.
 */
import type { ContentKind } from '../../core/models';
import type { PublishRequest, PublishResult } from '../../core/publish/publisher';
import { applyTargetSettings, resolveTargetSettings, SettingsStepError, type AppliedSettings, type ResolvedSettings, type TargetSettings } from '../../core/publish/settings';
import type { TableauClient } from '../../core/api/client';
import { targetSettingsOf } from '../../core/environments/planSettings';

/** The settings a manifest target declares, or undefined when it declares none. */
export const settingsFromManifest = targetSettingsOf;

/** Before the upload: names to LUIDs, rules checked; the request gains the thumbnails user or group. */
export async function resolvePlanSettings(
  client: TableauClient,
  plan: { info: { kind: ContentKind }; request: PublishRequest; settings?: TargetSettings },
  signal: AbortSignal,
): Promise<{ resolved?: ResolvedSettings; request: PublishRequest }> {
  if (!plan.settings) return { request: plan.request };
  const resolved = await resolveTargetSettings(client, plan.info.kind, plan.settings, { signal });
  return { resolved, request: { ...plan.request, thumbnailsUserId: resolved.thumbnailsUserId, thumbnailsGroupId: resolved.thumbnailsGroupId } };
}

/** After the publish: what changed, or the step that failed (the item is published either way). */
export async function applyPlanSettings(
  client: TableauClient,
  resolved: ResolvedSettings | undefined,
  result: PublishResult,
  plan: { target: { projectId: string } },
  signal: AbortSignal,
): Promise<{ settings?: AppliedSettings; settingsError?: SettingsStepError }> {
  if (!resolved || result.mismatch) return {};
  try {
    return { settings: await applyTargetSettings(client, resolved, result.item, plan.target.projectId, { signal }) };
  } catch (e) {
    if (e instanceof SettingsStepError) return { settingsError: e };
    throw e;
  }
}
