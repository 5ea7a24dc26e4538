/**
 * The plan of a publish to an environment: where each file goes, whether that creates or
 * overwrites, how its data connections change and by which route, which hosts get an embedded
 * login, and everything that would fail, found before a byte is uploaded. Pure apart from the
 * lookups it is given, so the CLI's `plan`, its `publish --env`, `promote` and VS Code's
 * preview all decide the same way.
 */
import type { DownstreamImpact } from '../api/metadata';
import { describeMatch, matchConnectionRules, REST_CHANGEABLE, ruleMatches, type ChangeRoute, type ConnectionChange, type DataConnectionRule, type SecretReference } from '../connections/rules';
import { TableauError } from '../errors';
import type { ContentKind, PublishMode } from '../models';
import type { DataConnection } from '../package/tableauXml';
import { noExtractMessage } from '../publish/afterPublish';
import type { TargetSettings } from '../publish/settings';
import { impactRefusal, replacesContent, settingsProblem, type SettingsPlan } from './planSettings';

export type PlanProblemCode =
  | 'ruleMatchesNothing'
  | 'rulesOverlap'
  | 'unknownEnvironment'
  | 'missingSecret'
  | 'restFieldNotChangeable'
  | 'publishedDataSourceMissing'
  | 'sourceHostRemains'
  | 'projectMissing'
  | 'itemExists'
  | 'invalidFile'
  | 'optionNotApplied'
  /** A user or group the settings name (owner, thumbnails, permission grantee) is not on the site. */
  | 'unknownGrantee'
  /** A setting Tableau would refuse (a capability the content type does not have, thumbnails user and group). */
  | 'invalidSetting'
  /** failOnImpact, and workbooks use the data source the publish would overwrite. */
  | 'impactRefused'
  /** refresh, and the file has no extract. */
  | 'nothingToRefresh';

export interface PlanProblem {
  code: PlanProblemCode;
  message: string;
}

type ConnectionFields = Partial<Record<keyof ConnectionChange, string>>;

export interface ConnectionChangePlan {
  /** Index of the connection among the file's data connections. */
  connection: number;
  class: string;
  from: ConnectionFields;
  to: ConnectionFields;
  route: ChangeRoute;
  why: string;
  /** 1-based number of the rule in the item's rule list. */
  rule: number;
}

export interface CredentialPlan {
  host: string;
  username: string;
  /** Where the password comes from ("environment variable X", "VS Code secret Y"); never the password. */
  passwordFrom: string;
  embed: boolean;
  rule: number;
}

export interface PlanItem {
  file: string;
  kind: ContentKind;
  environment: string;
  target: { server: string; site: string; project: string; name: string };
  mode: PublishMode;
  /** Whether an item of that name is in the project; undefined when the project is missing. */
  exists?: boolean;
  action: 'create' | 'overwrite' | 'append' | 'replace' | 'refused';
  project: { exists: boolean; willCreate: boolean };
  connections: ConnectionChangePlan[];
  credentials: CredentialPlan[];
  tags?: string[];
  description?: string;
  hiddenViews?: string[];
  showTabs?: boolean;
  /** Owner, thumbnails, tag and permission changes, when the target declares settings. */
  settings?: SettingsPlan;
  /** Overwriting a data source: the workbooks that use it (or why the Metadata API could not say). */
  impact?: DownstreamImpact;
  /** Steps after the upload, in order. */
  afterPublish?: ('refresh' | 'checkViews')[];
  /** The rules the publish applies, in order (credentials' passwords by index into this list). */
  rules: DataConnectionRule[];
  problems: PlanProblem[];
}

/** What the plan asks of the target server. */
export interface PlanLookup {
  projectExists(projectPath: string, signal?: AbortSignal): Promise<boolean>;
  itemExists(kind: ContentKind, projectPath: string, name: string, signal?: AbortSignal): Promise<boolean>;
  dataSourceExists(name: string, signal?: AbortSignal): Promise<boolean>;
  /** What the settings would change on the item (`projectPath` undefined: the project is missing). Throws for an unknown name or a bad rule. */
  settings(kind: ContentKind, settings: TargetSettings, projectPath: string | undefined, name: string, signal?: AbortSignal): Promise<SettingsPlan>;
  /** The workbooks that use the data source of that name in that project; undefined when there is none. */
  impact(projectPath: string, name: string, signal?: AbortSignal): Promise<DownstreamImpact | undefined>;
}

/** Where passwords come from: the CLI's environment variables, VS Code's SecretStorage. */
export interface SecretSource {
  /** undefined when the password is there; else what is missing, for the message. */
  missing(ref: SecretReference): string | undefined;
  describe(ref: SecretReference): string;
}

export interface PlanInput {
  file: string;
  kind: ContentKind;
  /** The file's data connections (inspectPackage). */
  dataConnections: readonly DataConnection[];
  environment: string;
  server: string;
  site: string;
  projectPath: string;
  name: string;
  mode: PublishMode;
  createProjects: boolean;
  tags?: string[];
  description?: string;
  hiddenViews?: string[];
  showTabs?: boolean;
  /** Settings and permissions as code (owner, thumbnails, tags, permission rules). */
  settings?: TargetSettings;
  afterPublish?: { refresh?: boolean; checkViews?: boolean; failOnImpact?: boolean };
  /** Whether the file carries an extract (fileShowsExtract): false refuses a refresh. */
  hasExtract?: boolean;
  /** The target's rules: each must match a connection of the file. */
  rules: readonly DataConnectionRule[];
  /** The environment's rules: applied where they match, skipped where they don't, and never over a target rule. */
  sharedRules?: readonly DataConnectionRule[];
  secrets: SecretSource;
  /** Hosts of the environment the content comes from (promotion): no connection may still point at one. */
  sourceHosts?: readonly string[];
}

const FIELDS: (keyof ConnectionChange)[] = ['server', 'port', 'dbname', 'warehouse', 'schema', 'username', 'publishedDataSource'];

function fieldsOf(c: DataConnection): ConnectionFields {
  const out: ConnectionFields = {};
  for (const k of FIELDS) if (c[k] !== undefined) out[k] = c[k];
  return out;
}

/** The shared rules that apply to this file: those matching a connection no target rule matches. */
function effectiveRules(conns: readonly DataConnection[], rules: readonly DataConnectionRule[], shared: readonly DataConnectionRule[]): DataConnectionRule[] {
  const taken = (c: DataConnection): boolean => rules.some((r) => ruleMatches(r.match, c));
  const kept = shared.filter((r) => conns.some((c) => ruleMatches(r.match, c) && !taken(c)));
  return [...kept, ...rules];
}

function sameHost(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Plans one file's publish to one environment. */
export async function planItem(input: PlanInput, lookup: PlanLookup, signal?: AbortSignal): Promise<PlanItem> {
  const problems: PlanProblem[] = [];
  const rules = effectiveRules(input.dataConnections, input.rules, input.sharedRules ?? []);
  const connections: ConnectionChangePlan[] = [];
  const credentials: CredentialPlan[] = [];
  const after = input.dataConnections.map((c) => ({ ...c }));
  let matches: ReturnType<typeof matchConnectionRules> = [];
  try {
    matches = matchConnectionRules(input.dataConnections, rules);
  } catch (e) {
    if (!TableauError.is(e)) throw e;
    problems.push({ code: /both match/.test(e.message) ? 'rulesOverlap' : 'ruleMatchesNothing', message: e.message });
    // The rules that do match are still shown: the plan says all that is wrong at once.
    matches = rules.flatMap((rule, ruleIndex) => {
      const hits = input.dataConnections.flatMap((c, i) => (ruleMatches(rule.match, c) ? [i] : []));
      return hits.length ? [{ rule, ruleIndex, connections: hits }] : [];
    });
  }
  for (const m of matches) {
    const { rule } = m;
    const n = m.ruleIndex + 1;
    const route: ChangeRoute = rule.via ?? 'file';
    const set = rule.set ?? {};
    const setKeys = (Object.keys(set) as (keyof ConnectionChange)[]).filter((k) => set[k] !== undefined);
    if (route === 'rest') {
      const refused = setKeys.filter((k) => !REST_CHANGEABLE.has(k));
      if (refused.length) {
        problems.push({
          code: 'restFieldNotChangeable',
          message: `Data connection rule ${n} asks "via": "rest" for ${refused.join(', ')}, which Tableau's Update Connection call cannot change (it sets server, port, username and password); use "via": "file".`,
        });
      }
    }
    const hostStays = rule.match.server !== undefined && setKeys.some((k) => k !== 'username') && (set.server === undefined || sameHost(set.server, rule.match.server));
    if (hostStays) {
      problems.push({
        code: 'sourceHostRemains',
        message: `Data connection rule ${n} (${describeMatch(rule.match)}) changes the connection but leaves it on ${rule.match.server}, the host it matched; set "server" to this environment's host.`,
      });
    }
    for (const i of m.connections) {
      const c = input.dataConnections[i];
      const from = fieldsOf(c);
      const to: ConnectionFields = {};
      for (const k of setKeys) {
        if (set[k] !== from[k]) to[k] = set[k];
        (after[i] as unknown as Record<string, string | undefined>)[k] = set[k];
      }
      if (Object.keys(to).length) {
        const why = route === 'rest'
          ? 'the rule asks for Tableau\'s Update Connection call after publish ("via": "rest")'
          : 'rewritten in the file before upload, so the published item never points at the old values';
        connections.push({ connection: i, class: c.class, from: Object.fromEntries(Object.keys(to).map((k) => [k, from[k as keyof ConnectionFields]])), to, route, why, rule: n });
      }
      if (rule.credentials) {
        const host = set.server ?? c.server ?? '';
        const ref = rule.credentials.password;
        credentials.push({ host, username: rule.credentials.username, passwordFrom: input.secrets.describe(ref), embed: rule.credentials.embed ?? true, rule: n });
      }
    }
    if (rule.credentials) {
      const missing = input.secrets.missing(rule.credentials.password);
      if (missing) problems.push({ code: 'missingSecret', message: `Data connection rule ${n}: the password of ${rule.credentials.username} is missing: ${missing}.` });
    }
  }
  const sourceHosts = input.sourceHosts ?? [];
  after.forEach((c, i) => {
    const left = sourceHosts.find((h) => sameHost(c.server, h));
    if (left) {
      problems.push({
        code: 'sourceHostRemains',
        message: `Data connection ${i + 1} (${c.class}) would still point at ${left}, a host of the environment the content comes from; add a rule for it in "${input.environment}".`,
      });
    }
  });

  const projectExists = await lookup.projectExists(input.projectPath, signal);
  if (!projectExists && !input.createProjects) {
    problems.push({ code: 'projectMissing', message: `Project "${input.projectPath}" does not exist on site "${input.site}" and environment "${input.environment}" does not create projects ("createProjects": true would).` });
  }
  const exists = projectExists ? await lookup.itemExists(input.kind, input.projectPath, input.name, signal) : undefined;
  const pds = new Set(after.filter((c) => c.class === 'sqlproxy' && c.publishedDataSource).map((c) => c.publishedDataSource!));
  for (const name of pds) {
    if (!(await lookup.dataSourceExists(name, signal))) {
      problems.push({ code: 'publishedDataSourceMissing', message: `The published data source "${name}" does not exist on site "${input.site}": publish it there first, or point the connection at another with a rule.` });
    }
  }
  if (exists && input.mode === 'createnew') {
    problems.push({ code: 'itemExists', message: `"${input.name}" already exists in "${input.projectPath}" and the mode is createnew; use "overwrite".` });
  }
  let settings: SettingsPlan | undefined;
  if (input.settings) {
    try {
      settings = await lookup.settings(input.kind, input.settings, projectExists ? input.projectPath : undefined, input.name, signal);
    } catch (e) {
      const p = settingsProblem(e);
      if (!p) throw e;
      problems.push(p);
    }
  }
  const impact = exists && replacesContent(input.kind, input.mode) ? await lookup.impact(input.projectPath, input.name, signal) : undefined;
  if (impact?.available && impact.total > 0 && input.afterPublish?.failOnImpact) {
    problems.push({ code: 'impactRefused', message: impactRefusal(input.name, input.projectPath, impact.total, '"failOnImpact": true') });
  }
  const steps = input.afterPublish ?? {};
  if (steps.refresh && input.hasExtract === false) problems.push({ code: 'nothingToRefresh', message: noExtractMessage(input.file) });
  // As the publish does: views are a workbook's, so checkViews is not a step of a data source.
  const afterPublish = [...(steps.refresh ? (['refresh'] as const) : []), ...(steps.checkViews && input.kind === 'workbook' ? (['checkViews'] as const) : [])];
  const action: PlanItem['action'] = problems.length ? 'refused' : input.mode === 'createnew' || !exists ? 'create' : input.mode;
  const item: PlanItem = {
    file: input.file,
    kind: input.kind,
    environment: input.environment,
    target: { server: input.server, site: input.site, project: input.projectPath, name: input.name },
    mode: input.mode,
    exists,
    action,
    project: { exists: projectExists, willCreate: !projectExists && input.createProjects },
    connections,
    credentials,
    rules,
    problems,
  };
  if (input.tags?.length) item.tags = input.tags;
  if (input.description !== undefined) item.description = input.description;
  if (input.hiddenViews?.length) item.hiddenViews = input.hiddenViews;
  if (input.showTabs !== undefined) item.showTabs = input.showTabs;
  if (settings) item.settings = settings;
  if (impact) item.impact = impact;
  if (afterPublish.length) item.afterPublish = afterPublish;
  return item;
}

/** An item that cannot even be planned (an unreadable file, an unknown environment). */
export function refusedItem(file: string, environment: string, code: PlanProblemCode, message: string): PlanItem {
  return {
    file, kind: 'workbook', environment, target: { server: '', site: '', project: '', name: '' }, mode: 'createnew', action: 'refused',
    project: { exists: false, willCreate: false }, connections: [], credentials: [], rules: [], problems: [{ code, message }],
  };
}
