/**
 * Tableau's Metadata API (GraphQL at `POST /api/metadata/graphql`, the REST session's
 * X-Tableau-Auth): which workbooks use a published data source. Types and fields as Tableau's
 * Metadata API reference names them: `publishedDatasources(filter: { luid })`,
 * `PublishedDatasource.downstreamWorkbooks`, `Workbook { luid name projectName owner { name username } }`.
 */
import { isCancellation, TableauError } from '../errors';
import type { TableauClient } from './client';

export interface DownstreamWorkbook {
  luid?: string;
  name: string;
  projectName?: string;
  /** The owner's display name, else username. */
  owner?: string;
}

export type DownstreamImpact =
  | { available: true; workbooks: DownstreamWorkbook[]; /** All the API listed; `workbooks` holds at most maxWorkbooks of them. */ total: number }
  | { available: false; /** Why the Metadata API gave no answer, for the user. */ why: string };

/** A Metadata API answer this large is not a list of a data source's workbooks. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_WORKBOOKS = 500;

export const DOWNSTREAM_WORKBOOKS_QUERY = `query downstreamWorkbooks($luid: String!) {
  publishedDatasources(filter: { luid: $luid }) {
    luid
    name
    downstreamWorkbooks { luid name projectName owner { name username } }
  }
}`;

/** Tableau's Metadata API error names ("Common Errors"): the API is off, or this user may not use it. */
const UNAVAILABLE: Record<string, string> = {
  FEATURE_DISABLED: 'the Metadata API is not enabled on this server (a server administrator runs "tsm maintenance metadata-services enable")',
  ACCESS_DENIED: 'you are not allowed to use the Metadata API',
};

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function firstError(errors: unknown): { code?: string; message?: string } | undefined {
  if (!Array.isArray(errors) || !errors.length || !isObj(errors[0])) return undefined;
  const e = errors[0];
  const ext = isObj(e.extensions) ? e.extensions : {};
  return { code: str(ext.code) ?? str(e.errorType), message: str(e.message) };
}

/**
 * The workbooks downstream of a published data source, or why they cannot be known. Never throws
 * but for cancellation: an impact check must not stop a publish when the Metadata API is off.
 */
export async function downstreamWorkbooks(client: TableauClient, datasourceId: string, opts: { signal?: AbortSignal; maxWorkbooks?: number } = {}): Promise<DownstreamImpact> {
  let answer: unknown;
  try {
    answer = await client.request({
      method: 'POST',
      path: 'api/metadata/graphql',
      fromServerRoot: true,
      format: 'json',
      contentType: 'application/json',
      body: JSON.stringify({ query: DOWNSTREAM_WORKBOOKS_QUERY, variables: { luid: datasourceId } }),
      maxResponseBytes: MAX_ANSWER_BYTES,
      signal: opts.signal,
      action: 'ask the Metadata API which workbooks use the data source',
      replaySafe: true,
    });
  } catch (e) {
    if (isCancellation(e)) throw e;
    if (TableauError.is(e, ['notFound', 'forbidden'])) return { available: false, why: `the server does not offer the Metadata API to this session (${e.message})` };
    return { available: false, why: e instanceof Error ? e.message : String(e) };
  }
  const a = isObj(answer) ? answer : {};
  const err = firstError(a.errors);
  const data = isObj(a.data) ? a.data : undefined;
  const list = data && Array.isArray(data.publishedDatasources) ? data.publishedDatasources : undefined;
  if (err && !list) return { available: false, why: (err.code && UNAVAILABLE[err.code]) ?? `the Metadata API answered with an error${err.message ? `: ${err.message}` : ''}` };
  if (!list) return { available: false, why: 'the Metadata API answer has no publishedDatasources' };
  // Not indexed yet (a data source just published): no node, so nothing downstream is known.
  const node = list.find((n) => isObj(n) && n.luid === datasourceId) ?? list[0];
  const raw = isObj(node) && Array.isArray(node.downstreamWorkbooks) ? node.downstreamWorkbooks : [];
  const max = opts.maxWorkbooks ?? DEFAULT_MAX_WORKBOOKS;
  const workbooks: DownstreamWorkbook[] = [];
  for (const w of raw) {
    if (workbooks.length >= max) break;
    if (!isObj(w)) continue;
    const owner = isObj(w.owner) ? (str(w.owner.name) ?? str(w.owner.username)) : undefined;
    workbooks.push({ luid: str(w.luid), name: str(w.name) ?? str(w.luid) ?? '(unnamed workbook)', projectName: str(w.projectName), owner });
  }
  return { available: true, workbooks, total: raw.length };
}

/** "3 workbooks use this data source: Sales (Finance, owner Ann), ..." — at most `show` named. */
export function describeImpact(impact: DownstreamImpact, show = 10): string {
  if (!impact.available) return `Could not check which workbooks use this data source: ${impact.why}. Going on.`;
  if (impact.total === 0) return 'No workbooks use this data source (Metadata API).';
  const named = impact.workbooks.slice(0, show).map((w) => {
    const extra = [w.projectName, w.owner ? `owner ${w.owner}` : undefined].filter(Boolean).join(', ');
    return extra ? `${w.name} (${extra})` : w.name;
  });
  const more = impact.total > named.length ? `, and ${impact.total - named.length} more` : '';
  return `${impact.total} workbook${impact.total === 1 ? ' uses' : 's use'} this data source: ${named.join('; ')}${more}.`;
}
