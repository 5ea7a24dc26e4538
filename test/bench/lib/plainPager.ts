/**
 * The baseline a first attempt would write: plain fetch, one page of 100 after another,
 * asking for the same answer format our client's listings use (JSON, TableauClient's
 * default) and reading it with `res.json()`. It is what the tree is compared with.
 */
import { BENCH_SITE, type BenchPat } from './benchConfig';

interface Signed {
  token: string;
  siteId: string;
  version: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export const PLAIN_PAGE_SIZE = 100;

export class PlainPager {
  private auth?: Signed;
  constructor(
    private readonly url: string,
    private readonly pat: BenchPat,
    private readonly version = '3.23',
  ) {}

  async signIn(): Promise<void> {
    const body = JSON.stringify({ credentials: { personalAccessTokenName: this.pat.name, personalAccessTokenSecret: this.pat.secret, site: { contentUrl: BENCH_SITE } } });
    const res = await fetch(`${this.url}/api/${this.version}/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    if (!res.ok) throw new Error(`baseline sign-in: HTTP ${res.status}`);
    const c = ((await res.json()) as Json).credentials;
    this.auth = { token: c.token, siteId: c.site.id, version: this.version };
  }

  /** Every item of a collection, pageSize 100, strictly one request after another. */
  async all(collection: 'projects' | 'workbooks' | 'datasources'): Promise<Json[]> {
    if (!this.auth) throw new Error('baseline not signed in');
    const item = collection === 'projects' ? 'project' : collection === 'workbooks' ? 'workbook' : 'datasource';
    const out: Json[] = [];
    for (let page = 1; ; page++) {
      const res = await fetch(`${this.url}/api/${this.auth.version}/sites/${this.auth.siteId}/${collection}?pageSize=${PLAIN_PAGE_SIZE}&pageNumber=${page}`, {
        headers: { 'x-tableau-auth': this.auth.token, accept: 'application/json' },
      });
      if (!res.ok) throw new Error(`baseline ${collection} page ${page}: HTTP ${res.status}`);
      const ts = (await res.json()) as Json;
      const items: Json[] = ts[collection]?.[item] ?? [];
      out.push(...items);
      const total = Number(ts.pagination.totalAvailable);
      if (items.length === 0 || page * PLAIN_PAGE_SIZE >= total) return out;
    }
  }
}
