/**
 * Answers no real Tableau would send, served by the simulator's fault injection over real
 * sockets: each must end in a TableauError with a clear reason, quickly, within a bounded
 * amount of memory, and never expand an entity.
 */
import * as assert from 'node:assert/strict';
import { TableauError, type TableauErrorReason } from '../../../src/core/errors';
import { publish } from '../../../src/core/publish/publisher';
import { hyperBytes } from '../../fixtures/samples';
import { tempDir } from '../../support/files';
import { caseClient, hardConfig, itemsNamed, patCredential, PATS, projectIdOn, type CaseClient } from '../../support/simFixture';
import type { FaultSpec } from '../../simulator/config';
import { startSimulator, type RunningSimulator } from '../../simulator/index';

const XML = 'application/xml;charset=UTF-8';
const LOLS = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${LOLS}]><tsResponse><projects><project id="p1" name="&lol9;"/></projects></tsResponse>`;
const XXE = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><tsResponse><projects><project id="p1" name="&xxe;"/></projects></tsResponse>`;
const READ = { method: 'GET', pathPattern: '/projects$' };
const SIGN_IN = { method: 'POST', pathPattern: '/auth/signin$' };

interface HostileCase {
  name: string;
  fault: FaultSpec;
  /** Which call meets the fault. */
  call: 'read' | 'signIn';
  /** The error reason, or 'ok' with a check of the value. */
  expect: TableauErrorReason | 'ok';
  message?: RegExp;
  check?: (projects: { id: string; name: string }[]) => void;
  maxMs?: number;
}

const CASES: HostileCase[] = [
  { name: 'malformed XML', call: 'read', fault: { match: READ, action: { body: '<tsResponse><projects><project id="p1"</projects>', contentType: XML } }, expect: 'malformedResponse', message: /not well-formed XML/ },
  { name: 'truncated XML', call: 'read', fault: { match: READ, action: { body: '<?xml version="1.0"?><tsResponse><projects><project id="p1" name="x"/>', contentType: XML } }, expect: 'malformedResponse' },
  // Tableau never declares a DOCTYPE: such a document is refused before it is parsed (the parser
  // would not expand its entities either: see decode.test.ts).
  { name: 'DOCTYPE with entity expansion (billion laughs) is refused, not expanded', call: 'read', fault: { match: READ, action: { body: BILLION_LAUGHS, contentType: XML } }, expect: 'notTableauResponse', message: /DOCTYPE/, maxMs: 1000 },
  { name: 'external entity (XXE) is refused, never read', call: 'read', fault: { match: READ, action: { body: XXE, contentType: XML } }, expect: 'notTableauResponse', message: /DOCTYPE/ },
  { name: '100 MB answer with Content-Length', call: 'read', fault: { match: READ, action: { bodyBytes: 100 * 1024 * 1024, contentType: XML } }, expect: 'responseTooLarge', message: /larger than 16 MiB/, maxMs: 3000 },
  { name: '100 MB answer, chunked (size unknown up front)', call: 'read', fault: { match: READ, action: { bodyBytes: 100 * 1024 * 1024, chunked: true, contentType: XML } }, expect: 'responseTooLarge', message: /larger than 16 MiB/, maxMs: 8000 },
  { name: 'HTML page with status 200 (read)', call: 'read', fault: { match: READ, action: { html: true } }, expect: 'notTableauResponse', message: /HTML page/ },
  { name: 'HTML single-sign-on page with status 200 (sign-in)', call: 'signIn', fault: { match: SIGN_IN, action: { html: true } }, expect: 'notTableauResponse', message: /HTML page/ },
  // Listings ask for JSON (faster to decode); sign-in asks for XML and must refuse JSON.
  { name: 'JSON where XML is expected', call: 'signIn', fault: { match: SIGN_IN, action: { body: '{"credentials":{"token":"t","site":{"id":"s"},"user":{"id":"u"}}}', contentType: 'application/json' } }, expect: 'notTableauResponse', message: /JSON where/ },
  { name: 'invalid UTF-8', call: 'read', fault: { match: READ, action: { bodyBase64: Buffer.concat([Buffer.from('<tsResponse><projects><project id="p1" name="'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"/></projects></tsResponse>')]).toString('base64'), contentType: XML } }, expect: 'malformedResponse', message: /not valid UTF-8/ },
  { name: 'plain text with status 200', call: 'read', fault: { match: READ, action: { body: 'OK' } }, expect: 'notTableauResponse', message: /neither XML nor JSON/ },
  { name: 'XML that is not a tsResponse', call: 'read', fault: { match: READ, action: { body: '<rss><channel/></rss>', contentType: XML } }, expect: 'notTableauResponse', message: /no tsResponse/ },
  { name: 'missing required field: project without id', call: 'read', fault: { match: READ, action: { body: '<tsResponse><pagination pageNumber="1" pageSize="100" totalAvailable="1"/><projects><project name="x"/></projects></tsResponse>', contentType: XML } }, expect: 'malformedResponse', message: /project without id/ },
  { name: 'missing required field: sign-in without token', call: 'signIn', fault: { match: SIGN_IN, action: { body: '<tsResponse><credentials><site id="s" contentUrl="hard"/><user id="u"/></credentials></tsResponse>', contentType: XML } }, expect: 'malformedResponse', message: /missing the token/ },
  { name: 'empty 200 answer to sign-in', call: 'signIn', fault: { match: SIGN_IN, action: { status: 200, body: '' } }, expect: 'notTableauResponse', message: /no <credentials> element/ },
  { name: 'deeply nested XML', call: 'read', fault: { match: READ, action: { body: `<tsResponse>${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}</tsResponse>`, contentType: XML } }, expect: 'malformedResponse', maxMs: 3000 },
];

describe('hardening: hostile answers from the server', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ config: hardConfig() });
  });
  after(() => sim.close());
  afterEach(() => sim.clearFaults());

  for (const c of CASES) {
    it(c.name, async () => {
      const cc: CaseClient = caseClient(sim.url, patCredential('main'), PATS.main.site);
      const heapBefore = process.memoryUsage().heapUsed;
      const started = Date.now();
      try {
        if (c.call === 'read') await cc.session.ensureSignedIn();
        sim.injectFault(c.fault);
        let result: { id: string; name: string }[] | undefined;
        let error: unknown;
        try {
          result = c.call === 'read' ? await cc.client.allProjects() : [await cc.session.ensureSignedIn()].map((a) => ({ id: a.siteId, name: a.siteContentUrl }));
        } catch (e) {
          error = e;
        }
        const ms = Date.now() - started;
        if (c.expect === 'ok') {
          assert.equal(error, undefined, `no error expected: ${(error as Error)?.message}`);
          c.check?.(result ?? []);
        } else {
          assert.ok(TableauError.is(error, c.expect), `expected ${c.expect}, got ${TableauError.is(error) ? error.reason : String(error)}: ${(error as Error)?.message}`);
          if (c.message) assert.match((error as Error).message, c.message);
          assert.ok((error as Error).message.length < 400, 'a short message, not the body');
        }
        assert.ok(ms < (c.maxMs ?? 5000), `took ${ms} ms`);
        // Bounded memory: never the 100 MB body, never an expanded entity.
        const grown = process.memoryUsage().heapUsed - heapBefore;
        assert.ok(grown < 64 * 1024 * 1024, `heap grew ${Math.round(grown / 1048576)} MiB`);
      } finally {
        await cc.close();
      }
    });
  }

  it('a publish answered with an HTML page (status 200) fails clearly and publishes nothing', async () => {
    const tmp = tempDir('tp-hostile-');
    const cc = caseClient(sim.url, patCredential('main'), PATS.main.site);
    try {
      const file = tmp.file('Walled.hyper', hyperBytes(20_000, 9));
      sim.injectFault({ match: { method: 'POST', pathPattern: '/datasources$' }, action: { html: true } });
      await assert.rejects(
        publish(cc.client, { filePath: file, projectId: projectIdOn(sim.state(), 'hard'), mode: 'createnew', name: 'Walled' }, { retry: { baseDelayMs: 10 } }),
        (e) => TableauError.is(e, 'notTableauResponse') && /HTML page/.test((e as Error).message),
      );
      assert.equal(itemsNamed(sim.state(), 'Walled').length, 0);
    } finally {
      await cc.close();
      tmp.cleanup();
    }
  });
});
