/**
 * Environments (manifest version 2): named places the same content goes (dev, test, prod),
 * each with its own server, site, project root and data connection rules, and the overrides
 * a target takes per environment. Generic over the options block, which manifest.ts owns.
 */
import type { DataConnectionRule } from '../connections/rules';
import type { PublishMode } from '../models';
import { bad, bool, checkKeys, compact, isObj, str } from '../publish/manifestValues';
import { ENV_VAR_NAME, validateRules } from './ruleValidation';

/** What a target may set differently in one environment. */
export interface TargetOverrides<O> {
  project?: string;
  name?: string;
  mode?: PublishMode;
  options?: O;
  dataConnections?: DataConnectionRule[];
}

export interface EnvironmentDefinition<O> {
  /** The saved connection (by label) VS Code publishes with. */
  connection?: string;
  /** The server the CLI signs in to; without it, the variable `<envPrefix>SERVER`. */
  server?: string;
  /**
   * The prefix of the environment variables holding the CLI's credentials, in place of "TABLEAU_":
   * "TABLEAU_PROD_" reads TABLEAU_PROD_PAT_NAME + TABLEAU_PROD_PAT_SECRET (or _USERNAME + _PASSWORD,
   * or the _CONNECTED_APP_* set). Default "TABLEAU_": the variables a run without environments reads.
   */
  envPrefix?: string;
  /** Site content URL ("" for the default site). */
  site: string;
  /** Target project paths are relative to this project path. */
  projectRoot?: string;
  /** Show the plan and ask before overwriting anything here (default: true when the name contains "prod"). */
  confirm?: boolean;
  /** Create the target project when it is missing (default false: a missing project fails the plan). */
  createProjects?: boolean;
  /** Options for every target published here (a target's own options win). */
  options?: O;
  /** Rules for every target published here; one that matches none of a file's connections is skipped for that file. */
  dataConnections?: DataConnectionRule[];
}

export const DEFAULT_ENV_PREFIX = 'TABLEAU_';
const MODES: PublishMode[] = ['createnew', 'overwrite', 'append', 'replace'];
const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const ENVIRONMENT_KEYS = ['connection', 'server', 'envPrefix', 'site', 'projectRoot', 'confirm', 'createProjects', 'options', 'dataConnections'];
export const OVERRIDE_KEYS = ['project', 'name', 'mode', 'options', 'dataConnections'];

type OptionsValidator<O> = (o: unknown, at: string) => O;

/** Whether Publish asks before overwriting in an environment. */
export function needsConfirm(name: string, env: Pick<EnvironmentDefinition<unknown>, 'confirm'>): boolean {
  return env.confirm ?? /prod/i.test(name);
}

function environmentName(name: string, at: string): void {
  if (!ENV_NAME.test(name)) throw bad(`${at}.${name}`, 'is not an environment name (letters, digits, "_", "-" or ".", at most 64).');
}

export function validateEnvironments<O>(v: unknown, at: string, options: OptionsValidator<O>): Record<string, EnvironmentDefinition<O>> {
  if (!isObj(v)) throw bad(at, 'must be an object mapping environment names to their settings.');
  const out: Record<string, EnvironmentDefinition<O>> = {};
  for (const [name, e] of Object.entries(v)) {
    environmentName(name, at);
    const eat = `${at}.${name}`;
    if (!isObj(e)) throw bad(eat, 'must be an object.');
    checkKeys(e, ENVIRONMENT_KEYS, eat);
    const envPrefix = str(e, 'envPrefix', eat, false);
    if (envPrefix !== undefined && !ENV_VAR_NAME.test(envPrefix)) throw bad(`${eat}.envPrefix`, 'must be the start of an environment variable name (letters, digits, _).');
    out[name] = compact({
      connection: str(e, 'connection', eat, false),
      server: str(e, 'server', eat, false),
      envPrefix,
      site: str(e, 'site', eat, true, true)!,
      projectRoot: str(e, 'projectRoot', eat, false),
      confirm: bool(e, 'confirm', eat),
      createProjects: bool(e, 'createProjects', eat),
      options: e.options === undefined ? undefined : options(e.options, `${eat}.options`),
      dataConnections: e.dataConnections === undefined ? undefined : validateRules(e.dataConnections, `${eat}.dataConnections`),
    });
  }
  return out;
}

export function validateMode(t: Record<string, unknown>, at: string, required: boolean): PublishMode | undefined {
  const mode = str(t, 'mode', at, required) as PublishMode | undefined;
  if (mode !== undefined && !MODES.includes(mode)) throw bad(`${at}.mode`, `must be one of ${MODES.join(', ')}.`);
  return mode;
}

export function validateOverrides<O>(v: unknown, at: string, options: OptionsValidator<O>): Record<string, TargetOverrides<O>> {
  if (!isObj(v)) throw bad(at, 'must be an object mapping environment names to overrides.');
  const out: Record<string, TargetOverrides<O>> = {};
  for (const [name, o] of Object.entries(v)) {
    environmentName(name, at);
    const oat = `${at}.${name}`;
    if (!isObj(o)) throw bad(oat, 'must be an object.');
    checkKeys(o, OVERRIDE_KEYS, oat);
    out[name] = compact({
      project: str(o, 'project', oat, false),
      name: str(o, 'name', oat, false),
      mode: validateMode(o, oat, false),
      options: o.options === undefined ? undefined : options(o.options, `${oat}.options`),
      dataConnections: o.dataConnections === undefined ? undefined : validateRules(o.dataConnections, `${oat}.dataConnections`),
    });
  }
  return out;
}
