/**
 * Publish… through the active environment, the parts that need no server: the chosen project is
 * written relative to the environment's project root (a project outside it is refused), and the
 * target remembered keeps the manifest's own rules and other environments' overrides while what
 * was just chosen wins for this environment.
 */
import * as assert from 'node:assert/strict';
import type * as EnvironmentPublishModule from '../../../src/vscode/environments/environmentPublish';
import type { PackageInfo } from '../../../src/core/package/inspect';
import type { PublishManifest } from '../../../src/core/publish/manifest';
import { TableauError } from '../../../src/core/errors';
import { installVscodeStub } from '../../support/vscodeStub';

describe('Publish… through the active environment: project root and the remembered target', () => {
  let stub: ReturnType<typeof installVscodeStub>;
  let mod: typeof EnvironmentPublishModule;
  const rule = { match: { server: 'db.dev.example' }, set: { server: 'db.prod.example' } };
  const manifest: PublishManifest = {
    version: 2,
    environments: { dev: { connection: 'Dev', site: 'sales' }, prod: { connection: 'Prod', site: 'finance', projectRoot: 'Finance' } },
    targets: [
      {
        file: 'reports/Ledger.twb', project: 'Old', mode: 'overwrite', dataConnections: [rule], options: { tags: ['ledger'] },
        environments: { dev: { project: 'Dev Only' }, prod: { project: 'Manifest Says', mode: 'createnew', options: { description: 'from the manifest', showTabs: true } } },
      },
    ],
  };
  const env = () => ({ name: 'prod', folder: {} as never, manifestPath: '/w/.vscode/tableau-publish.json', manifest, preset: {} as never, projectRoot: 'Finance' });
  const info = { path: '/w/reports/Ledger.twb', kind: 'workbook' } as PackageInfo;

  before(async () => {
    stub = installVscodeStub({});
    mod = await import('../../../src/vscode/environments/environmentPublish');
  });
  after(() => stub.restore());

  it('writes the project relative to the root and refuses one outside it', () => {
    assert.equal(mod.projectUnderRoot(env(), ['Finance', 'Quarterly']), 'Quarterly');
    assert.equal(mod.projectUnderRoot(env(), ['finance', 'Monthly', 'Q1']), 'Monthly / Q1', 'as Tableau compares names: ignoring case');
    for (const outside of [['Sales'], ['Finance']]) {
      assert.throws(() => mod.projectUnderRoot(env(), outside), (e: unknown) => TableauError.is(e, 'invalidArgument') && /inside the project "Finance"/.test((e as Error).message));
    }
    assert.equal(mod.projectUnderRoot({ ...env(), projectRoot: undefined }, ['Sales', 'EMEA']), 'Sales / EMEA', 'no root: the whole path');
  });

  it('keeps the manifest target\'s rules and other environments, and lets the choices win for this one', () => {
    const t = mod.targetForChoices(env(), info, 'reports/Ledger.twb', 'Quarterly', {
      name: 'General Ledger', mode: 'createnew', showTabs: false, description: 'chosen', settings: { owner: 'bob', permissions: [{ group: 'Finance Team', template: 'Viewer' }] },
    });
    assert.deepEqual(t, {
      file: 'reports/Ledger.twb',
      project: 'Quarterly',
      name: 'General Ledger',
      mode: 'overwrite',
      dataConnections: [rule],
      options: { tags: ['ledger'], showTabs: false, description: 'chosen', owner: 'bob', permissions: [{ group: 'Finance Team', template: 'Viewer' }] },
      environments: { dev: { project: 'Dev Only' }, prod: {} },
      environment: 'prod',
    });
  });

  it('writes a new target through the environment for a file the manifest does not name, with no connection of its own', () => {
    const t = mod.targetForChoices(env(), { ...info, path: '/w/New.twb' }, 'New.twb', 'Budget 2024', { name: 'New', mode: 'overwrite' });
    assert.deepEqual(t, { file: 'New.twb', project: 'Budget 2024', mode: 'overwrite', environments: { prod: {} }, environment: 'prod' });
  });
});
