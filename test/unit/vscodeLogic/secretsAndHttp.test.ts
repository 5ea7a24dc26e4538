import * as assert from 'node:assert/strict';
import { httpOptionsFrom, looksLikePem } from '../../../src/vscode/connections/httpSettings';
import { PROFILES_REVISION_KEY, parseSecretKey, secretKey, secretKindFor } from '../../../src/vscode/connections/secretKeys';

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
    const r = httpOptionsFrom({ proxy: ' http://proxy:3128 ', caPem: 'PEM', requestTimeoutSeconds: 30 });
    assert.deepEqual(r.options, { proxyUrl: 'http://proxy:3128', caPem: 'PEM', headersTimeoutMs: 30_000, bodyTimeoutMs: 30_000 });
    assert.deepEqual(httpOptionsFrom({ proxy: '', requestTimeoutSeconds: 0 }).options, {});
  });

  it('recognises PEM certificates', () => {
    assert.equal(looksLikePem('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'), true);
    assert.equal(looksLikePem('not a cert'), false);
  });
});
