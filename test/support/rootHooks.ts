/**
 * Mocha root hooks (package.json "mocha.require"): while the suite runs, the simulator hands
 * every XML document it answers and every XML body the client sends to a recorder; after the
 * last test, each distinct document is checked against Tableau's REST schema. The suite fails
 * on any document that breaks it outside the allow-list (schemaAllowList.ts).
 */
import { installSchemaRecorder, type SchemaDocument, type SchemaRecorder } from '../simulator/schemaTap';
import { SchemaReferee, type SchemaVerdict } from './schemaReferee';

/** A LUID in a path: routes are grouped without them. */
const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

interface Seen { kind: SchemaDocument['kind']; where: Set<string>; count: number }

export class SchemaCollector implements SchemaRecorder {
  readonly documents = new Map<string, Seen>();
  total = 0;
  jsonAnswers = 0;

  record(doc: SchemaDocument): void {
    this.total++;
    const seen = this.documents.get(doc.text);
    if (seen) {
      seen.count++;
      if (seen.where.size < 5) seen.where.add(doc.where);
    } else this.documents.set(doc.text, { kind: doc.kind, where: new Set([doc.where]), count: 1 });
  }

  json(): void {
    this.jsonAnswers++;
  }
}

export interface SchemaReport {
  total: number;
  distinct: number;
  allowed: number;
  invalid: { text: string; seen: Seen; verdict: SchemaVerdict }[];
  /** Allowed documents per deviation id. */
  byDeviation: Map<string, number>;
  ms: number;
}

export function judge(referee: SchemaReferee, c: SchemaCollector): SchemaReport {
  const t0 = Date.now();
  const report: SchemaReport = { total: c.total, distinct: c.documents.size, allowed: 0, invalid: [], byDeviation: new Map(), ms: 0 };
  for (const [text, seen] of c.documents) {
    const verdict = referee.check(text);
    if (verdict.status === 'allowed') {
      report.allowed++;
      for (const id of new Set(verdict.errors.map((e) => e.allowedBy!.id))) report.byDeviation.set(id, (report.byDeviation.get(id) ?? 0) + 1);
    } else if (verdict.status === 'invalid') report.invalid.push({ text, seen, verdict });
  }
  report.ms = Date.now() - t0;
  return report;
}

const SHOW_KINDS = 15;
const SHOW_CHARS = 1500;

/** Invalid documents grouped by what breaks (same errors on the same route): one example each. */
export function describeFailures(report: SchemaReport): string {
  const groups = new Map<string, { example: SchemaReport['invalid'][number]; docs: number }>();
  for (const inv of report.invalid) {
    const route = [...inv.seen.where][0].replace(ID, '{id}');
    const key = `${inv.seen.kind} ${route}\n${inv.verdict.errors.filter((x) => !x.allowedBy).map((e) => `${e.path}: ${e.message}`).join('\n')}`;
    const g = groups.get(key);
    if (g) g.docs++;
    else groups.set(key, { example: inv, docs: 1 });
  }
  const lines = [`${report.invalid.length} document(s) break Tableau's REST schema (test/fixtures/ts-api_3_29.xsd), ${groups.size} kind(s):`];
  for (const [key, { example, docs }] of [...groups].slice(0, SHOW_KINDS)) {
    const [head, ...errs] = key.split('\n');
    lines.push('', `- ${head} (${docs} document(s))`, ...errs.map((e) => `  ${e}`));
    const t = example.text;
    lines.push(`  e.g. ${t.length > SHOW_CHARS ? `${t.slice(0, SHOW_CHARS)}... (${t.length} chars)` : t}`);
  }
  if (groups.size > SHOW_KINDS) lines.push('', `... and ${groups.size - SHOW_KINDS} more kind(s).`);
  return lines.join('\n');
}

/** How many distinct documents each route gave (SCHEMA_ROUTES=1): what the referee has seen. */
function routesChecked(c: SchemaCollector): string {
  const routes = new Map<string, number>();
  for (const seen of c.documents.values()) {
    for (const w of seen.where) {
      const k = `${seen.kind} ${w.replace(ID, '{id}').replace(/^(\S+) \/api\/[0-9.]+/, '$1 ').replace(/fileUploads\/[^/]+$/, 'fileUploads/{uploadSessionId}')}`;
      routes.set(k, (routes.get(k) ?? 0) + 1);
    }
  }
  return [...routes].sort().map(([k, n]) => `    ${String(n).padStart(4)}  ${k}`).join('\n');
}

let collector: SchemaCollector | undefined;

export const mochaHooks = {
  beforeAll(): void {
    collector = new SchemaCollector();
    installSchemaRecorder(collector);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    const c = collector;
    installSchemaRecorder(undefined);
    if (!c) return;
    this.timeout(120_000);
    const t0 = Date.now();
    const referee = await SchemaReferee.load();
    const report = judge(referee, c);
    const deviations = [...report.byDeviation].map(([id, n]) => `${id}: ${n}`).join('; ');
    console.log(
      `  schema: ${report.total} documents validated (${report.distinct} distinct), ${report.allowed} allowed deviations` +
        `${deviations ? ` [${deviations}]` : ''}, ${report.invalid.length} invalid; ${c.jsonAnswers} JSON answers not checked; ${Date.now() - t0} ms`,
    );
    if (process.env.SCHEMA_ROUTES) console.log(routesChecked(c));
    if (report.invalid.length) throw new Error(describeFailures(report));
  },
};
