/**
 * A .twbx / .tdsx with its .twb / .tds rewritten, as a byte stream of known length for the upload:
 * every other entry (extracts, images) is copied raw from the source file, local header and
 * compressed bytes as they are, never decompressed; the document becomes a new deflated entry; the
 * central directory is written anew with the new offsets. Nothing is written to disk, the source
 * file is never modified, and memory holds only the document and the directory.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';
import { TableauError, throwIfAborted } from '../errors';
import { readAt, readZipDirectory, readZipEntry, SIG_CENTRAL, SIG_EOCD, SIG_LOCAL, SIG_ZIP64_EOCD, SIG_ZIP64_LOCATOR, type ZipEntry } from '../package/zip';
import type { ByteSource, ByteStreamOptions } from '../publish/multipart';
import { rewriteDocument, type AppliedConnectionChange, type RewriteOptions } from './rewrite';
import type { DataConnectionRule } from './rules';

const SIG_DESCRIPTOR = 0x08074b50;
const MAX32 = 0xffffffff;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;

/** A piece of the new archive: a range of the source file, or bytes made here. */
type Segment = { file: { start: number; end: number } } | { data: Buffer };

function segmentLength(s: Segment): number {
  return 'data' in s ? s.data.length : s.file.end - s.file.start;
}

export interface RewrittenFile extends ByteSource {
  changes: AppliedConnectionChange[];
}

function fileChanged(filePath: string): TableauError {
  return new TableauError({ reason: 'fileChanged', message: `"${filePath}" changed while it was being uploaded; nothing was published. Save it, then publish again.` });
}

/** The ZIP64 extra field (id 1) holding those of the values that do not fit in 32 bits, in the order the format lays them out. */
function zip64Extra(values: number[]): Buffer {
  const big = values.filter((v) => v >= MAX32);
  if (big.length === 0) return Buffer.alloc(0);
  const b = Buffer.alloc(4 + 8 * big.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * big.length, 2);
  big.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return b;
}

/** An extra field without its ZIP64 record (rebuilt for the new offsets). */
function withoutZip64(extra: Buffer): Buffer {
  const keep: Buffer[] = [];
  for (let x = 0; x + 4 <= extra.length; ) {
    const len = extra.readUInt16LE(x + 2);
    if (extra.readUInt16LE(x) !== 0x0001) keep.push(extra.subarray(x, x + 4 + len));
    x += 4 + len;
  }
  return Buffer.concat(keep);
}

function hasZip64(extra: Buffer): boolean {
  for (let x = 0; x + 4 <= extra.length; x += 4 + extra.readUInt16LE(x + 2)) if (extra.readUInt16LE(x) === 0x0001) return true;
  return false;
}

function sat(v: number): number {
  return v >= MAX32 ? MAX32 : v;
}

/** A central directory record for the entry at its new offset, from the source's record. */
function centralRecord(src: Buffer, e: ZipEntry, offset: number, doc?: { flags: number; crc: number; compressedSize: number }): Buffer {
  const fixed = Buffer.from(src.subarray(0, 46));
  const nameLen = src.readUInt16LE(28);
  const extraLen = src.readUInt16LE(30);
  const name = src.subarray(46, 46 + nameLen);
  const comment = src.subarray(46 + nameLen + extraLen);
  const compressedSize = doc ? doc.compressedSize : e.compressedSize;
  if (doc) {
    fixed.writeUInt16LE(20, 6);
    fixed.writeUInt16LE(doc.flags, 8);
    fixed.writeUInt16LE(8, 10);
    fixed.writeUInt32LE(doc.crc, 16);
  }
  const z64 = zip64Extra([e.uncompressedSize, compressedSize, offset]);
  const extra = Buffer.concat([z64, withoutZip64(src.subarray(46 + nameLen, 46 + nameLen + extraLen))]);
  // ZIP64 fields need a reader of version 4.5.
  if (z64.length > 0 && fixed.readUInt16LE(6) < 45) fixed.writeUInt16LE(45, 6);
  fixed.writeUInt32LE(sat(compressedSize), 20);
  fixed.writeUInt32LE(sat(e.uncompressedSize), 24);
  fixed.writeUInt16LE(extra.length, 30);
  fixed.writeUInt16LE(0, 34); // disk number
  fixed.writeUInt32LE(sat(offset), 42);
  return Buffer.concat([fixed, name, extra, comment]);
}

function endRecords(count: number, cdOffset: number, cdSize: number): Buffer {
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(SIG_EOCD, 0);
  const zip64 = count >= 0xffff || cdOffset >= MAX32 || cdSize >= MAX32;
  eocd.writeUInt16LE(Math.min(count, 0xffff), 8);
  eocd.writeUInt16LE(Math.min(count, 0xffff), 10);
  eocd.writeUInt32LE(sat(cdSize), 12);
  eocd.writeUInt32LE(sat(cdOffset), 16);
  if (!zip64) return eocd;
  const rec = Buffer.alloc(56);
  rec.writeUInt32LE(SIG_ZIP64_EOCD, 0);
  rec.writeBigUInt64LE(44n, 4);
  rec.writeUInt16LE(45, 12);
  rec.writeUInt16LE(45, 14);
  rec.writeBigUInt64LE(BigInt(count), 24);
  rec.writeBigUInt64LE(BigInt(count), 32);
  rec.writeBigUInt64LE(BigInt(cdSize), 40);
  rec.writeBigUInt64LE(BigInt(cdOffset), 48);
  const loc = Buffer.alloc(20);
  loc.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
  loc.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
  loc.writeUInt32LE(1, 16);
  return Buffer.concat([rec, loc, eocd]);
}

export interface PackageRewriteOptions extends RewriteOptions {
  /** Largest document read into memory (uncompressed). */
  maxDocumentBytes: number;
}

/**
 * Rewrites the data connections of the package's document (`documentName`, its top-level .twb /
 * .tds) and lays out the new archive. Throws before anything is streamed when the document is
 * damaged or not well-formed, or a rule cannot be applied.
 */
export async function rewritePackage(filePath: string, documentName: string, rules: readonly DataConnectionRule[], opts: PackageRewriteOptions): Promise<RewrittenFile> {
  const label = opts.label ?? `"${documentName}"`;
  const dir = await readZipDirectory(filePath, label);
  const docEntry = dir.entries.find((e) => e.name === documentName);
  if (!docEntry) throw new TableauError({ reason: 'invalidFile', message: `${label} holds no "${documentName}".` });
  const docLabel = `"${documentName}" in ${label}`;
  const original = await readZipEntry(filePath, docEntry, opts.maxDocumentBytes, label);
  const rewrite = rewriteDocument(original, rules, { ...opts, label: docLabel });
  const st = await stat(filePath);
  const fingerprint = { size: st.size, mtimeMs: st.mtimeMs };

  const fh = await open(filePath, 'r');
  const segments: Segment[] = [];
  const records: Buffer[] = [];
  try {
    const cd = await readAt(fh, dir.centralDirectory.offset, dir.centralDirectory.size);
    let offset = 0;
    // Entries keep the order they have in the file.
    for (const e of [...dir.entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset)) {
      const cdRecord = cd.subarray(e.centralRecord.offset, e.centralRecord.offset + e.centralRecord.length);
      if (cdRecord.readUInt32LE(0) !== SIG_CENTRAL) throw new TableauError({ reason: 'invalidFile', message: `${label} has a damaged zip directory.` });
      const start = offset;
      if (e === docEntry) {
        const data = deflateRawSync(rewrite.bytes);
        const crc = crc32(rewrite.bytes) >>> 0;
        const name = cdRecord.subarray(46, 46 + cdRecord.readUInt16LE(28));
        const flags = e.flags & FLAG_UTF8;
        const local = Buffer.alloc(30);
        local.writeUInt32LE(SIG_LOCAL, 0);
        local.writeUInt16LE(20, 4);
        local.writeUInt16LE(flags, 6);
        local.writeUInt16LE(8, 8);
        cdRecord.copy(local, 10, 12, 16); // modification time and date
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(data.length, 18);
        local.writeUInt32LE(rewrite.bytes.length, 22);
        local.writeUInt16LE(name.length, 26);
        segments.push({ data: Buffer.concat([local, name]) }, { data });
        offset += 30 + name.length + data.length;
        records.push(centralRecord(cdRecord, { ...e, uncompressedSize: rewrite.bytes.length }, start, { flags, crc, compressedSize: data.length }));
        continue;
      }
      const head = await readAt(fh, e.localHeaderOffset, 30);
      if (head.length < 30 || head.readUInt32LE(0) !== SIG_LOCAL) throw new TableauError({ reason: 'invalidFile', message: `${label} is damaged: entry "${e.name}" has no local header.` });
      const headLen = 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
      const end = e.localHeaderOffset + headLen + e.compressedSize;
      if (end > dir.size) throw new TableauError({ reason: 'invalidFile', message: `${label} is truncated inside "${e.name}".` });
      segments.push({ file: { start: e.localHeaderOffset, end } });
      offset += end - e.localHeaderOffset;
      if (e.flags & FLAG_DESCRIPTOR) {
        // The header promises a data descriptor after the data: written anew from the directory's values
        // (8-byte sizes when the local header carries ZIP64 sizes), so the source's variant needs no guessing.
        const extra = await readAt(fh, e.localHeaderOffset + 30 + head.readUInt16LE(26), head.readUInt16LE(28));
        const wide = hasZip64(extra);
        const d = Buffer.alloc(wide ? 24 : 16);
        d.writeUInt32LE(SIG_DESCRIPTOR, 0);
        d.writeUInt32LE(e.crc32, 4);
        if (wide) {
          d.writeBigUInt64LE(BigInt(e.compressedSize), 8);
          d.writeBigUInt64LE(BigInt(e.uncompressedSize), 16);
        } else {
          d.writeUInt32LE(e.compressedSize, 8);
          d.writeUInt32LE(e.uncompressedSize, 12);
        }
        segments.push({ data: d });
        offset += d.length;
      }
      records.push(centralRecord(cdRecord, e, start));
    }
    const directory = Buffer.concat(records);
    segments.push({ data: Buffer.concat([directory, endRecords(records.length, offset, directory.length)]) });
  } finally {
    await fh.close();
  }
  return { ...segmentSource(filePath, segments, fingerprint), changes: rewrite.changes };
}

/** A .twb / .tds whose rewritten text is wholly in memory. */
export function documentSource(bytes: Buffer): ByteSource {
  return segmentSource(undefined, [{ data: bytes }]);
}

function segmentSource(filePath: string | undefined, segments: Segment[], fingerprint?: { size: number; mtimeMs: number }): ByteSource {
  const size = segments.reduce((n, s) => n + segmentLength(s), 0);
  return {
    size,
    stream: (start, end, o) => streamSegments(filePath, segments, start, end, o, fingerprint),
  };
}

async function* streamSegments(filePath: string | undefined, segments: Segment[], start: number, end: number, o: ByteStreamOptions, fingerprint?: { size: number; mtimeMs: number }): AsyncGenerator<Uint8Array> {
  const fh = filePath ? await open(filePath, 'r') : undefined;
  try {
    if (fh && fingerprint) {
      const s = await fh.stat();
      if (s.size !== fingerprint.size || s.mtimeMs !== fingerprint.mtimeMs) throw fileChanged(filePath!);
    }
    let at = 0;
    for (const s of segments) {
      const len = segmentLength(s);
      const from = Math.max(start, at);
      const to = Math.min(end, at + len);
      if (from < to) {
        throwIfAborted(o.signal);
        if ('data' in s) yield s.data.subarray(from - at, to - at);
        else yield* readRange(fh!, filePath!, s.file.start + from - at, s.file.start + to - at, o);
      }
      at += len;
      if (at >= end) break;
    }
    if (fh && fingerprint) {
      const s = await fh.stat();
      if (s.size !== fingerprint.size || s.mtimeMs !== fingerprint.mtimeMs) throw fileChanged(filePath!);
    }
  } finally {
    await fh?.close();
  }
}

/**
 * A range of the source file, one read ahead so the disk works while the socket takes the
 * previous block; into the caller's reused buffers when it has them (a block is then valid
 * until the next-but-one is asked for, which one read ahead respects).
 */
async function* readRange(fh: FileHandle, filePath: string, start: number, end: number, o: ByteStreamOptions): AsyncGenerator<Uint8Array> {
  const readAt = (at: number): Promise<Buffer> => {
    const read = (async (): Promise<Buffer> => {
      const length = Math.min(o.readSize, end - at);
      const buf = o.buffers ? o.buffers.take(length) : Buffer.allocUnsafe(length);
      const { bytesRead } = await fh.read(buf, 0, buf.length, at);
      if (bytesRead === 0) throw fileChanged(filePath);
      return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    })();
    read.catch(() => undefined);
    return read;
  };
  let pos = start;
  let ahead: Promise<Buffer> | undefined = pos < end ? readAt(pos) : undefined;
  try {
    while (ahead) {
      throwIfAborted(o.signal);
      const block = await ahead;
      ahead = undefined;
      pos += block.length;
      if (pos < end) ahead = readAt(pos);
      yield block;
    }
  } finally {
    await ahead?.catch(() => undefined);
  }
}
