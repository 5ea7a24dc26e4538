import * as assert from 'node:assert/strict';
import { TableauError } from '../../../src/core/errors';
import { hostOf, isLoopbackHost, parseServerAddress } from '../../../src/core/http/serverAddress';

function refused(input: string): TableauError {
  try {
    parseServerAddress(input);
  } catch (e) {
    assert.ok(TableauError.is(e, 'invalidServerAddress'), `expected invalidServerAddress for ${JSON.stringify(input)}, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(input)} to be refused`);
}

describe('parseServerAddress', () => {
  const cases: [string, string, string | undefined][] = [
    ['https://tableau.example.com', 'https://tableau.example.com', undefined],
    ['https://tableau.example.com/', 'https://tableau.example.com', undefined],
    ['  https://tableau.example.com/  ', 'https://tableau.example.com', undefined],
    ['tableau.example.com', 'https://tableau.example.com', undefined],
    ['tableau.example.com:8443', 'https://tableau.example.com:8443', undefined],
    ['HTTPS://Tableau.Example.com', 'https://tableau.example.com', undefined],
    ['https://host:8443/prefix/', 'https://host:8443/prefix', undefined],
    ['https://host/a/b/#/site/x/home', 'https://host/a/b', 'x'],
    ['https://10ay.online.tableau.com/#/site/sales/home', 'https://10ay.online.tableau.com', 'sales'],
    ['https://10ay.online.tableau.com/#/site/sales/workbooks/123?:origin=card_share_link', 'https://10ay.online.tableau.com', 'sales'],
    ['https://host/#/home', 'https://host', ''],
    ['https://host/t/sales/views/Superstore/Overview', 'https://host', 'sales'],
    ['https://host/api/3.19/sites/abc/projects', 'https://host', undefined],
    ['https://host:8443/prefix/api/3.19/auth/signin', 'https://host:8443/prefix', undefined],
    ['http://localhost:8080', 'http://localhost:8080', undefined],
    ['https://host/#/site/my%20site/home', 'https://host', 'my site'],
  ];
  for (const [input, serverUrl, site] of cases) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      const a = parseServerAddress(input);
      assert.equal(a.serverUrl, serverUrl);
      assert.equal(a.siteContentUrl, site);
    });
  }

  it('reports https and loopback', () => {
    assert.deepEqual(parseServerAddress('http://127.0.0.1:9000'), { serverUrl: 'http://127.0.0.1:9000', isHttps: false, isLoopback: true });
    assert.equal(parseServerAddress('https://[::1]:8443').isLoopback, true);
    assert.equal(parseServerAddress('https://[::1]:8443').serverUrl, 'https://[::1]:8443');
    assert.equal(parseServerAddress('tableau.example.com').isHttps, true);
    assert.equal(parseServerAddress('tableau.example.com').isLoopback, false);
  });

  it('isLoopbackHost', () => {
    for (const h of ['localhost', 'LOCALHOST', '127.0.0.1', '127.8.9.10', '::1', '[::1]']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['10.0.0.1', '128.0.0.1', 'localhost.example.com', 'example.com', '::2']) assert.equal(isLoopbackHost(h), false, h);
  });

  it('a name under .localhost is not loopback: the resolver may send it anywhere (issue #13)', () => {
    for (const h of ['app.localhost', 'tableau.LOCALHOST', 'a.b.localhost']) assert.equal(isLoopbackHost(h), false, h);
    assert.equal(parseServerAddress('http://tableau.localhost:8000').isLoopback, false);
  });

  it('refuses empty input', () => {
    assert.match(refused('').message, /empty/);
    assert.match(refused('   ').message, /empty/);
  });

  it('refuses other schemes', () => {
    for (const s of ['ftp://host', 'file:///etc/passwd', 'javascript:alert(1)', 'mailto:someone']) {
      const e = refused(s);
      assert.match(e.message, /https:\/\//, s);
    }
    assert.match(refused('ftp://host').message, /ftp:/);
  });

  it('refuses credentials in the URL without echoing them', () => {
    for (const s of ['https://admin:hunter2secret@host', 'admin:hunter2secret@host', 'https://admin@host/']) {
      const e = refused(s);
      assert.match(e.message, /user name or password/);
      assert.doesNotMatch(e.message, /hunter2secret|admin/);
    }
  });

  it('refuses spaces inside and a missing host', () => {
    assert.match(refused('https://my host.com').message, /spaces/);
    assert.match(refused('https://').message, /no host/);
    assert.match(refused('https:///path').message, /no host/);
  });
});

describe('hostOf', () => {
  it('names host and port of a saved address, and keeps text that is not a URL as it is', () => {
    assert.equal(hostOf('https://tableau.example.com:8443/prefix'), 'tableau.example.com:8443');
    assert.equal(hostOf('https://tableau.example.com'), 'tableau.example.com');
    assert.equal(hostOf('not a url'), 'not a url');
  });
});
