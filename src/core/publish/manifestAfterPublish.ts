/**
 * The manifest options of the steps around a publish (`options.refresh`, `options.checkViews`,
 * `options.failOnImpact`), validated apart so manifest.ts only spreads them in.
 */
import { TableauError } from '../errors';

export interface AfterPublishManifestOptions {
  /** Refresh the extract right after publishing and wait for the job. */
  refresh?: boolean;
  /** Workbooks: render each published view; one that cannot render fails the step. */
  checkViews?: boolean;
  /** Data sources: refuse to overwrite one that workbooks use (Metadata API). */
  failOnImpact?: boolean;
}

export const AFTER_PUBLISH_OPTION_KEYS: readonly (keyof AfterPublishManifestOptions)[] = ['refresh', 'checkViews', 'failOnImpact'];

/** The after-publish options of one target's `options` object (`at` names it in errors, e.g. `$.targets[0].options`). */
export function afterPublishOptions(o: Record<string, unknown>, at: string, manifestPath: string): AfterPublishManifestOptions {
  const out: AfterPublishManifestOptions = {};
  for (const k of AFTER_PUBLISH_OPTION_KEYS) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new TableauError({ reason: 'invalidArgument', message: `${manifestPath}: ${at}.${k} must be true or false.` });
    out[k] = v;
  }
  return out;
}
