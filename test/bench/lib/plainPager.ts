/**
 * The baseline a first attempt would write: plain fetch, one page of 100 after another,
 * XML decoded with the same parser the core uses. It is what the tree is compared with.
 */
import { XMLParser } from 'fast-xml-parser';
import { BENCH_SITE, type BenchPat } from './benchConfig';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  isArray: (name) => ['project', 'workbook', 'datasource'].includes(name),
});

interface Signed {
  token: string;
  siteId: string;
  version: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Xml = any;

export class PlainPager {
  private auth?: Signed;
  constructor(
    private readonly url: string,
    private readonly pat: BenchPat,
    private readonly version = '3.23',
  ) {}

  async signIn(): Promise<void> {
    const body = `<tsRequest><credentials personalAccessTokenName="${this.pat.name}" personalAccessTokenSecret="${this.pat.secret}"><site contentUrl="${BENCH_SITE}"/></credentials></tsRequest>`;
    const res = await fetch(`${this.url}/api/${this.version}/auth/signin`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    if (!res.ok) throw new Error(`baseline sign-in: HTTP ${res.status}`);
    const c = (parser.parse(await res.text()) as Xml).tsResponse.credentials;
    this.auth = { token: c.token, siteId: c.site.id, version: this.version };
  }

  /** Every item of a collection, pageSize 100, strictly one request after another. */
  async all(collection: 'projects' | 'workbooks' | 'datasources'): Promise<Xml[]> {
    if (!this.auth) throw new Error('baseline not signed in');
    const item = collection === 'projects' ? 'project' : collection === 'workbooks' ? 'workbook' : 'datasource';
    const out: Xml[] = [];
    for (let page = 1; ; page++) {
      const res = await fetch(`${this.url}/api/${this.auth.version}/sites/${this.auth.siteId}/${collection}?pageSize=100&pageNumber=${page}`, {
        headers: { 'x-tableau-auth': this.auth.token, accept: 'application/xml' },
      });
      if (!res.ok) throw new Error(`baseline ${collection} page ${page}: HTTP ${res.status}`);
      const ts = (parser.parse(await res.text()) as Xml).tsResponse;
      const items: Xml[] = ts[collection]?.[item] ?? [];
      out.push(...items);
      const total = Number(ts.pagination.totalAvailable);
      if (items.length === 0 || page * 100 >= total) return out;
    }
  }
}
