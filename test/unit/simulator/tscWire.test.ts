/**
 * Wire compatibility with Tableau's Python client (TSC): these requests are written by hand
 * byte for byte the way TSC 0.39 sends them (XML bodies, no Accept header, urllib3's
 * `form-data; name=...; filename=""` parts, 2.4 serverInfo probe). No TSC code is used.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunningSimulator, SimConfig } from '../../simulator/index';
import { startSimulator } from '../../simulator/index';
import { sheetNamesInTwb, sheetNamesOfFile } from '../../simulator/sheets';
import { buildZip } from '../../fixtures/zipWriter';

const config: SimConfig = {
  sites: [{ contentUrl: 'sales', name: 'Sales' }],
  users: [{ name: 'ann', password: 'pw-ann', siteRole: 'Creator', sites: ['sales'] }],
  pats: [{ name: 'ann-pat', secret: 'ann-pat-secret', user: 'ann' }],
  projects: [{ site: 'sales', path: 'Default' }, { site: 'sales', path: 'Marketing' }],
  maxRequestBytes: 256 * 1024,
};

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const attrOf = (xml: string, tag: string, name: string): string | undefined => new RegExp(`<${tag}\\b[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1];

/** urllib3's encode_multipart_formdata as TSC's _add_multipart uses it (boundary: 32 hex chars, unquoted). */
function tscMultipart(parts: { name: string; filename: string; contentType: string; data: Buffer | string }[]): { body: Buffer; contentType: string } {
  const boundary = randomBytes(16).toString('hex');
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.contentType}\r\n\r\n`));
    chunks.push(Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/mixed; boundary=${boundary}` };
}

/** TSC's request headers (requests' defaults plus x-tableau-auth); the answer as text. */
async function tsc(sim: RunningSimulator, method: string, p: string, opts: { token?: string; body?: Buffer | string; contentType?: string } = {}): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'User-Agent': 'Tableau Server Client/0.39', Accept: '*/*' };
  if (opts.token) headers['x-tableau-auth'] = opts.token;
  if (opts.contentType) headers['Content-Type'] = opts.contentType;
  const res = await fetch(`${sim.url}${p}`, { method, headers, body: opts.body });
  return { status: res.status, text: await res.text() };
}

const twb = (sheets: string): string => `<?xml version='1.0' encoding='utf-8' ?>\n<!-- build 20242.24.0416.1208 -->\n<workbook source-build='2024.2.0' version='18.1'>\n${sheets}\n</workbook>\n`;

describe('simulator: wire compatibility with TSC', () => {
  let sim: RunningSimulator;
  let token: string;
  let siteId: string;
  let projectId: string;
  before(async () => {
    sim = await startSimulator({ config });
    const info = await tsc(sim, 'GET', '/api/2.4/serverInfo');
    assert.equal(info.status, 200, info.text);
    const v = /<restApiVersion>([^<]+)<\/restApiVersion>/.exec(info.text)?.[1];
    assert.equal(v, '3.23');
    const r = await tsc(sim, 'POST', `/api/${v}/auth/signin`, {
      body: '<tsRequest><credentials personalAccessTokenName="ann-pat" personalAccessTokenSecret="ann-pat-secret"><site contentUrl="sales" /></credentials></tsRequest>',
    });
    assert.equal(r.status, 200, r.text);
    token = attrOf(r.text, 'credentials', 'token')!;
    siteId = attrOf(r.text, 'site', 'id')!;
    projectId = sim.state().projects.find((p) => p.name === 'Marketing')!.id;
  });
  after(() => sim.close());

  const wbUrl = (q: string): string => `/api/3.23/sites/${siteId}/workbooks?${q}`;
  const viewNames = (xml: string): string[] => [...xml.matchAll(/<view\b[^>]*\sname="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

  it('a .twbx publish answers the views the file has, less the hidden ones; an overwrite takes the new sheets', async () => {
    const file = buildZip([
      { name: 'Campaign.twb', method: 'deflate', data: twb("<worksheets><worksheet name='Sheet 1' /><worksheet name='Trend' /><worksheet name='Helper' /></worksheets>\n<dashboards><dashboard name='Board &amp; Co' /></dashboards>\n<windows><window class='worksheet' hidden='true' name='Helper' /></windows>") },
      { name: 'Data/notes.txt', data: 'hello' },
    ]);
    const mp = tscMultipart([
      { name: 'request_payload', filename: '', contentType: 'text/xml', data: `<tsRequest><workbook name="Campaign" showTabs="true"><project id="${projectId}" /><views><view name="Trend" hidden="true" /></views></workbook></tsRequest>` },
      { name: 'tableau_workbook', filename: 'Campaign.twbx', contentType: 'application/octet-stream', data: file },
    ]);
    const r = await tsc(sim, 'POST', wbUrl('workbookType=twbx'), { token, body: mp.body, contentType: mp.contentType });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(viewNames(r.text), ['Sheet 1', 'Board & Co']);
    const id = attrOf(r.text, 'workbook', 'id')!;
    const listed = await tsc(sim, 'GET', `/api/3.23/sites/${siteId}/workbooks/${id}/views`, { token });
    assert.deepEqual(viewNames(listed.text), ['Sheet 1', 'Board & Co']);

    const plain = Buffer.from(twb("<worksheets><worksheet name='Only One' /></worksheets>"));
    const again = tscMultipart([
      { name: 'request_payload', filename: '', contentType: 'text/xml', data: `<tsRequest><workbook name="Campaign"><project id="${projectId}" /></workbook></tsRequest>` },
      { name: 'tableau_workbook', filename: 'Campaign.twb', contentType: 'application/octet-stream', data: plain },
    ]);
    const o = await tsc(sim, 'POST', wbUrl('workbookType=twb&overwrite=true'), { token, body: again.body, contentType: again.contentType });
    assert.equal(o.status, 201, o.text);
    assert.equal(attrOf(o.text, 'workbook', 'id'), id);
    assert.deepEqual(viewNames(o.text), ['Only One']);
    assert.equal(sim.state().workbooks.find((w) => w.id === id)!.sha256, sha(plain));
  });

  it('a chunked .hyper publish the TSC way: empty payload parts, filename="file", overwrite=true creating a new data source', async () => {
    const init = await tsc(sim, 'POST', `/api/3.23/sites/${siteId}/fileUploads`, { token });
    assert.equal(init.status, 201, init.text);
    const uploadId = attrOf(init.text, 'fileUpload', 'uploadSessionId')!;
    const chunks = [Buffer.concat([Buffer.from('Hyper\x00\x01\x00'), randomBytes(200 * 1024)]), randomBytes(90 * 1024)];
    for (const c of chunks) {
      const mp = tscMultipart([
        { name: 'request_payload', filename: '', contentType: 'text/xml', data: '' },
        { name: 'tableau_file', filename: 'file', contentType: 'application/octet-stream', data: c },
      ]);
      const put = await tsc(sim, 'PUT', `/api/3.23/sites/${siteId}/fileUploads/${uploadId}`, { token, body: mp.body, contentType: mp.contentType });
      assert.equal(put.status, 200, put.text);
    }
    // TSC commits with only the payload part and the upload id unencoded in the query.
    const commit = tscMultipart([{ name: 'request_payload', filename: '', contentType: 'text/xml', data: `<tsRequest><datasource name="Big Extract"><project id="${projectId}" /></datasource></tsRequest>` }]);
    const r = await tsc(sim, 'POST', `/api/3.23/sites/${siteId}/datasources?datasourceType=hyper&overwrite=true&uploadSessionId=${uploadId}`, { token, body: commit.body, contentType: commit.contentType });
    assert.equal(r.status, 201, r.text);
    const st = sim.state().datasources.find((d) => d.id === attrOf(r.text, 'datasource', 'id'))!;
    assert.equal(st.name, 'Big Extract');
    assert.equal(st.sha256, sha(Buffer.concat(chunks)));
  });

  it('a second sign-in with the same PAT: the first token gets a 401 XML error with code 401002', async () => {
    const body = '<tsRequest><credentials personalAccessTokenName="ann-pat" personalAccessTokenSecret="ann-pat-secret"><site contentUrl="sales" /></credentials></tsRequest>';
    const first = attrOf((await tsc(sim, 'POST', '/api/3.23/auth/signin', { body })).text, 'credentials', 'token')!;
    const second = attrOf((await tsc(sim, 'POST', '/api/3.23/auth/signin', { body })).text, 'credentials', 'token')!;
    const old = await tsc(sim, 'GET', `/api/3.23/sites/${siteId}/projects?pageSize=100&pageNumber=1`, { token: first });
    assert.equal(old.status, 401);
    assert.equal(attrOf(old.text, 'error', 'code'), '401002');
    const fresh = await tsc(sim, 'GET', `/api/3.23/sites/${siteId}/projects?pageSize=100&pageNumber=1`, { token: second });
    assert.equal(fresh.status, 200);
    assert.equal(attrOf(fresh.text, 'pagination', 'totalAvailable'), '2');
  });
});

describe('simulator: sheets of a workbook file', () => {
  it('reads worksheets and dashboards in order, decodes entities, drops sheets hidden in the workbook', () => {
    const xml = twb(`<worksheets><worksheet name="A &lt;1&gt;"><table/></worksheet><worksheet name='B&#39;s'/><worksheet name='Hidden'/></worksheets>
<dashboards><dashboard name='Story 1' type='storyboard'/></dashboards><windows><window class='worksheet' name='Hidden' hidden='true'/><window class='dashboard' name='Story 1'/></windows>`);
    assert.deepEqual(sheetNamesInTwb(xml), ['A <1>', "B's", 'Story 1']);
  });

  const PY_ZIP64 = [
    'import sys, zipfile',
    'zipfile.ZIP64_LIMIT = zipfile.ZIP_FILECOUNT_LIMIT = 0',
    'class Pipe:',
    '    def __init__(self, f): self.f = f',
    '    def write(self, b): return self.f.write(b)',
    '    def flush(self): pass',
    "with open(sys.argv[1], 'wb') as f, zipfile.ZipFile(Pipe(f), 'w') as z:",
    "    z.writestr('Data/old.twb', 'x', zipfile.ZIP_DEFLATED)",
    "    z.writestr('Book.twb', sys.argv[2], zipfile.ZIP_DEFLATED)",
  ].join('\n');

  it('finds the top-level .twb in a stored or deflated .twbx; garbage and sheet-less files give undefined', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-sheets-'));
    try {
      const write = (name: string, data: Buffer | string): string => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, data);
        return p;
      };
      const inner = twb("<worksheets><worksheet name='Top' /></worksheets>");
      const nested = twb("<worksheets><worksheet name='Nested' /></worksheets>");
      for (const method of ['store', 'deflate'] as const) {
        const p = write(`${method}.twbx`, buildZip([{ name: 'Data/old.twb', data: nested, method }, { name: 'Book.twb', data: inner, method }], { comment: 'x' }));
        assert.deepEqual(await sheetNamesOfFile(p, 'twbx'), ['Top'], method);
      }
      // ZIP64 records and data descriptors (Python's zipfile, writing to a pipe): the old hand-written reader gave up on these.
      const z64 = path.join(dir, 'zip64.twbx');
      execFileSync('python3', ['-c', PY_ZIP64, z64, inner]);
      assert.deepEqual(await sheetNamesOfFile(z64, 'twbx'), ['Top']);
      assert.equal(await sheetNamesOfFile(write('junk.twbx', randomBytes(4096)), 'twbx'), undefined);
      assert.equal(await sheetNamesOfFile(write('empty.twb', twb('')), 'twb'), undefined);
      assert.deepEqual(await sheetNamesOfFile(write('plain.twb', inner), 'twb'), ['Top']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
