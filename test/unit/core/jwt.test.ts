import * as assert from 'node:assert/strict';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { TableauError } from '../../../src/core/errors';
import { globalRedactor, RedactingLogger } from '../../../src/core/logger';
import { DEFAULT_SCOPES, mintConnectedAppJwt, PUBLISH_SCOPES, READ_SCOPES } from '../../../src/core/auth/jwt';
import { describeCredential, registerCredentialSecrets } from '../../../src/core/auth/credentials';

const app = { clientId: 'client-123', secretId: 'secret-id-456', secretValue: 'a-very-long-connected-app-secret-value', username: 'alice@example.com' };
const key = new TextEncoder().encode(app.secretValue);

describe('connected app JWT', () => {
  it('carries the header and claims Tableau requires', async () => {
    const before = Math.floor(Date.now() / 1000);
    const jwt = await mintConnectedAppJwt({ ...app, scopes: READ_SCOPES });
    assert.deepEqual(decodeProtectedHeader(jwt), { alg: 'HS256', kid: app.secretId, iss: app.clientId });
    const { payload } = await jwtVerify(jwt, key, { algorithms: ['HS256'], audience: 'tableau', issuer: app.clientId, subject: app.username });
    assert.deepEqual(payload.scp, [...READ_SCOPES]);
    assert.ok(Array.isArray(payload.scp));
    assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
    assert.ok(typeof payload.iat === 'number' && payload.iat >= before - 1);
    assert.ok(typeof payload.exp === 'number' && payload.exp > before && payload.exp <= before + 300 + 1, 'exp at most 5 minutes ahead');
  });

  it('caps the lifetime at 5 minutes and mints a fresh jti every time', async () => {
    const a = await mintConnectedAppJwt({ ...app, scopes: PUBLISH_SCOPES, lifetimeSeconds: 3600 });
    const b = await mintConnectedAppJwt({ ...app, scopes: PUBLISH_SCOPES });
    const pa = (await jwtVerify(a, key)).payload;
    const pb = (await jwtVerify(b, key)).payload;
    assert.ok((pa.exp as number) - (pa.iat as number) <= 300);
    assert.notEqual(pa.jti, pb.jti);
  });

  it('refuses missing parts and empty scopes', async () => {
    await assert.rejects(mintConnectedAppJwt({ ...app, secretValue: '', scopes: READ_SCOPES }), (e) => TableauError.is(e, 'invalidArgument'));
    await assert.rejects(mintConnectedAppJwt({ ...app, scopes: [] }), (e) => TableauError.is(e, 'invalidArgument'));
  });

  it('default scopes hold read and publish scopes but no delete', () => {
    for (const s of [...READ_SCOPES, ...PUBLISH_SCOPES]) assert.ok(DEFAULT_SCOPES.includes(s), s);
    assert.ok(!DEFAULT_SCOPES.some((s) => s.endsWith(':delete')));
  });
});

describe('redaction of credential secrets', () => {
  it('registered secrets and minted JWTs never reach a log line', async () => {
    const lines: string[] = [];
    const log = new RedactingLogger((_l, line) => lines.push(line));
    const pat = { kind: 'pat' as const, tokenName: 'ci-token', tokenSecret: 'pat-secret-abcdef123456' };
    const pwd = { kind: 'password' as const, username: 'bob', password: 'correct horse battery' };
    registerCredentialSecrets(pat);
    registerCredentialSecrets(pwd);
    const jwt = await mintConnectedAppJwt({ ...app, scopes: READ_SCOPES });
    log.info(`pat ${pat.tokenSecret} pwd ${pwd.password} app ${app.secretValue} jwt ${jwt}`, { credentials: pat });
    assert.equal(lines.length, 1);
    for (const secret of [pat.tokenSecret, pwd.password, app.secretValue, jwt]) assert.ok(!lines[0].includes(secret), 'secret leaked');
    assert.match(lines[0], /<redacted>/);
    assert.ok(globalRedactor.redact(jwt.slice(0, 40)).length > 0);
  });

  it('describes a credential without its secret', () => {
    const text = [
      describeCredential({ kind: 'pat', tokenName: 'n', tokenSecret: 'SECRET-1' }),
      describeCredential({ kind: 'password', username: 'u', password: 'SECRET-2' }),
      describeCredential({ kind: 'connectedApp', ...app, secretValue: 'SECRET-3' }),
    ].join(' ');
    assert.doesNotMatch(text, /SECRET-/);
    assert.match(text, /"n".*"u".*client-123/);
  });
});
