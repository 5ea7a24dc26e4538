// Writes small, valid Tableau-like sample files into a workspace at run time, so the
// repository carries no binaries. The zip writer is deliberately minimal (deflate,
// no zip64): the samples are tiny, and the package inspector must read what Tableau
// Desktop writes, which is ordinary zip.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

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

interface ZipEntry {
  name: string;
  data: Buffer;
}

// DOS date/time of 2024-01-01 00:00 so the archives are byte-for-byte reproducible.
const DOS_TIME = 0;
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;

/** A plain zip archive (method 8 deflate), as Tableau Desktop writes `.twbx`/`.tdsx`. */
export function buildZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = zlib.deflateRawSync(entry.data);
    const crc = zlib.crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk, internal attrs, external attrs stay 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
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
    { name: 'Superstore.twb', data: Buffer.from(sampleWorkbookXml(), 'utf8') },
    { name: 'Data/Extracts/orders.hyper', data: sampleHyperBytes(4096) },
  ]);
  const tdsx = buildZip([
    { name: 'Orders.tds', data: Buffer.from(sampleDatasourceXml('Orders'), 'utf8') },
    { name: 'Data/Extracts/orders.hyper', data: sampleHyperBytes(4096) },
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
