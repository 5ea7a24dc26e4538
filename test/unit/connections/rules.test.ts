import * as assert from 'node:assert/strict';
import { matchConnectionRules, ruleMatches, type DataConnectionRule } from '../../../src/core/connections/rules';
import { TableauError } from '../../../src/core/errors';
import { parseDataConnections, type DataConnection } from '../../../src/core/package/tableauXml';

const WORKBOOK = `<?xml version='1.0' encoding='utf-8' ?>
<workbook><datasources>
  <datasource name='federated.1'><connection class='federated'><named-connections>
    <named-connection name='pg'><connection class='postgres' server='DB.dev.example' port='5432' dbname='sales' username='dev' /></named-connection>
    <named-connection name='sf'><connection class='snowflake' server='acme.snowflakecomputing.com' warehouse='DEV_WH' schema='PUBLIC' dbname='SALES' username='dev' /></named-connection>
  </named-connections></connection></datasource>
  <datasource name='sqlproxy.1'><connection class='sqlproxy' server='tableau.dev' dbname='Orders_DS' server-ds-friendly-name='Orders' port='443' /></datasource>
</datasources></workbook>`;

function conns(): DataConnection[] {
  return parseDataConnections(WORKBOOK, false);
}

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    assert.ok(TableauError.is(e));
    return `${e.reason}: ${e.message}`;
  }
  return undefined;
}

describe('data connection rules', () => {
  it('reads warehouse, schema and the published data source a connection points at', () => {
    const [pg, sf, proxy] = conns();
    assert.equal(pg.server, 'DB.dev.example');
    assert.equal(sf.warehouse, 'DEV_WH');
    assert.equal(sf.schema, 'PUBLIC');
    assert.equal(proxy.publishedDataSource, 'Orders');
    assert.equal(pg.publishedDataSource, undefined);
  });

  it('matches class and server without regard to case, the other fields exactly', () => {
    const [pg] = conns();
    assert.ok(ruleMatches({ class: 'Postgres', server: 'db.DEV.example' }, pg));
    assert.ok(ruleMatches({ port: '5432', dbname: 'sales' }, pg));
    assert.ok(!ruleMatches({ dbname: 'Sales' }, pg));
    assert.ok(!ruleMatches({ server: 'db.dev.example', port: '5433' }, pg));
    assert.ok(!ruleMatches({}, pg), 'an empty match matches nothing');
  });

  it('gives each rule the connections it matched', () => {
    const rules: DataConnectionRule[] = [
      { match: { class: 'postgres' }, set: { server: 'db.prod.example' } },
      { match: { publishedDataSource: 'Orders' }, set: { publishedDataSource: 'Orders (prod)' } },
    ];
    const m = matchConnectionRules(conns(), rules);
    assert.deepEqual(
      m.map((x) => [x.ruleIndex, x.connections]),
      [
        [0, [0]],
        [1, [2]],
      ],
    );
  });

  it('refuses a rule that matches no connection, an empty match, and two rules on one connection', () => {
    assert.match(reason(() => matchConnectionRules(conns(), [{ match: { server: 'db.test.example' } }])) ?? '', /^invalidArgument: Data connection rule 1 \(server=db.test.example\) matches no data connection/);
    assert.match(reason(() => matchConnectionRules(conns(), [{ match: {} }])) ?? '', /^invalidArgument: Data connection rule 1 matches on nothing/);
    assert.match(
      reason(() => matchConnectionRules(conns(), [{ match: { class: 'postgres' } }, { match: { port: '5432' } }])) ?? '',
      /^invalidArgument: Data connection rules 1 and 2 both match the same data connection/,
    );
  });
});
