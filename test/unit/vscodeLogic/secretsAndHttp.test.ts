import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { httpOptionsFrom, looksLikePem, SETTING_LIMIT_NAMES } from '../../../src/vscode/connections/httpOptions';
import { PROFILES_REVISION_KEY, parseSecretKey, secretKey, secretKindFor } from '../../../src/vscode/connections/storageKeys';

describe('vscodeLogic: secret keys', () => {
  it('names one key per connection and kind, and parses it back', () => {
    const key = secretKey('3f1e-22', 'patSecret');
    assert.equal(key, 'tableau.secret.3f1e-22.patSecret');
    assert.deepEqual(parseSecretKey(key), { connectionId: '3f1e-22', kind: 'patSecret' });
    assert.equal(parseSecretKey('tableau.secret.x.somethingElse'), undefined);
    assert.equal(parseSecretKey(PROFILES_REVISION_KEY), undefined);
    assert.equal(parseSecretKey('other.secret.x.password'), undefined);
  });

  it('maps auth kinds to the secret they need', () => {
    assert.equal(secretKindFor('pat'), 'patSecret');
    assert.equal(secretKindFor('password'), 'password');
    assert.equal(secretKindFor('connectedApp'), 'connectedAppSecret');
  });
});

describe('vscodeLogic: HTTP settings', () => {
  it('verifies TLS unless strictSSL is explicitly false', () => {
    assert.equal(httpOptionsFrom({}).options.rejectUnauthorized, undefined);
    assert.equal(httpOptionsFrom({}).insecure, false);
    assert.equal(httpOptionsFrom({ strictSSLExplicit: true }).insecure, false);
    const off = httpOptionsFrom({ strictSSLExplicit: false });
    assert.equal(off.insecure, true);
    assert.equal(off.options.rejectUnauthorized, false);
  });

  it('passes proxy, CA and timeouts through', () => {
    const r = httpOptionsFrom({ proxy: ' http://proxy:3128 ', caPem: 'PEM', requestTimeoutSeconds: 30, transferTimeoutMinutes: 90, maxDownloadMB: 512 });
    assert.deepEqual(r.options, {
      proxyUrl: 'http://proxy:3128',
      caPem: 'PEM',
      requestTimeoutMs: 30_000,
      transferTimeoutMs: 90 * 60_000,
      maxDownloadBytes: 512 * 1024 * 1024,
      limitNames: SETTING_LIMIT_NAMES,
    });
    // A message that reports a limit names the setting that raises it.
    assert.match(SETTING_LIMIT_NAMES.requestTimeout ?? '', /tableau\.requestTimeoutSeconds/);
    assert.match(SETTING_LIMIT_NAMES.maxDownload ?? '', /tableau\.maxDownloadMB/);
    assert.deepEqual(httpOptionsFrom({ proxy: '', requestTimeoutSeconds: 0, maxDownloadMB: -1 }).options, { limitNames: SETTING_LIMIT_NAMES });
  });

  it('every limit a message names is a contributed setting, described in package.nls.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { markdownDescription?: string }> } } };
    const nls = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.nls.json'), 'utf8')) as Record<string, string>;
    for (const name of Object.values(SETTING_LIMIT_NAMES)) {
      const key = /tableau\.\w+/.exec(name ?? '')?.[0] ?? '';
      const prop = pkg.contributes.configuration.properties[key];
      assert.ok(prop, `${key} is contributed`);
      assert.ok(nls[(prop.markdownDescription ?? '').replace(/%/g, '')], `${key} is described`);
    }
  });

  it('recognises PEM certificates', () => {
    assert.equal(looksLikePem('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'), true);
    assert.equal(looksLikePem('not a cert'), false);
  });
});
