import * as assert from 'node:assert/strict';
import { withSim } from '../../support/simFixture';
import { api, signIn } from '../../support/wire';

// Names no HTTP header can carry as they are: multi-byte, control characters, quotes.
const NAMES = ['Plain Name', 'Überblick 売上 📈', 'Evil \x1b]0;pwned\x07 "quoted" a\\b'];

describe('simulator: download answers', () => {
  it('names the file in Content-Disposition in ASCII, with filename*=UTF-8 for any other name (as TSC decodes it)', () =>
    withSim(
      {
        config: {
          users: [{ name: 'u', password: 'pw', siteRole: 'Creator' }],
          projects: [{ path: 'P' }],
          workbooks: NAMES.map((name) => ({ name, project: 'P' })),
        },
      },
      async (sim) => {
        const auth = await signIn(sim, { name: 'u', password: 'pw' });
        for (const name of NAMES) {
          const wb = sim.state().workbooks.find((w) => w.name === name)!;
          const res = await fetch(api(sim, `sites/${auth.siteId}/workbooks/${wb.id}/content`), { headers: { 'X-Tableau-Auth': auth.token } });
          assert.equal(res.status, 200, name);
          assert.equal(Buffer.from(await res.arrayBuffer()).length, wb.size);
          const cd = res.headers.get('content-disposition') ?? '';
          assert.match(cd, /^attachment; filename="[\x20-\x7e]*"/, cd);
          assert.doesNotMatch(cd, /[^\x20-\x7e]/);
          const star = /filename\*=UTF-8''(.+)$/.exec(cd)?.[1];
          assert.equal(star === undefined ? /filename="(.*)"/.exec(cd)?.[1] : decodeURIComponent(star), `${name}.twb`);
        }
      },
    ));
});
