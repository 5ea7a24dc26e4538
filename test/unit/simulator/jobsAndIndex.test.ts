/**
 * The simulator answers jobs in Tableau's shapes (schema jobType, TSC's recorded job_*.xml)
 * and lags its search index behind creates (SimConfig.indexLagMs), like Tableau.
 */
import * as assert from 'node:assert/strict';
import type { RunningSimulator, SimConfig } from '../../simulator/index';
import { startSignedIn } from '../../support/simFixture';
import { api, type Auth, filePart, multipart, payloadPart, post, sleep, workbookPayload } from '../../support/wire';

const config: SimConfig = {
  // A site administrator: only administrators may create top-level projects (Create Project reference).
  users: [{ name: 'ann', password: 'pw-ann', siteRole: 'SiteAdministratorCreator' }],
  projects: [{ path: 'Default' }, { path: 'Finance' }],
  datasources: [{ name: 'Orders', project: 'Finance', owner: 'ann', type: 'hyper', hasExtracts: true }],
  jobDurationMs: 200,
  indexLagMs: 300,
};

async function xml(sim: RunningSimulator, a: Auth, path: string): Promise<string> {
  const res = await fetch(api(sim, path.replace('{site}', a.siteId)), { headers: { 'X-Tableau-Auth': a.token } });
  assert.equal(res.status, 200);
  return res.text();
}

/** The job element and its children, without the XML head. */
const jobOf = (text: string): string => /<job [^>]*\/>|<job [^>]*>[\s\S]*?<\/job>/.exec(text)![0];
const attrOf = (el: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(el.split('>')[0])?.[1];

describe('simulator: job shapes and search index lag', () => {
  let sim: RunningSimulator;
  let ann: Auth;
  let projectId: string;
  before(async () => ({ sim, auth: ann, projectId } = await startSignedIn(config, { name: 'ann', password: 'pw-ann' }, 'Finance')));
  after(() => sim.close());

  const publishAsJob = async (name: string): Promise<string> => {
    const mp = multipart([payloadPart(workbookPayload(name, projectId)), filePart('tableau_workbook', `${name}.twb`, 'x')]);
    const res = await post(sim, ann, 'sites/{site}/workbooks?workbookType=twb&asJob=true', mp.body, mp.contentType, false);
    assert.equal(res.status, 202, res.text);
    return jobOf(res.text);
  };

  it('answers an asJob publish like workbook_publish_async.xml, and polls end only with completedAt', async () => {
    const first = await publishAsJob('Shapes');
    assert.equal(attrOf(first, 'type'), 'PublishWorkbook');
    assert.equal(attrOf(first, 'progress'), '0');
    assert.equal(attrOf(first, 'finishCode'), '1', 'finishCode="1" before anything has ended');
    assert.equal(attrOf(first, 'completedAt'), undefined);
    assert.ok(first.endsWith('/>'), 'a publish job names no item');
    const id = attrOf(first, 'id')!;
    let last = '';
    for (let i = 0; i < 40 && !attrOf(last, 'completedAt'); i++) {
      last = jobOf(await xml(sim, ann, `sites/{site}/jobs/${id}`));
      if (!attrOf(last, 'completedAt')) await sleep(40);
    }
    assert.equal(attrOf(last, 'finishCode'), '0');
    assert.equal(attrOf(last, 'progress'), '100');
    assert.ok(last.endsWith('/>'), 'a finished publish job names no item either');
  });

  it('puts a failed job\'s reason in <notes>, first in its detail element (schema order)', async () => {
    sim.injectFault({ match: { pathPattern: '/refresh$' }, action: { jobFinishCode: 1, jobNotes: 'Login failed for user.' } });
    const d = sim.state().datasources.find((x) => x.name === 'Orders')!;
    const res = await post(sim, ann, `sites/{site}/datasources/${d.id}/refresh`, '<tsRequest/>', 'text/xml', false);
    assert.equal(res.status, 202, res.text);
    const id = attrOf(jobOf(res.text), 'id')!;
    await sleep(250);
    const done = jobOf(await xml(sim, ann, `sites/{site}/jobs/${id}`));
    assert.equal(attrOf(done, 'finishCode'), '1');
    assert.match(done, /<extractRefreshJob><notes>Login failed for user\.<\/notes><datasource id="[^"]+" name="[^"]*"\/><\/extractRefreshJob>/);
    assert.doesNotMatch(done, /statusNote/, 'no statusNote outside the schema\'s types');
  });

  it('misses a new project in filtered and sorted listings for indexLagMs, never in the unfiltered one', async () => {
    const created = await post(sim, ann, 'sites/{site}/projects', '<tsRequest><project name="Fresh"/></tsRequest>', 'text/xml');
    assert.equal(created.status, 201, created.text);
    const names = async (query: string): Promise<string[]> => {
      const res = await fetch(api(sim, `sites/${ann.siteId}/projects?${query}`), { headers: { 'X-Tableau-Auth': ann.token, Accept: 'application/json' } });
      const body = (await res.json()) as { projects: { project?: { name: string }[] } };
      return (body.projects.project ?? []).map((p) => p.name);
    };
    assert.ok((await names('pageSize=100')).includes('Fresh'), 'the unfiltered listing has it at once');
    assert.deepEqual(await names('filter=name:eq:Fresh'), [], 'the search index does not, yet');
    assert.ok(!(await names('sort=name:asc')).includes('Fresh'));
    await sleep(350);
    assert.deepEqual(await names('filter=name:eq:Fresh'), ['Fresh']);
    assert.ok((await names('sort=name:asc')).includes('Fresh'));
  });
});
