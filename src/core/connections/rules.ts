/**
 * Data connection rules: how a file's data connections change on the way to an environment
 * (another database server, port, database, warehouse, login, or published data source).
 * A rule matches connections of the file and says what to set; both the in-file rewrite and
 * the REST connection update after publish start from the matches made here, so the plan
 * and the publish agree on what a rule touches.
 */
import { TableauError } from '../errors';
import type { DataConnection } from '../package/tableauXml';

/** Which data connections a rule touches: every field given must equal (class and server without regard to case). */
export interface ConnectionMatch {
  class?: string;
  server?: string;
  port?: string;
  dbname?: string;
  /** A published data source the file's connection points at (class "sqlproxy"), by its name. */
  publishedDataSource?: string;
}

/** The new values for a matched connection; an absent field keeps the file's value. */
export interface ConnectionChange {
  server?: string;
  port?: string;
  dbname?: string;
  warehouse?: string;
  schema?: string;
  username?: string;
  /** Point a "sqlproxy" connection at this published data source (by name) on the target site. */
  publishedDataSource?: string;
}

/**
 * Where a password comes from, never the password itself: a VS Code secret (asked once, kept in
 * SecretStorage under this id) and, for the CLI, the environment variable holding it.
 */
export interface SecretReference {
  secret?: string;
  env?: string;
}

/** Credentials embedded for the matched connections when publishing. */
export interface EmbeddedCredentials {
  username: string;
  password: SecretReference;
  /** Embed the login in the published item (Tableau's `embed="true"`); default true. */
  embed?: boolean;
}

/**
 * How a change reaches the server. "file" (the default): the `<connection>` attributes are rewritten
 * in the document before upload, so the published item never points at the old values. "rest": the
 * file is uploaded as it is and the connection is updated after publish through Tableau's Update
 * Workbook/Data Source Connection call, which can change only server address, port, username,
 * password and embed; a rule asking that way for anything else is refused in the plan.
 */
export type ChangeRoute = 'file' | 'rest';

/** The fields of a change Tableau's Update Connection call can set. */
export const REST_CHANGEABLE: ReadonlySet<keyof ConnectionChange> = new Set(['server', 'port', 'username']);

export interface DataConnectionRule {
  match: ConnectionMatch;
  set?: ConnectionChange;
  credentials?: EmbeddedCredentials;
  via?: ChangeRoute;
}

/** The connections of a file a rule matched (indexes into the list it was given). */
export interface RuleMatch {
  rule: DataConnectionRule;
  /** Position of the rule in its list, for messages ("rule 2 ..."). */
  ruleIndex: number;
  connections: number[];
}

const MATCH_KEYS: (keyof ConnectionMatch)[] = ['class', 'server', 'port', 'dbname', 'publishedDataSource'];
const CASE_BLIND: ReadonlySet<keyof ConnectionMatch> = new Set(['class', 'server']);

/** The value of a connection a match field compares with. */
function fieldOf(c: DataConnection, key: keyof ConnectionMatch): string | undefined {
  return key === 'publishedDataSource' ? c.publishedDataSource : c[key];
}

export function ruleMatches(match: ConnectionMatch, c: DataConnection): boolean {
  let any = false;
  for (const key of MATCH_KEYS) {
    const want = match[key];
    if (want === undefined) continue;
    any = true;
    const have = fieldOf(c, key);
    if (have === undefined) return false;
    if (CASE_BLIND.has(key) ? have.toLowerCase() !== want.toLowerCase() : have !== want) return false;
  }
  return any;
}

/** Says what a match looks for, for messages: `class=postgres server=db.dev`. */
export function describeMatch(match: ConnectionMatch): string {
  return MATCH_KEYS.filter((k) => match[k] !== undefined)
    .map((k) => `${k}=${match[k]}`)
    .join(' ');
}

/**
 * Matches each rule against the file's data connections. A rule that matches nothing, or a
 * connection two rules both change, is an error before anything is uploaded: either would
 * publish something other than what the manifest says.
 */
export function matchConnectionRules(connections: readonly DataConnection[], rules: readonly DataConnectionRule[]): RuleMatch[] {
  const owner = new Map<number, number>();
  return rules.map((rule, ruleIndex) => {
    if (!MATCH_KEYS.some((k) => rule.match[k] !== undefined)) {
      throw new TableauError({ reason: 'invalidArgument', message: `Data connection rule ${ruleIndex + 1} matches on nothing: give at least one of ${MATCH_KEYS.join(', ')}.` });
    }
    const hits: number[] = [];
    connections.forEach((c, i) => {
      if (ruleMatches(rule.match, c)) hits.push(i);
    });
    if (hits.length === 0) {
      throw new TableauError({
        reason: 'invalidArgument',
        message: `Data connection rule ${ruleIndex + 1} (${describeMatch(rule.match)}) matches no data connection of the file.`,
      });
    }
    for (const i of hits) {
      const prev = owner.get(i);
      if (prev !== undefined) {
        throw new TableauError({
          reason: 'invalidArgument',
          message: `Data connection rules ${prev + 1} and ${ruleIndex + 1} both match the same data connection (${describeMatch(rule.match)}); make them match different connections.`,
        });
      }
      owner.set(i, ruleIndex);
    }
    return { rule, ruleIndex, connections: hits };
  });
}
