// Writes small, valid Tableau-like sample files into a workspace at run time, so the
// repository carries no binaries. The archives are ordinary deflated zips (no zip64), as
// Tableau Desktop writes them, made by the tests' one zip writer.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { buildZip } from '../fixtures/zipWriter';

export interface SampleFiles {
  twbx: string;
  twb: string;
  tds: string;
  tdsx: string;
  hyper: string;
}

export interface SampleOptions {
  /** Size of the generated `.hyper` file in bytes (default 64 KiB). */
  hyperBytes?: number;
}

export const SAMPLE_WORKSHEET = 'Sales by Region';

const POSTGRES_CONNECTION =
  "<connection class='postgres' dbname='sales' port='5432' server='db.example.com' " +
  "authentication='username-password' username='analyst' />";

export function sampleDatasourceXml(name: string): string {
  return [
    "<?xml version='1.0' encoding='utf-8' ?>",
    '<!-- build 20242.24.0807.0327 -->',
    `<datasource formatted-name='${name}' inline='true' source-platform='linux' version='18.1' xmlns:user='http://www.tableausoftware.com/xml/user'>`,
    "  <connection class='federated'>",
    '    <named-connections>',
    `      <named-connection caption='db.example.com' name='postgres.0abc'>${POSTGRES_CONNECTION}</named-connection>`,
    '    </named-connections>',
    '  </connection>',
    "  <column datatype='string' name='[Region]' role='dimension' type='nominal' />",
    "  <column datatype='real' name='[Sales]' role='measure' type='quantitative' />",
    '</datasource>',
    '',
  ].join('\n');
}

export function sampleWorkbookXml(): string {
  return [
    "<?xml version='1.0' encoding='utf-8' ?>",
    '<!-- build 20242.24.0807.0327 -->',
    "<workbook original-version='18.1' source-build='2024.2.2 (20242.24.0807.0327)' source-platform='linux' version='18.1' xmlns:user='http://www.tableausoftware.com/xml/user'>",
    '  <datasources>',
    "    <datasource caption='Superstore' inline='true' name='federated.1xyz' version='18.1'>",
    "      <connection class='federated'>",
    '        <named-connections>',
    `          <named-connection caption='db.example.com' name='postgres.0abc'>${POSTGRES_CONNECTION}</named-connection>`,
    '        </named-connections>',
    '      </connection>',
    '    </datasource>',
    '  </datasources>',
    '  <worksheets>',
    `    <worksheet name='${SAMPLE_WORKSHEET}'>`,
    '      <table />',
    '    </worksheet>',
    '  </worksheets>',
    '</workbook>',
    '',
  ].join('\n');
}

/** Bytes of a `.hyper` look-alike: the `Hyper` magic, a format-version byte, zero padding. */
export function sampleHyperBytes(size: number): Buffer {
  const magic = Buffer.from('Hyper\x02', 'latin1');
  if (size < magic.length) throw new RangeError(`hyper sample needs at least ${magic.length} bytes`);
  const buf = Buffer.alloc(size);
  magic.copy(buf);
  return buf;
}

/** Creates the five sample files in `dir` (created if missing) and returns their paths. */
export async function makeSamples(dir: string, opts: SampleOptions = {}): Promise<SampleFiles> {
  await fs.mkdir(dir, { recursive: true });
  const files: SampleFiles = {
    twbx: path.join(dir, 'Superstore Sales.twbx'),
    twb: path.join(dir, 'Regional Overview.twb'),
    tds: path.join(dir, 'Orders.tds'),
    tdsx: path.join(dir, 'Orders Extract.tdsx'),
    hyper: path.join(dir, 'orders.hyper'),
  };
  const hyper = sampleHyperBytes(opts.hyperBytes ?? 64 * 1024);
  // The packaged .twb name differs from the archive name on purpose: Tableau allows it.
  const twbx = buildZip([
    { name: 'Superstore.twb', data: sampleWorkbookXml(), method: 'deflate' },
    { name: 'Data/Extracts/orders.hyper', data: sampleHyperBytes(4096), method: 'deflate' },
  ]);
  const tdsx = buildZip([
    { name: 'Orders.tds', data: sampleDatasourceXml('Orders'), method: 'deflate' },
    { name: 'Data/Extracts/orders.hyper', data: sampleHyperBytes(4096), method: 'deflate' },
  ]);
  await Promise.all([
    fs.writeFile(files.twbx, twbx),
    fs.writeFile(files.twb, sampleWorkbookXml(), 'utf8'),
    fs.writeFile(files.tds, sampleDatasourceXml('Orders'), 'utf8'),
    fs.writeFile(files.tdsx, tdsx),
    fs.writeFile(files.hyper, hyper),
  ]);
  return files;
}
