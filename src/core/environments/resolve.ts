/**
 * From a manifest, an environment name and a target to what the plan needs: server, site,
 * the project path under the environment's root, name, mode, options and rules, merged in
 * one order everywhere (environment, then target, then the target's entry for the environment).
 */
import type { DataConnectionRule } from '../connections/rules';
import { TableauError } from '../errors';
import type { PublishMode } from '../models';
import type { ManifestEnvironment, ManifestOptions, ManifestTarget, PublishManifest } from '../publish/manifest';
import { formatProjectPath, splitProjectPath } from '../publish/projectPath';
import { DEFAULT_ENV_PREFIX } from './definitions';

export interface ResolvedTarget {
  environment: string;
  env: ManifestEnvironment;
  projectPath: string;
  name?: string;
  mode: PublishMode;
  options: ManifestOptions;
  rules: DataConnectionRule[];
  sharedRules: DataConnectionRule[];
}

/** The environment named `name`, or an error listing the ones the manifest has. */
export function environmentOf(manifest: PublishManifest | undefined, name: string): ManifestEnvironment {
  const env = manifest?.environments?.[name];
  if (!env) {
    const known = Object.keys(manifest?.environments ?? {});
    throw new TableauError({
      reason: 'invalidArgument',
      message: known.length ? `Unknown environment "${name}": the manifest has ${known.join(', ')}.` : `Unknown environment "${name}": the manifest defines no environments (version 2 "environments").`,
    });
  }
  return env;
}

/** `root / path`, each written as people write project paths. */
export function underRoot(root: string | undefined, projectPath: string): string {
  return root ? formatProjectPath([...splitProjectPath(root), ...splitProjectPath(projectPath)]) : projectPath;
}

/** `path` with `root /` taken off its front (case-insensitive), or undefined when it is not under root. */
export function relativeToRoot(root: string | undefined, projectPath: string): string | undefined {
  if (!root) return projectPath;
  const r = splitProjectPath(root);
  const p = splitProjectPath(projectPath);
  if (p.length <= r.length || r.some((x, i) => x.toLowerCase() !== p[i].toLowerCase())) return undefined;
  return formatProjectPath(p.slice(r.length));
}

export function resolveTarget(manifest: PublishManifest, environment: string, target: ManifestTarget): ResolvedTarget {
  const env = environmentOf(manifest, environment);
  const o = target.environments?.[environment] ?? {};
  return {
    environment,
    env,
    projectPath: underRoot(env.projectRoot, o.project ?? target.project),
    name: o.name ?? target.name,
    mode: o.mode ?? target.mode,
    options: { ...env.options, ...target.options, ...o.options },
    rules: o.dataConnections ?? target.dataConnections ?? [],
    sharedRules: env.dataConnections ?? [],
  };
}

/** The variables an environment's CLI credentials come from: TABLEAU_* renamed to the environment's prefix. */
export function environmentVariables(env: Pick<ManifestEnvironment, 'envPrefix'>, vars: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const prefix = env.envPrefix ?? DEFAULT_ENV_PREFIX;
  if (prefix === DEFAULT_ENV_PREFIX) return vars;
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(vars)) {
    // Proxies, CA file and the rest stay as they are; only the Tableau credentials and server are the environment's own.
    if (!k.startsWith(DEFAULT_ENV_PREFIX)) out[k] = v;
    else if (k === 'TABLEAU_CA_FILE') out[k] = v;
  }
  for (const [k, v] of Object.entries(vars)) if (k.startsWith(prefix)) out[DEFAULT_ENV_PREFIX + k.slice(prefix.length)] = v;
  return out;
}

/** The rules' sources hosts: where an environment's rules send connections (promotion checks none is left pointing there). */
export function hostsOf(rules: readonly DataConnectionRule[]): string[] {
  return [...new Set(rules.flatMap((r) => (r.set?.server ? [r.set.server.toLowerCase()] : [])))];
}
