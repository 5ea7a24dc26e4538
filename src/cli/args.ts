/** Command-line parsing for `tableau-publish` (node:util parseArgs), and its help text. */
import { parseArgs } from 'node:util';
import type { PublishMode } from '../core/models';
import { usageError } from './exitCodes';

export const HELP = `Usage: tableau-publish <command> [options]

Commands:
  publish <files...>     Publish workbooks (.twb, .twbx), data sources (.tds, .tdsx, .hyper, .tde)
                         and Tableau Prep flows (.tfl, .tflx)
  ls <what>              List projects | workbooks | datasources | views | flows (with the last run)
  run-flow "Project / Name"  Run a published flow now and wait for the run (--job-timeout)
  signin --check         Sign in, report who you are, sign out
  plan --env NAME [files...]
                         Show what publish --env would do (targets, create or overwrite, data
                         connection changes, embedded logins, what would fail); exit 2 if anything can't go
  promote --from A --to B ["Project / Name" | LUID ...] | --project "P" | --all
                         Download from environment A, apply B's rules, plan, publish to B
  update-data <changes.hyper> --datasource "Project / Name"
                         Insert, update, upsert, replace or delete rows of a published
                         live-to-Hyper data source from a .hyper (REST API 3.12+)
  diff <file>            Compare a .twb/.twbx/.tds/.tdsx with the deployed item (exit 0 same, 1 differs, 2 error)
  restore --revision N   Republish revision N of an item over it (needs --name, --yes)

Publish options:
  --project "A / B"        Target project path (default "Default"; "//" for a "/" in a name)
  --name NAME              Name on the server (one file only; default: the file name)
  --mode MODE              createnew | overwrite | append | replace (default createnew)
  --as-job                 Publish asynchronously and wait for the job
  --job-timeout TIME       How long to wait for an --as-job job: 90m, 2h, 45s (default 3h;
                           the job may still finish on the server after that)
  --skip-connection-check  Workbooks: do not let Tableau test the data connections
  --manifest FILE          Use targets from this manifest (default .vscode/tableau-publish.json if present)
  --concurrency N          Files published at once (default 2)
  --chunk-size MB          Upload chunk size for files over 64 MB (default 50; raised so a file takes at most 1000 chunks)
  --tags "a,b"             Tags to add to every published item
  --description TEXT       Description of the published item
  --show-tabs              Workbooks: show views as tabs
  --hidden-views "A,B"     Workbooks: views (sheet names) to hide
  --db-credentials-file F  Database credentials to embed, from a JSON file (see below)
  --refresh                Refresh the extract right after publishing and wait for the job
                           (--job-timeout bounds the wait); a file without an extract is refused
  --check-views            Workbooks: after publishing, render each view's image; a view that
                           cannot render fails the step (exit code 7), naming the view
  --fail-on-impact         Data sources: before an overwrite, refuse (exit code 8) when workbooks
                           use the data source (Tableau's Metadata API; they are always listed)
  --owner USERNAME         Make this user the owner of the published item
  --thumbnails-user NAME   Workbooks: render thumbnails as this user (or --thumbnails-group NAME)
  --remove-other-tags      With --tags: remove the item's tags that are not listed
  --dry-run                List the settings and permission changes a publish would make; send nothing
                           (permission rules come from the manifest; exit code 7: published, but a
                           settings or permissions step after the publish failed)
  Flags override the manifest's options for the same file.
  --env NAME               Publish to a manifest environment (version 2): its server, site, project
                           root, data connection rules and credential variables; without files, every
                           target of that environment. Nothing is published unless the whole plan can go.
                           The flags above (settings, --refresh, --check-views, --fail-on-impact) apply with
                           --env as without it; --dry-run with --env shows the plan.

Promote options:
  --from NAME --to NAME    Source and target environments of the manifest
  --project "A / B"        Every workbook and data source of this source project
  --all                    Every target of the manifest that both environments take
  --no-extract             Download workbooks and data sources without their extracts
  --refresh, --check-views, --fail-on-impact, --job-timeout as for publish
  Promoted items get the tag "promoted-from-<source environment>".

Update-data options:
  --datasource REF         The data source: "Project / Name", a name only one data source has, or its LUID
                           (default: the manifest's "mode": "update" target for the file, with its actions)
  --actions FILE           Tableau's update actions (JSON: {"actions": [...]}, or the bare list)
  --insert TABLE           Shortcut: insert every row of TABLE ("Extract.Extract", or a table name)
  --upsert TABLE --on KEY  Shortcut: rows of TABLE replace rows with the same KEY (comma-separated
                           columns), the others are inserted
  --connection ID          For a data source with several connections: the one to update
  --request-id ID          Tableau's RequestID (default a new UUID): run the same update again with the
                           same id and Tableau applies it only once
  --chunk-size MB, --job-timeout TIME as for publish

Diff and restore options:
  --project "A / B"        Project of the item (default: the manifest's target, else "Default")
  --name NAME              Name of the item (diff default: the manifest's target, else the file name)
  --revision N             restore: the revision to make current again (see the revisions in VS Code)
  --type workbook|datasource  restore: when a workbook and a data source share the name
  --yes                    restore: do it (without it, restore says what it would do and stops)
  --env NAME               Look where manifest environment NAME puts the item, signed in with its
                           connection: diff takes the file's target for NAME (project under the root,
                           name) and compares with NAME's data connection rules applied to the file;
                           restore takes --project relative to NAME's project root

List options:
  --project "A / B"        Only items in this project (ls workbooks | datasources | views)

Common options:
  --server URL             Tableau Server or Cloud address (or TABLEAU_SERVER); a pasted browser URL works
  --site NAME              Site content URL (or TABLEAU_SITE; "" for the default site)
  --json                   Print one JSON object per line on stdout
  --verbose                More log lines on stderr (and what is being waited for when the server is slow)
  --request-timeout S      Seconds a request may take in all: sign-in, a listing page, a small change (default 30)
  --transfer-timeout MIN   Minutes one upload part or publish may take in all (default 240)
  --max-items N            Most items one listing collects (default 200000)
  --help, --version

Credentials come from the environment only, never from flags (flags end up in shell
history and process lists):
  TABLEAU_PAT_NAME + TABLEAU_PAT_SECRET                    personal access token
  TABLEAU_USERNAME + TABLEAU_PASSWORD                      username and password
  TABLEAU_CONNECTED_APP_CLIENT_ID + TABLEAU_CONNECTED_APP_SECRET_ID +
    TABLEAU_CONNECTED_APP_SECRET_VALUE + TABLEAU_USER      connected app (direct trust)
  TABLEAU_CA_FILE                                          extra CA certificate (PEM)

Database credentials to embed (workbooks and data sources with live database connections):
  TABLEAU_DB_USERNAME + TABLEAU_DB_PASSWORD [+ TABLEAU_DB_EMBED=true|false, default true]
      used for the connections that need credentials, only on the hosts listed in
  TABLEAU_DB_HOSTS=db.corp.example,*.corp.example[:port]  (without it: only when
      the file's connections name exactly one host), or
  --db-credentials-file FILE   a JSON object mapping "host[:port]" to
      { "username": "...", "password": "...", "embed": true }; it wins over the
      environment for the connections it names. Keep it private (chmod 600).
  Passwords are never printed or logged.
  HTTPS_PROXY / HTTP_PROXY / NO_PROXY                      proxy

Exit codes: 0 ok, 2 usage, 3 authentication, 4 not found / conflict,
5 server / network, 6 invalid file, 7 published but an after-publish step failed
(--refresh, --check-views), 8 overwrite refused by --fail-on-impact, 130 cancelled.
`;

export type LsWhat = 'projects' | 'workbooks' | 'datasources' | 'views' | 'flows';

export interface CommonArgs {
  server?: string;
  site?: string;
  json: boolean;
  verbose: boolean;
  /** --request-timeout, in seconds. */
  requestTimeoutSeconds?: number;
  /** --transfer-timeout, in minutes. */
  transferTimeoutMinutes?: number;
  /** --max-items. */
  maxListItems?: number;
}

export interface PublishArgs {
  files: string[];
  project?: string;
  name?: string;
  mode?: PublishMode;
  asJob: boolean;
  /** Overall wait for an asJob job, in ms (default: the core's DEFAULT_JOB_TIMEOUT_MS). */
  jobTimeoutMs?: number;
  skipConnectionCheck: boolean;
  manifest?: string;
  concurrency: number;
  chunkSizeMb?: number;
  tags?: string[];
  description?: string;
  showTabs?: boolean;
  hiddenViews?: string[];
  dbCredentialsFile?: string;
  /** --refresh, --check-views, --fail-on-impact (false when not given: the manifest may still ask). */
  refresh: boolean;
  checkViews: boolean;
  failOnImpact: boolean;
  owner?: string;
  thumbnailsUser?: string;
  thumbnailsGroup?: string;
  removeOtherTags?: boolean;
  dryRun?: boolean;
  /** --env: publish to this manifest environment. */
  env?: string;
}

export type CliCommand =
  | { command: 'help' }
  | { command: 'version' }
  | ({ command: 'publish' } & PublishArgs & CommonArgs)
  | ({ command: 'ls'; what: LsWhat; project?: string } & CommonArgs)
  | ({ command: 'signin'; check: boolean } & CommonArgs)
  | ({ command: 'plan'; env: string; files: string[]; manifest?: string } & CommonArgs)
  | ({ command: 'promote'; from: string; to: string; items: string[]; project?: string; all: boolean; includeExtract: boolean; manifest?: string; refresh: boolean; checkViews: boolean; failOnImpact: boolean; jobTimeoutMs?: number } & CommonArgs)
  | ({ command: 'update-data' } & UpdateDataArgs & CommonArgs)
  | ({ command: 'run-flow'; flow: string; jobTimeoutMs?: number } & CommonArgs)
  | ({ command: 'diff'; file: string; project?: string; name?: string; env?: string; manifest?: string } & CommonArgs)
  | ({ command: 'restore'; revision: number; project?: string; name: string; type?: 'workbook' | 'datasource'; yes: boolean; env?: string; manifest?: string } & CommonArgs);

export interface UpdateDataArgs {
  file: string;
  /** Default: the manifest's "mode": "update" target for the file. */
  datasource?: string;
  manifest?: string;
  actionsFile?: string;
  insert?: string;
  upsert?: string;
  on?: string[];
  connection?: string;
  requestId?: string;
  chunkSizeMb?: number;
  jobTimeoutMs?: number;
}

// Anything that looks like a secret is refused as a flag, before parsing, whatever the command.
const SECRET_FLAG = /pass(word|wd)?\b|secret|token|jwt|credential/i;
// Flags that name a file holding secrets, never a secret itself.
const SECRET_FILE_FLAGS = new Set(['db-credentials-file']);

const OPTIONS = {
  server: { type: 'string' },
  site: { type: 'string' },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
  project: { type: 'string' },
  name: { type: 'string' },
  mode: { type: 'string' },
  'as-job': { type: 'boolean', default: false },
  'job-timeout': { type: 'string' },
  'skip-connection-check': { type: 'boolean', default: false },
  manifest: { type: 'string' },
  concurrency: { type: 'string' },
  'chunk-size': { type: 'string' },
  tags: { type: 'string' },
  description: { type: 'string' },
  'show-tabs': { type: 'boolean' },
  'hidden-views': { type: 'string' },
  'db-credentials-file': { type: 'string' },
  check: { type: 'boolean', default: false },
  'request-timeout': { type: 'string' },
  'transfer-timeout': { type: 'string' },
  'max-items': { type: 'string' },
  refresh: { type: 'boolean', default: false },
  'check-views': { type: 'boolean', default: false },
  'fail-on-impact': { type: 'boolean', default: false },
  owner: { type: 'string' },
  'thumbnails-user': { type: 'string' },
  'thumbnails-group': { type: 'string' },
  'remove-other-tags': { type: 'boolean' },
  'dry-run': { type: 'boolean', default: false },
  env: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  all: { type: 'boolean', default: false },
  'no-extract': { type: 'boolean', default: false },
  datasource: { type: 'string' },
  actions: { type: 'string' },
  insert: { type: 'string' },
  upsert: { type: 'string' },
  on: { type: 'string' },
  connection: { type: 'string' },
  'request-id': { type: 'string' },
  revision: { type: 'string' },
  type: { type: 'string' },
  yes: { type: 'boolean', default: false },
} as const;

const MODES = ['createnew', 'overwrite', 'append', 'replace'];

/** "a, b,,c" → ["a", "b", "c"]; undefined when the flag was not given. */
function commaList(v: string | undefined, flag: string): string[] | undefined {
  if (v === undefined) return undefined;
  const list = [...new Set(v.split(',').map((x) => x.trim()).filter(Boolean))];
  if (!list.length) throw usageError(`${flag} needs at least one name.`);
  return list;
}

function positiveInt(v: string | undefined, flag: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw usageError(`${flag} must be a whole number from 1 to ${max}.`);
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX_JOB_TIMEOUT_MS = 48 * 3_600_000;

/** "90m", "2h", "45s", "300ms" (a bare number is minutes) → ms; undefined when the flag was not given. */
export function parseDuration(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(v);
  const ms = m ? Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? 'm').toLowerCase()]) : NaN;
  if (!(ms >= 1 && ms <= MAX_JOB_TIMEOUT_MS)) throw usageError(`${flag} must be a duration such as 90m, 2h or 45s (at most 48h).`);
  return ms;
}

export function parseCli(argv: string[]): CliCommand {
  for (const a of argv) {
    if (a === '--') break;
    const m = /^--?([^=]+)/.exec(a);
    if (m && SECRET_FLAG.test(m[1]) && !SECRET_FILE_FLAGS.has(m[1])) {
      throw usageError(
        `${a.split('=')[0]}: secrets are never accepted as flags (they would be kept in shell history and visible to other processes). ` +
          'Set them in the environment instead: TABLEAU_PAT_NAME + TABLEAU_PAT_SECRET, TABLEAU_USERNAME + TABLEAU_PASSWORD, or the TABLEAU_CONNECTED_APP_* variables.',
      );
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageError(`${(e as Error).message} (see --help)`);
  }
  const v = parsed.values;
  if (v.help) return { command: 'help' };
  if (v.version) return { command: 'version' };
  const [command, ...rest] = parsed.positionals;
  const common: CommonArgs = {
    server: v.server,
    site: v.site,
    json: v.json ?? false,
    verbose: v.verbose ?? false,
    requestTimeoutSeconds: positiveInt(v['request-timeout'], '--request-timeout', 3600),
    transferTimeoutMinutes: positiveInt(v['transfer-timeout'], '--transfer-timeout', 7 * 24 * 60),
    maxListItems: positiveInt(v['max-items'], '--max-items', 100_000_000),
  };
  switch (command) {
    case 'publish': {
      if (rest.length === 0 && v.env === undefined) throw usageError('publish needs at least one file (or --env NAME for every target of an environment).');
      if (v.env !== undefined && (v.server !== undefined || v.site !== undefined || v.project !== undefined)) throw usageError('--env takes the server, site and project from the manifest: drop --server, --site and --project.');
      if (v.name !== undefined && rest.length > 1) throw usageError('--name can only be used with one file.');
      if (v.mode !== undefined && !MODES.includes(v.mode)) throw usageError(`--mode must be one of ${MODES.join(', ')}.`);
      return {
        command: 'publish',
        files: rest,
        project: v.project,
        name: v.name,
        mode: v.mode as PublishMode | undefined,
        asJob: v['as-job'] ?? false,
        jobTimeoutMs: parseDuration(v['job-timeout'], '--job-timeout'),
        skipConnectionCheck: v['skip-connection-check'] ?? false,
        manifest: v.manifest,
        concurrency: positiveInt(v.concurrency, '--concurrency', 16) ?? 2,
        chunkSizeMb: positiveInt(v['chunk-size'], '--chunk-size', 64),
        tags: commaList(v.tags, '--tags'),
        description: v.description,
        showTabs: v['show-tabs'],
        hiddenViews: commaList(v['hidden-views'], '--hidden-views'),
        dbCredentialsFile: v['db-credentials-file'],
        refresh: v.refresh ?? false,
        checkViews: v['check-views'] ?? false,
        failOnImpact: v['fail-on-impact'] ?? false,
        owner: v.owner,
        thumbnailsUser: v['thumbnails-user'],
        thumbnailsGroup: v['thumbnails-group'],
        removeOtherTags: v['remove-other-tags'],
        dryRun: v['dry-run'],
        env: v.env,
        ...common,
      };
    }
    case 'plan':
      if (v.env === undefined) throw usageError('plan needs --env NAME (an environment of the manifest).');
      return { command: 'plan', env: v.env, files: rest, manifest: v.manifest, ...common };
    case 'promote': {
      if (v.from === undefined || v.to === undefined) throw usageError('promote needs --from NAME and --to NAME (environments of the manifest).');
      if (v.from === v.to) throw usageError('--from and --to name the same environment.');
      const ways = [rest.length > 0, v.project !== undefined, v.all ?? false].filter(Boolean).length;
      if (ways !== 1) throw usageError('promote needs exactly one of: items ("Project / Name" or a LUID), --project "P", --all.');
      return { command: 'promote', from: v.from, to: v.to, items: rest, project: v.project, all: v.all ?? false, includeExtract: !(v['no-extract'] ?? false), manifest: v.manifest,
        refresh: v.refresh ?? false, checkViews: v['check-views'] ?? false, failOnImpact: v['fail-on-impact'] ?? false, jobTimeoutMs: parseDuration(v['job-timeout'], '--job-timeout'), ...common };
    }
    case 'ls': {
      const what = rest[0];
      if (rest.length !== 1 || !['projects', 'workbooks', 'datasources', 'views', 'flows'].includes(what)) {
        throw usageError('ls needs one of: projects, workbooks, datasources, views, flows.');
      }
      return { command: 'ls', what: what as LsWhat, project: v.project, ...common };
    }
    case 'signin':
      if (rest.length) throw usageError(`Unexpected argument "${rest[0]}".`);
      return { command: 'signin', check: v.check ?? false, ...common };
    case 'update-data': {
      if (rest.length !== 1) throw usageError('update-data needs one .hyper file of changes.');
      if (v.datasource !== undefined && !v.datasource.trim()) throw usageError('--datasource needs "Project / Name".');
      return {
        command: 'update-data',
        file: rest[0],
        datasource: v.datasource,
        manifest: v.manifest,
        actionsFile: v.actions,
        insert: v.insert,
        upsert: v.upsert,
        on: commaList(v.on, '--on'),
        connection: v.connection,
        requestId: v['request-id'],
        chunkSizeMb: positiveInt(v['chunk-size'], '--chunk-size', 64),
        jobTimeoutMs: parseDuration(v['job-timeout'], '--job-timeout'),
        ...common,
      };
    }
    case 'run-flow':
      if (rest.length !== 1) throw usageError('run-flow needs one flow: "Project / Name".');
      return { command: 'run-flow', flow: rest[0], jobTimeoutMs: parseDuration(v['job-timeout'], '--job-timeout'), ...common };
    case 'diff':
      if (rest.length !== 1) throw usageError('diff needs exactly one file.');
      if (v.env !== undefined && (v.server !== undefined || v.site !== undefined)) throw usageError('--env takes the server and site from the manifest: drop --server and --site.');
      return { command: 'diff', file: rest[0], project: v.project, name: v.name, env: v.env, manifest: v.manifest, ...common };
    case 'restore': {
      if (rest.length) throw usageError(`Unexpected argument "${rest[0]}".`);
      const revision = positiveInt(v.revision, '--revision', 1_000_000);
      if (revision === undefined) throw usageError('restore needs --revision N.');
      if (!v.name) throw usageError('restore needs --name (and --project unless it is in "Default").');
      if (v.type !== undefined && v.type !== 'workbook' && v.type !== 'datasource') throw usageError('--type must be workbook or datasource.');
      if (v.env !== undefined && (v.server !== undefined || v.site !== undefined)) throw usageError('--env takes the server and site from the manifest: drop --server and --site.');
      return { command: 'restore', revision, project: v.project, name: v.name, type: v.type as 'workbook' | 'datasource' | undefined, yes: v.yes ?? false, env: v.env, manifest: v.manifest, ...common };
    }
    case undefined:
      return { command: 'help' };
    default:
      throw usageError(`Unknown command "${command}" (see --help).`);
  }
}
