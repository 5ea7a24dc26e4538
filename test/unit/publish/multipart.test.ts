import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { Writable } from 'node:stream';
import { isCancellation, TableauError } from '../../../src/core/errors';
import { buildMultipart, contentDisposition, ReadBuffers, type MultipartMessage, type MultipartPart } from '../../../src/core/publish/multipart';
import { tempDir } from '../../support/files';

interface Part {
  headers: Record<string, string[]>;
  body: Buffer;
}
type DicerCtor = new (cfg: { boundary: string }) => Writable & { on(event: string, l: (...a: never[]) => void): unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Dicer = require('@fastify/busboy/deps/dicer/lib/Dicer') as DicerCtor;

async function collect(msg: MultipartMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of msg.body) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function parse(boundary: string, bytes: Buffer): Promise<Part[]> {
  return new Promise((resolve, reject) => {
    const parts: Part[] = [];
    const d = new Dicer({ boundary });
    d.on('part', (p: NodeJS.ReadableStream) => {
      const part: Part = { headers: {}, body: Buffer.alloc(0) };
      const bufs: Buffer[] = [];
      p.on('header', (h: Record<string, string[]>) => (part.headers = h));
      p.on('data', (c: Buffer) => bufs.push(c));
      p.on('end', () => {
        part.body = Buffer.concat(bufs);
        parts.push(part);
      });
    });
    d.on('error', reject);
    d.on('finish', () => resolve(parts));
    d.end(bytes);
  });
}

describe('multipart writer', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());
  const fileBytes = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < fileBytes.length; i += 7) fileBytes[i] = i & 0xff;
  let file = '';
  before(() => (file = tmp.file('Sales.twbx', fileBytes)));

  it('produces exactly Content-Length bytes that parse back into the parts', async () => {
    const progress: number[] = [];
    const msg = await buildMultipart(
      [
        { name: 'request_payload', contentType: 'text/xml', body: '<tsRequest><workbook name="Sales"/></tsRequest>' },
        { name: 'tableau_workbook', filename: 'Sales.twbx', contentType: 'application/octet-stream', body: { path: file } },
      ],
      { readSize: 1024 * 1024, onFileBytes: (n) => progress.push(n) },
    );
    assert.match(msg.contentType, /^multipart\/mixed; boundary=TableauPublisher[0-9a-f]{48}$/);
    const bytes = await collect(msg);
    assert.equal(bytes.length, msg.contentLength);
    assert.ok(bytes.subarray(0, 200).toString().startsWith(`--${msg.boundary}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n`));
    assert.ok(bytes.toString('latin1').endsWith(`\r\n--${msg.boundary}--\r\n`));
    const parts = await parse(msg.boundary, bytes);
    assert.equal(parts.length, 2);
    assert.equal(parts[0].body.toString(), '<tsRequest><workbook name="Sales"/></tsRequest>');
    assert.deepEqual(parts[1].headers['content-disposition'], ['name="tableau_workbook"; filename="Sales.twbx"']);
    assert.deepEqual(parts[1].headers['content-type'], ['application/octet-stream']);
    assert.ok(parts[1].body.equals(fileBytes));
    assert.deepEqual(progress, [1, 2, 3, 3].map((m, i) => (i < 3 ? m * 1024 * 1024 : fileBytes.length)));
    // Re-iterable: a replay streams the same bytes again.
    assert.ok((await collect(msg)).equals(bytes));
  });

  it('streams a byte range of a file, with an empty payload part', async () => {
    const msg = await buildMultipart(
      [
        { name: 'request_payload', contentType: 'text/xml', body: '' },
        { name: 'tableau_file', filename: 'file', contentType: 'application/octet-stream', body: { path: file, start: 1000, end: 2_000_123 } },
      ],
      { readSize: 64 * 1024 },
    );
    const bytes = await collect(msg);
    assert.equal(bytes.length, msg.contentLength);
    const parts = await parse(msg.boundary, bytes);
    assert.equal(parts[0].body.length, 0);
    assert.equal(
      createHash('sha256').update(parts[1].body).digest('hex'),
      createHash('sha256').update(fileBytes.subarray(1000, 2_000_123)).digest('hex'),
    );
  });

  it('escapes filenames with quotes, control characters and non-ASCII', () => {
    assert.equal(contentDisposition('tableau_workbook', 'Sales.twbx'), 'name="tableau_workbook"; filename="Sales.twbx"');
    assert.equal(
      contentDisposition('tableau_workbook', 'Q1 "final"\r\nX: y ünï 売上.twbx'),
      `name="tableau_workbook"; filename="Q1 _final___X: y _n_ __.twbx"; filename*=UTF-8''Q1%20%22final%22%0D%0AX%3A%20y%20%C3%BCn%C3%AF%20%E5%A3%B2%E4%B8%8A.twbx`,
    );
    assert.equal(contentDisposition('tableau_file', "it's (1).twbx"), `name="tableau_file"; filename="it's (1).twbx"`);
  });

  it('round-trips a non-ASCII filename through a parser', async () => {
    const name = 'Ventes "été" 売上.twbx';
    const msg = await buildMultipart([{ name: 'tableau_workbook', filename: name, contentType: 'application/octet-stream', body: Buffer.from('abc') }]);
    const parts = await parse(msg.boundary, await collect(msg));
    const cd = parts[0].headers['content-disposition'][0];
    const star = /filename\*=UTF-8''([^;]+)/.exec(cd)?.[1];
    assert.equal(decodeURIComponent(star ?? ''), name);
    assert.ok(!/[^\x20-\x7e]/.test(cd));
  });

  it('fails with fileChanged when the file changes during the upload', async () => {
    const p = tmp.file('changing.hyper', fileBytes);
    const msg = await buildMultipart([{ name: 'f', filename: 'f', contentType: 'application/octet-stream', body: { path: p } }], { readSize: 1024 * 1024 });
    let n = 0;
    await assert.rejects(
      (async () => {
        for await (const _c of msg.body) if (++n === 2) fs.appendFileSync(p, 'more');
      })(),
      (e) => TableauError.is(e, 'fileChanged'),
    );
    assert.ok(TableauError.is(msg.failure(), 'fileChanged'));
    // A shrinking file is caught while reading.
    const q = tmp.file('shrinking.hyper', fileBytes);
    const msg2 = await buildMultipart([{ name: 'f', filename: 'f', contentType: 'application/octet-stream', body: { path: q } }], { readSize: 1024 * 1024 });
    n = 0;
    await assert.rejects(
      (async () => {
        for await (const _c of msg2.body) if (++n === 2) fs.truncateSync(q, 10);
      })(),
      (e) => TableauError.is(e, 'fileChanged'),
    );
    // And a file that differs from the fingerprint taken earlier is refused up front.
    await assert.rejects(
      buildMultipart([{ name: 'f', contentType: 'x', body: { path: p } }], { expect: { size: fileBytes.length, mtimeMs: 1 } }),
      (e) => TableauError.is(e, 'fileChanged'),
    );
  });

  it('reads a file into a few buffers taken in turn, each block intact until the next-but-one is asked for', async () => {
    // A fresh buffer per read made V8 run dozens of full garbage collections in a 1 GiB upload.
    const readSize = 64 * 1024;
    const msg = await buildMultipart([{ name: 'f', filename: 'f', contentType: 'application/octet-stream', body: { path: file } }], { readSize });
    const stores = new Set<ArrayBufferLike>();
    const copies: Buffer[] = [];
    let previous: { view: Uint8Array; copy: Buffer } | undefined;
    for await (const c of msg.body) {
      // The block before this one was not read into again while this one was read ahead.
      if (previous) assert.ok(Buffer.from(previous.view).equals(previous.copy));
      if (c.length === readSize || c.length === fileBytes.length % readSize) stores.add(c.buffer);
      const copy = Buffer.from(c);
      copies.push(copy);
      previous = { view: c, copy };
    }
    const parts = await parse(msg.boundary, Buffer.concat(copies));
    assert.ok(parts[0].body.equals(fileBytes));
    // 49 reads of the 3 MiB file, into 3 buffers (the head and tail are small buffers of their own).
    assert.ok(stores.size <= 4, `${stores.size} buffers for ${Math.ceil(fileBytes.length / readSize)} reads`);
  });

  it('shares one set of read buffers among messages sent one after another, never between two passes at once', async () => {
    const readBuffers = new ReadBuffers(64 * 1024);
    const part = (start: number, end: number): MultipartPart[] => [{ name: 'f', contentType: 'x', body: { path: file, start, end } }];
    const half = Math.floor(fileBytes.length / 2);
    const stores = new Set<ArrayBufferLike>();
    const copies: Buffer[] = [];
    for (const [start, end] of [[0, half], [half, fileBytes.length]]) {
      const msg = await buildMultipart(part(start, end), { readBuffers });
      const chunks: Buffer[] = [];
      for await (const c of msg.body) {
        if (c.length >= 1024) stores.add(c.buffer);
        chunks.push(Buffer.from(c));
      }
      copies.push((await parse(msg.boundary, Buffer.concat(chunks)))[0].body);
    }
    assert.ok(Buffer.concat(copies).equals(fileBytes));
    assert.ok(stores.size <= 4, `${stores.size} buffers for two messages`);

    // A pass left unfinished still holds the set: a second pass reads into buffers of its own.
    const first = (await buildMultipart(part(0, half), { readBuffers })).body[Symbol.asyncIterator]();
    await first.next(); // the head
    const held = (await first.next()).value as Uint8Array;
    const heldCopy = Buffer.from(held);
    const second = await buildMultipart(part(half, fileBytes.length), { readBuffers });
    const chunks: Buffer[] = [];
    for await (const c of second.body) {
      if (c.length >= 1024) assert.notEqual(c.buffer, held.buffer);
      chunks.push(Buffer.from(c));
    }
    assert.ok((await parse(second.boundary, Buffer.concat(chunks)))[0].body.equals(fileBytes.subarray(half)));
    assert.ok(Buffer.from(held).equals(heldCopy));
    await first.return?.(undefined);
    assert.ok(readBuffers.acquire(), 'the abandoned pass let the set go when it was closed');
    readBuffers.release();
    await readBuffers.close();
  });

  it('keeps the file open from message to message, reads the next range\'s first block while a message ends, and still refuses a file changed between them', async () => {
    const p = tmp.file('chunks.hyper', fileBytes);
    const expect = { size: fileBytes.length, mtimeMs: fs.statSync(p).mtimeMs };
    const openOnIt = (): number => (process.platform === 'linux' ? fs.readdirSync('/proc/self/fd').filter((fd) => { try { return fs.readlinkSync(`/proc/self/fd/${fd}`) === p; } catch { return false; } }).length : -1);
    const readBuffers = new ReadBuffers(64 * 1024);
    const range = (start: number, end: number): Promise<MultipartMessage> => buildMultipart([{ name: 'f', contentType: 'x', body: { path: p, start, end } }], { readBuffers, expect });
    const size = 1024 * 1024;
    const bodies: Buffer[] = [];
    for (let start = 0; start < fileBytes.length; start += size) {
      const msg = await range(start, Math.min(fileBytes.length, start + size));
      bodies.push((await parse(msg.boundary, await collect(msg)))[0].body);
      if (process.platform === 'linux') assert.equal(openOnIt(), 1, 'the file stays open for the next message, once');
      const next = Math.min(fileBytes.length, start + size);
      if (next < fileBytes.length) {
        // The next message's first block is already read (or being read): the very bytes there.
        const length = Math.min(64 * 1024, fileBytes.length - next);
        const early = await readBuffers.takeAhead(p, next, length);
        assert.ok(early && Buffer.from(early).equals(fileBytes.subarray(next, next + length)), `read ahead at ${next}`);
      }
    }
    assert.ok(Buffer.concat(bodies).equals(fileBytes));
    // A message sent again (a retry) reads its range afresh, whatever was read ahead.
    const again = await range(size, 2 * size);
    const once = await collect(again);
    assert.ok((await parse(again.boundary, await collect(again)))[0].body.equals(fileBytes.subarray(size, 2 * size)));
    assert.ok((await parse(again.boundary, once))[0].body.equals(fileBytes.subarray(size, 2 * size)));
    await readBuffers.close();
    if (process.platform === 'linux') assert.equal(openOnIt(), 0, 'close() closed it');

    // Read ahead, then the file changes before the next message: that message is refused, not sent from the early block.
    const first = await range(0, size);
    await collect(first);
    fs.appendFileSync(p, 'more');
    const second = await range(size, 2 * size).catch((e: unknown) => e);
    if (second instanceof Error) assert.ok(TableauError.is(second, 'fileChanged'));
    else await assert.rejects(collect(second as MultipartMessage), (e) => TableauError.is(e, 'fileChanged'));
    await readBuffers.close();
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    const msg = await buildMultipart([{ name: 'f', contentType: 'x', body: { path: file } }], { readSize: 1024 * 1024, signal: ac.signal });
    let n = 0;
    await assert.rejects(
      (async () => {
        for await (const _c of msg.body) if (++n === 2) ac.abort();
      })(),
      (e) => isCancellation(e),
    );
  });
});
