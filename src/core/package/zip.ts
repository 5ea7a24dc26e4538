/**
 * Reads a zip archive's central directory without extracting it, and one small entry
 * on demand (the packaged .twb / .tds). Enough of the format for .twbx / .tdsx:
 * stored and deflated entries, ZIP64 archives (> 4 GB or > 65535 entries).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, inflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import { TableauError } from '../errors';

const inflateRawAsync = promisify(inflateRaw);

export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_LOCAL = 0x04034b50;
const EOCD_MIN = 22;
/** The EOCD sits in the last 22 bytes plus a comment of at most 65535 bytes. */
const EOCD_SEARCH = EOCD_MIN + 0xffff;
/** A central directory beyond this is not a Tableau package; refuse rather than buffer it. */
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;

export const ZIP_METHOD_STORED = 0;
export const ZIP_METHOD_DEFLATE = 8;

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflate; anything else cannot be read here. */
  method: number;
  localHeaderOffset: number;
  crc32: number;
  flags: number;
  isDirectory: boolean;
  isEncrypted: boolean;
  /** Where the entry's central directory record lies, relative to the directory's start (for a writer copying it). */
  centralRecord: { offset: number; length: number };
}

export interface ZipDirectory {
  entries: ZipEntry[];
  zip64: boolean;
  /** Total size of the archive file. */
  size: number;
  /** Where the central directory lies in the file. */
  centralDirectory: { offset: number; size: number };
}

function invalid(message: string, cause?: unknown): TableauError {
  return new TableauError({ reason: 'invalidFile', message, cause });
}

/** Reads `length` bytes at `position` (fewer at the end of the file). */
export async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid('The zip archive declares an impossible size.');
  return Number(v);
}

// Names are UTF-8 when flag bit 11 is set; most tools also write UTF-8 without it.
function decodeName(raw: Buffer, flags: number): string {
  if (flags & 0x800) return raw.toString('utf8');
  const s = raw.toString('utf8');
  return s.includes('\ufffd') ? raw.toString('latin1') : s;
}

interface Eocd {
  entries: number;
  cdSize: number;
  cdOffset: number;
  zip64: boolean;
}

async function findEocd(fh: FileHandle, size: number, label: string): Promise<Eocd> {
  if (size < EOCD_MIN) throw invalid(`${label} is not a valid zip archive (too short).`);
  const tailLen = Math.min(size, EOCD_SEARCH);
  const tailStart = size - tailLen;
  const tail = await readAt(fh, tailStart, tailLen);
  // Scan backwards; a match must also have a comment length that reaches exactly to the end.
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== SIG_EOCD) continue;
    const commentLen = tail.readUInt16LE(i + 20);
    if (i + EOCD_MIN + commentLen !== tail.length) continue;
    let entries = tail.readUInt16LE(i + 10);
    let cdSize = tail.readUInt32LE(i + 12);
    let cdOffset = tail.readUInt32LE(i + 16);
    let zip64 = false;
    const locAt = i - 20;
    if (locAt >= 0 && tail.readUInt32LE(locAt) === SIG_ZIP64_LOCATOR) {
      const z64Offset = u64(tail, locAt + 8);
      const rec = await readAt(fh, z64Offset, 56);
      if (rec.length < 56 || rec.readUInt32LE(0) !== SIG_ZIP64_EOCD) {
        throw invalid(`${label} is not a valid zip archive (broken ZIP64 record).`);
      }
      entries = u64(rec, 32);
      cdSize = u64(rec, 40);
      cdOffset = u64(rec, 48);
      zip64 = true;
    }
    if (cdOffset + cdSize > size) {
      throw invalid(`${label} is truncated: its zip directory points past the end of the file.`);
    }
    return { entries, cdSize, cdOffset, zip64 };
  }
  throw invalid(`${label} is not a valid zip archive (no end-of-central-directory record; truncated or not a zip).`);
}

function parseCentralDirectory(cd: Buffer, expected: number, label: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length) {
    if (cd.readUInt32LE(p) !== SIG_CENTRAL) break;
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cd.length) throw invalid(`${label} has a damaged zip directory.`);
    const name = decodeName(cd.subarray(p + 46, p + 46 + nameLen), flags);
    // ZIP64 extra field (id 1): only the fields saturated in the fixed header are present, in this order.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = cd.readUInt16LE(x);
      const len = cd.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let f = x + 4;
        const fEnd = f + len;
        if (uncompressedSize === 0xffffffff && f + 8 <= fEnd) {
          uncompressedSize = u64(cd, f);
          f += 8;
        }
        if (compressedSize === 0xffffffff && f + 8 <= fEnd) {
          compressedSize = u64(cd, f);
          f += 8;
        }
        if (localHeaderOffset === 0xffffffff && f + 8 <= fEnd) localHeaderOffset = u64(cd, f);
      }
      x += 4 + len;
    }
    entries.push({
      name,
      compressedSize,
      uncompressedSize,
      method,
      localHeaderOffset,
      crc32: crc,
      flags,
      isDirectory: name.endsWith('/'),
      isEncrypted: (flags & 0x1) !== 0,
      centralRecord: { offset: p, length: end - p },
    });
    p = end;
  }
  if (entries.length !== expected) {
    throw invalid(`${label} has a damaged zip directory (expected ${expected} entries, found ${entries.length}).`);
  }
  return entries;
}

/** Lists a zip archive's entries from its central directory. Throws 'invalidFile' for anything that is not a whole zip. */
export async function readZipDirectory(path: string, label = 'The file'): Promise<ZipDirectory> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const eocd = await findEocd(fh, size, label);
    if (eocd.cdSize > MAX_CENTRAL_DIRECTORY) throw invalid(`${label} has an implausibly large zip directory.`);
    const cd = await readAt(fh, eocd.cdOffset, eocd.cdSize);
    if (cd.length !== eocd.cdSize) throw invalid(`${label} is truncated.`);
    const entries = parseCentralDirectory(cd, eocd.entries, label);
    // Every declared size is checked against the file before anything is allocated for it:
    // an entry's compressed bytes lie inside the archive, whatever its header claims.
    for (const e of entries) {
      if (e.localHeaderOffset + 30 + e.compressedSize > size) throw invalid(`${label} is truncated or damaged: entry "${e.name}" lies past the end.`);
    }
    return { entries, zip64: eocd.zip64, size, centralDirectory: { offset: eocd.cdOffset, size: eocd.cdSize } };
  } finally {
    await fh.close();
  }
}

/**
 * Reads one entry into memory, refusing entries larger than maxBytes (uncompressed) so a
 * hostile archive cannot exhaust memory. Verifies the CRC.
 */
export async function readZipEntry(path: string, entry: ZipEntry, maxBytes: number, label = 'The file'): Promise<Buffer> {
  if (entry.isEncrypted) throw invalid(`${label}: "${entry.name}" is encrypted and cannot be read.`);
  if (entry.method !== ZIP_METHOD_STORED && entry.method !== ZIP_METHOD_DEFLATE) {
    throw invalid(`${label}: "${entry.name}" uses an unsupported zip compression method (${entry.method}).`);
  }
  // Deflate adds at most 5 bytes per 16 KiB block to incompressible data: more than that is not this entry.
  if (entry.uncompressedSize > maxBytes || entry.compressedSize > maxBytes + Math.ceil(maxBytes / 16384) * 5 + 64) {
    throw invalid(`${label}: "${entry.name}" is larger than ${maxBytes} bytes; not reading it.`);
  }
  const fh = await open(path, 'r');
  try {
    const local = await readAt(fh, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== SIG_LOCAL) {
      throw invalid(`${label} is damaged: entry "${entry.name}" has no local header.`);
    }
    const dataAt = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const { size } = await fh.stat();
    if (dataAt + entry.compressedSize > size) throw invalid(`${label} is truncated or damaged inside "${entry.name}".`);
    const raw = await readAt(fh, dataAt, entry.compressedSize);
    if (raw.length !== entry.compressedSize) throw invalid(`${label} is truncated inside "${entry.name}".`);
    let data: Buffer;
    if (entry.method === ZIP_METHOD_STORED) {
      data = raw;
    } else {
      try {
        data = await inflateRawAsync(raw, { maxOutputLength: Math.max(1, maxBytes) });
      } catch (e) {
        throw invalid(`${label}: "${entry.name}" could not be decompressed.`, e);
      }
    }
    if (data.length !== entry.uncompressedSize || crc32(data) >>> 0 !== entry.crc32) {
      throw invalid(`${label}: "${entry.name}" is damaged (size or checksum mismatch).`);
    }
    return data;
  } finally {
    await fh.close();
  }
}
