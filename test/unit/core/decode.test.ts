import * as assert from 'node:assert/strict';
import { TableauError, type TableauErrorReason } from '../../../src/core/errors';
import { decodeResponse, parseRetryAfter } from '../../../src/core/api/decode';
import { decodeXmlEntities, parseXml, xmlAttrs, xmlEscape } from '../../../src/core/api/xml';
import { items, attr } from '../../../src/core/api/shape';
import type { HttpResponse } from '../../../src/core/http/httpClient';

const NS = 'xmlns="http://tableau.com/api" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function res(status: number, body: string | Buffer, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body };
}

function errorXml(code: string, summary = 'Summary', detail = 'Detail text.'): string {
  return `<?xml version='1.0' encoding='UTF-8'?><tsResponse ${NS}><error code="${code}"><summary>${xmlEscape(summary)}</summary><detail>${xmlEscape(detail)}</detail></error></tsResponse>`;
}

function decodeError(r: HttpResponse, expect?: 'xml' | 'json'): TableauError {
  try {
    decodeResponse(r, { expect });
  } catch (e) {
    assert.ok(e instanceof TableauError, `expected TableauError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected decodeResponse to throw');
}

describe('xml', () => {
  it('escapes every special character, apostrophe as &#39;', () => {
    assert.equal(xmlEscape(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&#39;f');
    assert.equal(xmlAttrs({ name: `O'Brien & "Co" <x>`, skip: undefined, n: 3 }), ' name="O&#39;Brien &amp; &quot;Co&quot; &lt;x&gt;" n="3"');
  });

  it('decodes standard and numeric entities only', () => {
    assert.equal(decodeXmlEntities('&amp;&lt;&gt;&quot;&apos;&#39;&#x27;&#233;&#x1F600;'), `&<>"'''\u00e9\u{1F600}`);
    assert.equal(decodeXmlEntities('&custom; &amp;amp;'), '&custom; &amp;');
  });

  it('round-trips names with quotes, ampersands, angle brackets, spaces and non-ASCII', () => {
    const names = [`Sales & "Ops" <EU>`, `O'Brien's  workbook `, 'Ünïcødé 数据 📊', ' leading space'];
    const xml = `<tsResponse ${NS}><projects>${names.map((n, i) => `<project id="${i}"${xmlAttrs({ name: n })}/>`).join('')}</projects></tsResponse>`;
    const ts = parseXml(xml).tsResponse as Record<string, unknown>;
    assert.deepEqual(items(ts, 'projects', 'project').map((p) => attr(p, 'name')), names);
  });

  it('keeps one collection member as an array and a single answer as an object', () => {
    const ts = parseXml(`<tsResponse ${NS}><projects><project id="a"/></projects><job id="j"/></tsResponse>`).tsResponse as Record<string, unknown>;
    assert.ok(Array.isArray((ts.projects as Record<string, unknown>).project));
    assert.ok(!Array.isArray(ts.job));
  });

  it('reads Query Jobs as <backgroundJobs><backgroundJob> (the schema and TSC job_get.xml), one job an array', () => {
    const xml = `<tsResponse ${NS}><pagination pageNumber="1" pageSize="100" totalAvailable="1"/><backgroundJobs>` +
      `<backgroundJob id="2eef4225-aa0c-41c4-8662-a76d89ed7336" status="Success" jobType="refresh_extracts"/></backgroundJobs></tsResponse>`;
    const ts = parseXml(xml).tsResponse as Record<string, unknown>;
    const jobs = items(ts, 'backgroundJobs', 'backgroundJob');
    assert.ok(Array.isArray((ts.backgroundJobs as Record<string, unknown>).backgroundJob));
    assert.deepEqual(jobs.map((j) => [attr(j, 'id'), attr(j, 'status')]), [['2eef4225-aa0c-41c4-8662-a76d89ed7336', 'Success']]);
  });

  it('does not expand DOCTYPE entities (billion laughs) and stays fast and small', () => {
    let dtd = '<!ENTITY lol0 "lollollollollollollollollollol">';
    for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
    const xml = `<?xml version="1.0"?><!DOCTYPE tsResponse [${dtd}]><tsResponse ${NS}><site id="x" name="&lol9;"/><detail>&lol9;</detail></tsResponse>`;
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = Date.now();
    const ts = parseXml(xml).tsResponse as Record<string, unknown>;
    const elapsed = Date.now() - t0;
    assert.equal((ts.site as Record<string, unknown>).name, '&lol9;');
    assert.equal(ts.detail, '&lol9;');
    // Tableau never declares a DOCTYPE: an answer that does is refused before it is parsed.
    assert.equal(decodeError(res(200, xml)).reason, 'notTableauResponse');
    assert.ok(elapsed < 500, `took ${elapsed} ms`);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 50 * 1024 * 1024);
  });
});

describe('decodeResponse', () => {
  it('decodes a 2xx tsResponse and an empty 204', () => {
    const ts = decodeResponse(res(200, `<?xml version='1.0' encoding='UTF-8'?><tsResponse ${NS}><serverInfo><restApiVersion>3.23</restApiVersion></serverInfo></tsResponse>`));
    assert.equal((ts.serverInfo as Record<string, unknown>).restApiVersion, '3.23');
    assert.deepEqual(decodeResponse(res(204, '')), {});
  });

  it('refuses an HTML page, even with status 200', () => {
    for (const html of ['<!DOCTYPE html><html><head><title>Sign in</title></head><body><form></form></body></html>', '<html><body>Login</body></html>', '\n  <HTML><BODY>x<br></BODY></HTML>']) {
      const e = decodeError(res(200, html));
      assert.equal(e.reason, 'notTableauResponse');
      assert.match(e.message, /HTML page, not Tableau's REST API.*proxy or single sign-on.*server address/);
    }
  });

  it('refuses JSON where XML is expected, but reads a JSON Tableau error', () => {
    assert.equal(decodeError(res(200, '{"projects":{}}')).reason, 'notTableauResponse');
    const e = decodeError(res(401, '{"error":{"code":"401002","summary":"Unauthorized Access","detail":"Invalid authentication credentials were provided."}}'));
    assert.equal(e.reason, 'sessionExpired');
    assert.equal(e.code, '401002');
    const ok = decodeResponse(res(200, '{"pagination":{"pageNumber":"1","pageSize":"100","totalAvailable":"0"},"projects":{}}'), { expect: 'json' });
    assert.deepEqual(ok.projects, {});
  });

  it('refuses invalid UTF-8 and plain text', () => {
    const bad = Buffer.concat([Buffer.from(`<tsResponse ${NS}><site name="`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"/></tsResponse>')]);
    assert.equal(decodeError(res(200, bad)).reason, 'malformedResponse');
    assert.equal(decodeError(res(200, 'OK')).reason, 'notTableauResponse');
  });

  it('refuses malformed XML and XML without tsResponse', () => {
    assert.equal(decodeError(res(200, `<tsResponse ${NS}><projects></tsResponse>`)).reason, 'malformedResponse');
    assert.equal(decodeError(res(200, `<tsResponse ${NS}><site></project></tsResponse>`)).reason, 'malformedResponse');
    assert.equal(decodeError(res(200, `<tsResponse ${NS}><detail>a & b</detail></tsResponse>`)).reason, 'malformedResponse');
    assert.equal(decodeError(res(200, `<tsResponse ${NS}><site name="x"`)).reason, 'malformedResponse');
    assert.equal(decodeError(res(200, '<?xml version="1.0"?><rss><channel/></rss>')).reason, 'notTableauResponse');
  });

  const codes: [number, string, TableauErrorReason][] = [
    [401, '401001', 'signInFailed'],
    [401, '401002', 'sessionExpired'],
    [401, '401000', 'sessionExpired'],
    [409, '409006', 'alreadyExists'],
    [403, '403131', 'busy'],
    [409, '409093', 'busy'],
    [403, '403132', 'connectionCheckFailed'],
    [400, '400054', 'appendNotSupported'],
    [400, '400011', 'publishFailed'],
    [404, '404003', 'notFound'],
    [404, '404001', 'notFound'],
    [400, '400000', 'badRequest'],
    [403, '403000', 'forbidden'],
    [403, '403070', 'forbidden'],
    [500, '500000', 'serverError'],
  ];
  for (const [status, code, reason] of codes) {
    it(`maps ${code} to ${reason}`, () => {
      const e = decodeError(res(status, errorXml(code, 'Some Summary', 'The detail & more.')));
      assert.equal(e.reason, reason);
      assert.equal(e.code, code);
      assert.equal(e.status, status);
      assert.equal(e.summary, 'Some Summary');
      assert.equal(e.detail, 'The detail & more.');
      assert.match(e.message, /The detail & more\./);
    });
  }

  it('tells the two meanings of 403007 apart by its text, with the hint for each', () => {
    // TSC #641 / #337: a workbook publish whose connection fails; hyperleaup #26: a data source that exists.
    const conn = decodeError(res(403, errorXml('403007', 'Forbidden', 'Sales failed to establish a connection to your datasource.')));
    assert.equal(conn.reason, 'connectionCheckFailed');
    assert.equal(conn.code, '403007');
    assert.match(conn.message, /check the database address and credentials/);
    assert.doesNotMatch(conn.message, /overwrite/);
    const exists = decodeError(res(403, errorXml('403007', 'Forbidden', "The datasource 'Orders' already exists and may not be overwritten without the 'overwrite' flag set to 'true'.")));
    assert.equal(exists.reason, 'alreadyExists');
    assert.match(exists.message, /overwrite it or use another name/);
    assert.doesNotMatch(exists.message, /credentials/);
    const neither = decodeError(res(403, errorXml('403007', 'Forbidden', 'Not allowed.')));
    assert.equal(neither.reason, 'forbidden');
    assert.match(neither.message, /may already exist.*could not connect to its data/);
  });

  it('refuses a document with a DOCTYPE, even a tsResponse', () => {
    const e = decodeError(res(200, `<?xml version="1.0"?><!DOCTYPE tsResponse><tsResponse ${NS}><projects/></tsResponse>`));
    assert.equal(e.reason, 'notTableauResponse');
    assert.match(e.message, /DOCTYPE.*check the server address/);
  });

  it('maps 429 with Retry-After and status-only errors', () => {
    const e = decodeError(res(429, errorXml('429000'), { 'retry-after': '7' }));
    assert.equal(e.reason, 'rateLimited');
    assert.equal(e.retryAfter, 7);
    assert.equal(decodeError(res(503, '', {})).reason, 'serverError');
    const gateway = decodeError(res(503, '<html><body>Service Unavailable</body></html>', { 'retry-after': '2' }));
    assert.equal(gateway.reason, 'serverError');
    assert.equal(decodeError(res(404, '')).reason, 'notFound');
  });

  it('never echoes a registered secret from a server detail', async () => {
    const { globalRedactor } = await import('../../../src/core/logger');
    globalRedactor.addSecret('s3cr3t-token-value');
    const e = decodeError(res(400, errorXml('400000', 'Bad Request', 'Bad value s3cr3t-token-value in body')));
    assert.doesNotMatch(e.message, /s3cr3t-token-value/);
    assert.doesNotMatch(e.detail ?? '', /s3cr3t-token-value/);
  });

  it('parses Retry-After seconds and dates', () => {
    assert.equal(parseRetryAfter('12'), 12);
    assert.equal(parseRetryAfter(new Date(Date.now() + 5000).toUTCString()), 5);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('explains a redirect instead of following it', () => {
    const e = decodeError(res(301, '', { location: 'https://secure.example.com/api/3.4/x' }));
    assert.equal(e.reason, 'notTableauResponse');
    assert.match(e.message, /https:\/\/secure\.example\.com/);
  });
});
