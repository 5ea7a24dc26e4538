import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { validateManifest } from '../../../src/core/publish/manifest';
import { envManifest } from '../../support/envFixture';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const schema = JSON.parse(fs.readFileSync(path.join(root, 'media', 'schemas', 'tableau-publish.schema.json'), 'utf8')) as object;
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { jsonValidation: { fileMatch: string; url: string }[] } };

const v1Target = { file: 'reports/*.twbx', connection: 'sim', site: 'pub', project: 'Finance / Monthly', name: 'From Manifest', mode: 'overwrite', options: { tags: ['a'], description: 'd', showTabs: false, hiddenViews: ['S'], skipConnectionCheck: true, asJob: true } };
const rule = { match: { class: 'postgres', server: 'db.dev' }, set: { server: 'db.prod', dbname: 'sales' }, credentials: { username: 'u', password: { env: 'PW' } } };

/** Documents both must accept: every shape the suites write. */
const GOOD: Record<string, unknown> = {
  'v1 as the CLI and VS Code suites write it': { version: 1, targets: [v1Target] },
  'v1 with $schema and no targets': { $schema: './schema.json', version: 1, targets: [] },
  'the environments suites\' manifest': envManifest('http://127.0.0.1:1', 'http://127.0.0.1:2'),
  'the two-server manifest (envPrefix)': envManifest('http://127.0.0.1:1', 'https://prod.example', { prodPrefix: 'TABLEAU_PROD_' }),
  'v2 with a direct target and env-level rules and options': {
    version: 2,
    environments: { prod: { site: '', confirm: true, createProjects: true, options: { tags: ['prod'] }, dataConnections: [rule] } },
    targets: [{ ...v1Target, dataConnections: [{ match: { publishedDataSource: 'Orders' }, set: { publishedDataSource: 'Orders (Prod)' }, via: 'file' }], environment: 'prod' }],
  },
  'a rule with a VS Code secret only': { version: 2, environments: { dev: { site: 'd' } }, targets: [{ file: 'a.twbx', project: 'P', mode: 'overwrite', environments: { dev: { dataConnections: [{ ...rule, credentials: { username: 'u', password: { secret: 'dev-db' }, embed: false } }] } } }] },
};

/** Documents both must refuse. */
const BAD: Record<string, unknown> = {
  'version 3': { version: 3, targets: [] },
  'a v1 target without a connection': { version: 1, targets: [{ ...v1Target, connection: undefined }] },
  'environments in a version 1 file': { version: 1, environments: {}, targets: [] },
  'an unknown mode': { version: 2, targets: [{ ...v1Target, mode: 'sideways' }] },
  'a literal password in a rule': { version: 2, environments: { dev: { site: '', dataConnections: [{ ...rule, credentials: { username: 'u', password: 'hunter2' } }] } }, targets: [] },
  'a password reference with no secret and no env': { version: 2, environments: { dev: { site: '', dataConnections: [{ ...rule, credentials: { username: 'u', password: {} } }] } }, targets: [] },
  'a secret key in the options': { version: 2, targets: [{ ...v1Target, options: { password: 'p' } }] },
  'a rule matching on nothing': { version: 2, environments: { dev: { site: '', dataConnections: [{ match: {}, set: { server: 'x' } }] } }, targets: [] },
  'a rule that changes nothing': { version: 2, environments: { dev: { site: '', dataConnections: [{ match: { server: 'x' } }] } }, targets: [] },
  'a rule with an unknown route': { version: 2, environments: { dev: { site: '', dataConnections: [{ ...rule, via: 'email' }] } }, targets: [] },
  'an environment without a site': { version: 2, environments: { dev: { connection: 'Dev' } }, targets: [] },
  'an environment name with a space': { version: 2, environments: { 'my env': { site: '' } }, targets: [] },
  'an unknown environment key': { version: 2, environments: { dev: { site: '', colour: 'red' } }, targets: [] },
  'a v2 target with neither environments nor a connection': { version: 2, targets: [{ file: 'a.twbx', project: 'P', mode: 'overwrite' }] },
  'an envPrefix that is no variable name': { version: 2, environments: { dev: { site: '', envPrefix: 'TABLEAU PROD' } }, targets: [] },
  'an unknown override key': { version: 2, environments: { dev: { site: '' } }, targets: [{ file: 'a.twbx', project: 'P', mode: 'overwrite', environments: { dev: { site: 'x' } } }] },
};

describe('manifest JSON Schema (media/schemas/tableau-publish.schema.json)', () => {
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const byManifest = (doc: unknown): boolean => {
    try {
      validateManifest(JSON.parse(JSON.stringify(doc)));
      return true;
    } catch {
      return false;
    }
  };

  it('is contributed for .vscode/tableau-publish.json and shipped', () => {
    assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: '.vscode/tableau-publish.json', url: './media/schemas/tableau-publish.schema.json' }]);
    assert.match(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!media\/schemas\/\*\*$/m);
  });

  for (const [name, doc] of Object.entries(GOOD)) {
    it(`accepts ${name}, as validateManifest does`, () => {
      const ok = validate(JSON.parse(JSON.stringify(doc)));
      assert.ok(ok, JSON.stringify(validate.errors));
      assert.equal(byManifest(doc), true);
    });
  }

  for (const [name, doc] of Object.entries(BAD)) {
    it(`refuses ${name}, as validateManifest does`, () => {
      assert.equal(validate(JSON.parse(JSON.stringify(doc))), false, 'the schema refuses it');
      assert.equal(byManifest(doc), false, 'validateManifest refuses it');
    });
  }
});
