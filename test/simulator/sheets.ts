/**
 * The sheets of a published workbook file (.twb, or the top-level .twb inside a .twbx), so a
 * publish answers with the views the file really has, as Tableau does (TSC only ever sends
 * hidden views in the payload). Anything unreadable → undefined, and the caller falls back.
 */
import * as fs from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const MAX_TWB_BYTES = 32 * 1024 * 1024;
const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    const k = e.toLowerCase();
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    if (k.startsWith('#')) return String.fromCodePoint(Number(k.slice(1)));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[k];
  });
}

function attrOf(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}=(?:'([^']*)'|"([^"]*)")`).exec(tag);
  return m ? unescapeXml(m[1] ?? m[2] ?? '') : undefined;
}

/**
 * Worksheet and dashboard names in document order (a dashboard and a story are views too),
 * less the sheets the author hid in the workbook (`<window ... hidden='true'>`): those are not views.
 */
export function sheetNamesInTwb(xml: string): string[] {
  const names: string[] = [];
  const hidden = new Set<string>();
  const re = /<(worksheet|dashboard|window)\s[^>]*>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const name = attrOf(m[0], 'name');
    if (!name) continue;
    if (m[1] === 'window') {
      if (attrOf(m[0], 'hidden') === 'true') hidden.add(name);
    } else if (!names.includes(name)) names.push(name);
  }
  return names.filter((n) => !hidden.has(n));
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  const n = fs.readSync(fd, b, 0, len, pos);
  return b.subarray(0, n);
}

/** The top-level .twb of a zip, read through the central directory (no ZIP64: undefined). */
function twbFromZip(filePath: string): string | undefined {
  const fd = fs.openSync(filePath, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = readAt(fd, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD_SIG) { eocd = i; break; }
    if (eocd < 0) return undefined;
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || cdOffset + cdSize > size) return undefined;
    const cd = readAt(fd, cdOffset, cdSize);
    for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === CEN_SIG;) {
      const method = cd.readUInt16LE(p + 10);
      const compSize = cd.readUInt32LE(p + 20);
      const rawSize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const local = cd.readUInt32LE(p + 42);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
      p += 46 + nameLen + extraLen + commentLen;
      if (!/^[^/\\]+\.twb$/i.test(name)) continue;
      if (rawSize > MAX_TWB_BYTES || compSize > MAX_TWB_BYTES || (method !== 0 && method !== 8)) return undefined;
      const lh = readAt(fd, local, 30);
      if (lh.length < 30 || lh.readUInt32LE(0) !== LOC_SIG) return undefined;
      const data = readAt(fd, local + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28), compSize);
      return (method === 8 ? inflateRawSync(data, { maxOutputLength: MAX_TWB_BYTES }) : data).toString('utf8');
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

export function sheetNamesOfFile(filePath: string, type: string): string[] | undefined {
  try {
    let xml: string | undefined;
    if (type === 'twb') {
      if (fs.statSync(filePath).size > MAX_TWB_BYTES) return undefined;
      xml = fs.readFileSync(filePath, 'utf8');
    } else if (type === 'twbx') xml = twbFromZip(filePath);
    const names = xml === undefined ? [] : sheetNamesInTwb(xml);
    return names.length ? names : undefined;
  } catch {
    return undefined; // not a workbook we can read: the caller keeps its fallback
  }
}
