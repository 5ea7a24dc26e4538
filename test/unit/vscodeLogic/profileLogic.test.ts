import * as assert from 'node:assert/strict';
import type { ConnectionProfile } from '../../../src/vscode/connections/connectionManager';
import {
  accountLabel,
  activeProfile,
  credentialFor,
  dayKey,
  dropOtherAuthFields,
  expiryDateProblem,
  labelProblem,
  parseDay,
  patExpiry,
  patWarningDue,
  profileFromStored,
  profileProblems,
  sendsSecretInClear,
  sessionKey,
  siteProblem,
  tokenPageUrl,
  viewWebUrl,
  contentListWebUrl,
  trustedWebpageUrl,
} from '../../../src/vscode/connections/profileLogic';

const pat: ConnectionProfile = {
  id: 'c1',
  label: 'Sales',
  serverUrl: 'https://tableau.example.com',
  siteContentUrl: 'sales',
  authKind: 'pat',
  patName: 'ci-token',
  readOnly: false,
};

describe('vscodeLogic: profiles', () => {
  it('the active profile is the stored one while it exists, else the first', () => {
    const other = { ...pat, id: 'c2', label: 'Other' };
    assert.equal(activeProfile([pat, other], 'c2'), other);
    assert.equal(activeProfile([pat, other], 'gone'), pat);
    assert.equal(activeProfile([pat, other], undefined), pat);
    assert.equal(activeProfile([], 'c2'), undefined);
  });

  describe('dates and PAT expiry', () => {
    it('parses real YYYY-MM-DD days only', () => {
      assert.equal(parseDay('2026-02-28')?.getDate(), 28);
      assert.equal(parseDay('2026-02-30'), undefined);
      assert.equal(parseDay('26-1-1'), undefined);
      assert.equal(parseDay('2026-13-01'), undefined);
      assert.equal(expiryDateProblem(''), undefined);
      assert.match(expiryDateProblem('31/12/2026') ?? '', /YYYY-MM-DD/);
    });

    it('counts whole local days to expiry', () => {
      const now = new Date(2026, 0, 10, 23, 59);
      assert.deepEqual(patExpiry('2026-01-17', now), { daysLeft: 7, expired: false });
      assert.deepEqual(patExpiry('2026-01-10', now), { daysLeft: 0, expired: false });
      assert.deepEqual(patExpiry('2026-01-09', now), { daysLeft: -1, expired: true });
      assert.equal(patExpiry(undefined, now), undefined);
      assert.equal(patExpiry('soon', now), undefined);
    });

    it('warns within 7 days, once per day, and only for PATs', () => {
      const now = new Date(2026, 0, 10, 9, 0);
      const p = { ...pat, patExpiresOn: '2026-01-17' };
      assert.equal(patWarningDue(p, now, undefined)?.daysLeft, 7);
      assert.equal(patWarningDue(p, now, dayKey(now)), undefined, 'already warned today');
      assert.ok(patWarningDue(p, now, '2026-01-09'), 'warned yesterday: warn again');
      assert.equal(patWarningDue({ ...p, patExpiresOn: '2026-01-18' }, now, undefined), undefined, '8 days left');
      assert.equal(patWarningDue({ ...p, authKind: 'password', username: 'u' }, now, undefined), undefined);
      assert.equal(patWarningDue({ ...p, patExpiresOn: '2025-12-01' }, now, undefined)?.expired, true);
    });

    it('formats the local day', () => {
      assert.equal(dayKey(new Date(2026, 2, 5, 1, 2)), '2026-03-05');
    });
  });

  describe('validation', () => {
    it('refuses empty and duplicate labels, case-insensitively, except for the profile itself', () => {
      assert.ok(labelProblem('  ', []));
      assert.match(labelProblem('sales', [pat]) ?? '', /already exists/);
      assert.equal(labelProblem('sales', [pat], 'c1'), undefined);
      assert.equal(labelProblem('Finance', [pat]), undefined);
    });

    it('checks site content URLs', () => {
      assert.equal(siteProblem(''), undefined);
      assert.equal(siteProblem('sales-emea_2'), undefined);
      assert.ok(siteProblem('sales/emea'));
      assert.ok(siteProblem('#/site/x'));
    });

    it('lists what an auth kind lacks', () => {
      assert.deepEqual(profileProblems(pat), []);
      assert.equal(profileProblems({ ...pat, patName: undefined }).length, 1);
      assert.equal(profileProblems({ ...pat, authKind: 'connectedApp' }).length, 3);
      assert.equal(profileProblems({ ...pat, authKind: 'password', username: 'ann' }).length, 0);
    });

    it('reads stored profiles defensively and keeps no unknown fields', () => {
      const stored = { ...pat, serverUrl: 'https://tableau.example.com/', password: 'leak', extra: 1 };
      const p = profileFromStored(stored);
      assert.ok(p);
      assert.equal(p.serverUrl, 'https://tableau.example.com');
      assert.equal((p as unknown as Record<string, unknown>).password, undefined);
      assert.equal((p as unknown as Record<string, unknown>).extra, undefined);
      assert.equal(profileFromStored({ ...pat, authKind: 'saml' }), undefined);
      assert.equal(profileFromStored({ ...pat, serverUrl: 'ftp://x' }), undefined);
      assert.equal(profileFromStored(null), undefined);
      assert.equal(profileFromStored({ ...pat, patName: '' }), undefined);
      assert.equal(profileFromStored({ ...pat, readOnly: 'yes' })?.readOnly, false);
    });
  });

  describe('credentials and labels', () => {
    it('builds the core credential for each kind', () => {
      assert.deepEqual(credentialFor(pat, 's3cret'), { kind: 'pat', tokenName: 'ci-token', tokenSecret: 's3cret' });
      assert.deepEqual(credentialFor({ ...pat, authKind: 'password', username: 'ann' }, 'pw'), { kind: 'password', username: 'ann', password: 'pw' });
      const app = { ...pat, authKind: 'connectedApp' as const, clientId: 'cid', secretId: 'sid', username: 'ann' };
      assert.deepEqual(credentialFor(app, 'v'), { kind: 'connectedApp', clientId: 'cid', secretId: 'sid', secretValue: 'v', username: 'ann' });
      // Impersonation with a connected app is a different JWT subject.
      assert.equal((credentialFor(app, 'v', 'bob') as { username: string }).username, 'bob');
    });

    it('labels accounts as "user @ host/site"', () => {
      assert.equal(accountLabel({ ...pat, username: 'ann' }), 'ann @ tableau.example.com/sales');
      assert.equal(accountLabel(pat, ''), 'token ci-token @ tableau.example.com');
      assert.equal(accountLabel({ ...pat, serverUrl: 'http://localhost:8080' }, 'x', 'bob'), 'bob @ localhost:8080/x');
    });

    it('keys sessions by connection, site and acting user', () => {
      assert.notEqual(sessionKey('c', 'a'), sessionKey('c', 'b'));
      assert.notEqual(sessionKey('c', 'a'), sessionKey('c', 'a', 'u1'));
      assert.equal(sessionKey('c', ''), sessionKey('c', '', undefined));
    });
  });

  describe('web addresses', () => {
    it('addresses items on a named site and on the default site', () => {
      assert.equal(viewWebUrl('https://t.example.com', 'x', 'Superstore/sheets/Overview'), 'https://t.example.com/#/site/x/views/Superstore/Overview');
      assert.equal(viewWebUrl('https://t.example.com/', '', 'Superstore/sheets/Overview'), 'https://t.example.com/#/views/Superstore/Overview');
      assert.equal(contentListWebUrl('https://t.example.com/tab', 'x', 'project'), 'https://t.example.com/tab/#/site/x/projects');
      assert.equal(contentListWebUrl('https://t.example.com', '', 'datasource'), 'https://t.example.com/#/datasources');
      // Tableau's own address (a repository number, not the LUID), only on the connection's origin.
      assert.equal(trustedWebpageUrl('https://t.example.com', 'https://t.example.com/#/site/sales/workbooks/265605'), 'https://t.example.com/#/site/sales/workbooks/265605');
      assert.equal(trustedWebpageUrl('https://t.example.com/tab', 'https://t.example.com/#/datasources/3566752'), 'https://t.example.com/#/datasources/3566752');
      for (const bad of [undefined, '', 'not a url', 'https://elsewhere.example/#/workbooks/1', 'http://t.example.com/#/workbooks/1', 'https://t.example.com:8443/#/workbooks/1', 'vscode://some.extension/run', 'javascript:alert(1)', 'file:///etc/passwd']) {
        assert.equal(trustedWebpageUrl('https://t.example.com', bad), undefined, String(bad));
      }
    });

    it('sends token creation to the site home', () => {
      assert.equal(tokenPageUrl('https://t.example.com', 'sales'), 'https://t.example.com/#/site/sales/home');
      assert.equal(tokenPageUrl('https://t.example.com', ''), 'https://t.example.com/#/home');
    });

    it('flags secrets over plain http to other machines only', () => {
      assert.equal(sendsSecretInClear('http://tableau.corp'), true);
      assert.equal(sendsSecretInClear('http://10.0.0.5:8000'), true);
      assert.equal(sendsSecretInClear('https://tableau.corp'), false);
      assert.equal(sendsSecretInClear('http://localhost:8080'), false);
      assert.equal(sendsSecretInClear('http://127.0.0.1:9'), false);
      assert.equal(sendsSecretInClear('http://[::1]:9'), false);
      // Whatever it resolves to, a name under .localhost gets the warning (issue #13).
      assert.equal(sendsSecretInClear('http://tableau.localhost:8080'), true);
    });
  });
});

describe('dropOtherAuthFields', () => {
  const all = { id: 'c', label: 'L', serverUrl: 'https://t.example.com', siteContentUrl: '', readOnly: false, patName: 'n', patExpiresOn: '2030-01-01', username: 'u', clientId: 'ci', secretId: 'si', caFile: '/ca.pem' };
  it('keeps only the sign-in fields of the profile auth kind, and the rest of the profile', () => {
    const pat = { ...all, authKind: 'pat' as const };
    dropOtherAuthFields(pat);
    assert.deepEqual(pat, { id: 'c', label: 'L', serverUrl: 'https://t.example.com', siteContentUrl: '', readOnly: false, patName: 'n', patExpiresOn: '2030-01-01', caFile: '/ca.pem', authKind: 'pat' });
    const password = { ...all, authKind: 'password' as const };
    dropOtherAuthFields(password);
    assert.deepEqual(Object.keys(password).filter((k) => k in all && !['id', 'label', 'serverUrl', 'siteContentUrl', 'readOnly', 'caFile'].includes(k)), ['username']);
    const app = { ...all, authKind: 'connectedApp' as const };
    dropOtherAuthFields(app);
    assert.deepEqual([app.patName, app.patExpiresOn, app.username, app.clientId, app.secretId], [undefined, undefined, 'u', 'ci', 'si']);
    assert.equal('patName' in app, false);
  });
});
