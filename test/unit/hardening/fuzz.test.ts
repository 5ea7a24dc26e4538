/**
 * Seeded fuzz passes (a failure prints its seed and case number, so it reproduces):
 * - the response decoder must turn any status/headers/body into a decoded object or a
 *   TableauError, never another exception and never a hang;
 * - the multipart writer must produce exactly Content-Length bytes that a real multipart
 *   parser splits back into the same parts, whatever the names, types and bodies.
 */
import * as assert from 'node:assert/strict';
import type { Readable, Writable } from 'node:stream';
import { decodeResponse } from '../../../src/core/api/decode';
import { parseXml } from '../../../src/core/api/xml';
import { TableauError } from '../../../src/core/errors';
import { buildMultipart, type MultipartPart } from '../../../src/core/publish/multipart';
import { tempDir } from '../../support/files';
import { Prng } from '../../support/prng';

type DicerCtor = new (cfg: { boundary: string }) => Writable & {
  on(ev: 'part', fn: (part: Readable & { on(ev: 'header', fn: (h: Record<string, string[]>) => void): void }) => void): void;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Dicer = require('@fastify/busboy/deps/dicer/lib/Dicer') as DicerCtor;

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);

const SAMPLES = [
  `<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns="http://tableau.com/api"><credentials token="abc"><site id="s1" contentUrl="sales"/><user id="u1"/></credentials></tsResponse>`,
  `<tsResponse><pagination pageNumber="1" pageSize="100" totalAvailable="2"/><projects><project id="p1" name="A &amp; B" parentProjectId="p0"/><project id="p2" name="Ünï"/></projects></tsResponse>`,
  `<tsResponse><error code="401002"><summary>Unauthorized Access</summary><detail>Invalid authentication credentials were provided.</detail></error></tsResponse>`,
  `<tsResponse><job id="j1" mode="Asynchronous" type="PublishWorkbook" progress="0" createdAt="2024-01-01T00:00:00Z"><notes>x</notes></job></tsResponse>`,
  `<tsResponse><workbook id="w1" name="S" contentUrl="S" size="1"><project id="p1" name="D"/><owner id="u1"/><views><view id="v1" name="Sheet 1"/></views></workbook></tsResponse>`,
  `{"credentials":{"token":"abc","site":{"id":"s1","contentUrl":""},"user":{"id":"u1"}}}`,
  `{"error":{"code":"429000","summary":"Too many","detail":"slow down"}}`,
  `{"pagination":{"pageNumber":"1","pageSize":"100","totalAvailable":"0"},"projects":{}}`,
  `<!DOCTYPE html><html><body>Sign in</body></html>`,
];
const TOKENS = ['<', '>', '&', '&amp;', '&#x0;', '&#xD800;', '&#99999999;', '&lol;', '"', "'", '<!DOCTYPE x [<!ENTITY a "b">]>', '<![CDATA[', ']]>', '<?xml ?>', '<!--', '-->', '\u0000', '\uFEFF', '{', '}', '[', ']', '":', 'tsResponse', 'error', '</tsResponse>', '<tsResponse>', '\r\n'];
const STATUSES = [200, 201, 202, 204, 301, 302, 400, 401, 403, 404, 409, 413, 429, 500, 502, 503, 504, 599, 0, 999];

function mutate(r: Prng, text: string): Buffer {
  let b = Buffer.from(text);
  const ops = r.int(1, 6);
  for (let i = 0; i < ops; i++) {
    const at = r.int(0, b.length);
    switch (r.int(0, 5)) {
      case 0: // flip a byte
        if (b.length) b[Math.min(at, b.length - 1)] = r.int(0, 255);
        break;
      case 1: // delete a run
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + r.int(1, 20)))]);
        break;
      case 2: // insert a token
        b = Buffer.concat([b.subarray(0, at), Buffer.from(r.pick(TOKENS)), b.subarray(at)]);
        break;
      case 3: // truncate
        b = b.subarray(0, at);
        break;
      case 4: // duplicate a slice
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + r.int(1, 40)), b.subarray(at)]);
        break;
      default: // random bytes
        b = Buffer.concat([b.subarray(0, at), r.bytes(r.int(1, 8)), b.subarray(at)]);
    }
  }
  return b;
}

function genBody(r: Prng): Buffer {
  switch (r.int(0, 5)) {
    case 4: // an untouched answer, so the success path is exercised too
      return Buffer.from(r.pick(SAMPLES));
    case 0:
      return r.bytes(r.int(0, 300));
    case 1:
      return Buffer.from(r.text(200));
    case 2: // deep or wide structures
      return Buffer.from(r.bool() ? `<tsResponse>${'<a>'.repeat(r.int(1, 3000))}` : `${'['.repeat(r.int(1, 3000))}`);
    default:
      return mutate(r, r.pick(SAMPLES));
  }
}

describe('hardening: fuzz', function () {
  this.timeout(60_000);

  it(`response decoder: 3000 generated answers, only TableauErrors, no hang (seed ${SEED})`, () => {
    const r = new Prng(SEED);
    const reasons = new Map<string, number>();
    let slowest = 0;
    for (let i = 0; i < 3000; i++) {
      const status = r.pick(STATUSES);
      const headers: Record<string, string> = {};
      if (r.bool(0.2)) headers['retry-after'] = r.bool() ? String(r.int(-5, 99999)) : r.text(20);
      if (r.bool(0.2)) headers.location = r.bool() ? `https://elsewhere.example/${r.text(10)}` : r.text(20);
      const body = genBody(r);
      const started = performance.now();
      let outcome: string;
      try {
        const v = decodeResponse({ status, headers, body }, { expect: r.bool(0.8) ? 'xml' : 'json', action: 'fuzz' });
        assert.equal(typeof v, 'object', `case ${i}: decoded to an object`);
        outcome = 'decoded';
      } catch (e) {
        if (!TableauError.is(e)) {
          assert.fail(`seed ${SEED} case ${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} for status ${status}, body ${JSON.stringify(body.toString('latin1').slice(0, 200))}`);
        }
        assert.ok(e.message.length > 0 && e.message.length < 1000, `case ${i}: a bounded message (${e.message.length}): ${JSON.stringify(e.message.slice(0, 300))} for status ${status} body ${JSON.stringify(body.toString("latin1").slice(0, 200))}`);
        outcome = e.reason;
      }
      reasons.set(outcome, (reasons.get(outcome) ?? 0) + 1);
      slowest = Math.max(slowest, performance.now() - started);
    }
    assert.ok(slowest < 500, `slowest case ${Math.round(slowest)} ms`);
    // The generator reaches both sides: successes and several kinds of refusal.
    assert.ok((reasons.get('decoded') ?? 0) > 10, `outcomes: ${JSON.stringify(Object.fromEntries(reasons))}`);
    assert.ok(reasons.size >= 5, `outcomes: ${JSON.stringify(Object.fromEntries(reasons))}`);
  });

  it(`XML parser: 2000 mutated documents, only TableauErrors, entities never expanded (seed ${SEED + 1})`, () => {
    const r = new Prng(SEED + 1);
    for (let i = 0; i < 2000; i++) {
      const text = mutate(r, r.pick(SAMPLES.filter((s) => s.startsWith('<')))).toString('utf8');
      try {
        const doc = parseXml(text);
        // No value may grow past the input: nothing was expanded.
        assert.ok(JSON.stringify(doc).length <= text.length * 6 + 64, `case ${i}: output grew`);
      } catch (e) {
        if (!TableauError.is(e, 'malformedResponse')) assert.fail(`seed ${SEED + 1} case ${i}: ${e instanceof Error ? e.message : String(e)} for ${JSON.stringify(text.slice(0, 200))}`);
      }
    }
  });

  it(`multipart writer: 600 generated messages round-trip through a multipart parser (seed ${SEED + 2})`, async () => {
    const r = new Prng(SEED + 2);
    const tmp = tempDir('tp-fuzz-');
    try {
      const fileBytes = r.bytes(70_000);
      // Boundary-like and CRLF-heavy content inside the file.
      Buffer.from('\r\n--TableauPublisher\r\n--\r\n').copy(fileBytes, 1000);
      const file = tmp.file('data.bin', fileBytes);
      for (let i = 0; i < 600; i++) {
        const parts: MultipartPart[] = [];
        const expected: Buffer[] = [];
        const n = r.int(1, 4);
        let badRange = false;
        for (let k = 0; k < n; k++) {
          const kind = r.int(0, 2);
          let body: MultipartPart['body'];
          if (kind === 0) {
            body = r.text(300);
            expected.push(Buffer.from(body));
          } else if (kind === 1) {
            body = r.bool(0.3) ? Buffer.from(`\r\n--${r.text(10)}\r\n`) : r.bytes(r.int(0, 500));
            expected.push(Buffer.from(body));
          } else {
            const start = r.int(0, fileBytes.length + (r.bool(0.05) ? 100 : 0));
            const end = r.bool(0.2) ? undefined : r.int(start - (r.bool(0.05) ? 10 : 0), fileBytes.length + (r.bool(0.05) ? 10 : 0));
            if (start > fileBytes.length || (end !== undefined && (end < start || end > fileBytes.length))) badRange = true;
            body = { path: file, start, end };
            expected.push(fileBytes.subarray(start, end ?? fileBytes.length));
          }
          parts.push({ name: r.bool(0.7) ? r.pick(['request_payload', 'tableau_file', 'tableau_workbook']) : r.text(20), filename: r.bool(0.5) ? r.text(30) : undefined, contentType: r.bool(0.8) ? 'application/octet-stream' : r.text(30), body });
        }
        let msg;
        try {
          msg = await buildMultipart(parts, { readSize: r.int(1, 9000) });
        } catch (e) {
          assert.ok(badRange && TableauError.is(e, 'invalidArgument'), `seed ${SEED + 2} case ${i}: ${String(e)}`);
          continue;
        }
        assert.ok(!badRange, `case ${i}: an out-of-range file part was accepted`);
        const chunks: Buffer[] = [];
        for await (const c of msg.body) chunks.push(Buffer.from(c));
        const wire = Buffer.concat(chunks);
        assert.equal(wire.length, msg.contentLength, `case ${i}: Content-Length is exact`);
        assert.match(msg.contentType, /^multipart\/mixed; boundary=[A-Za-z0-9]+$/);
        const got = await splitMultipart(wire, msg.boundary);
        assert.equal(got.length, parts.length, `case ${i}: part count`);
        got.forEach((g, k) => {
          assert.ok(g.body.equals(expected[k]), `case ${i} part ${k}: body round-trips`);
          assert.deepEqual(Object.keys(g.headers).sort(), ['content-disposition', 'content-type'], `case ${i} part ${k}: no injected header`);
        });
      }
    } finally {
      tmp.cleanup();
    }
  });
});

function splitMultipart(wire: Buffer, boundary: string): Promise<{ headers: Record<string, string[]>; body: Buffer }[]> {
  return new Promise((resolve, reject) => {
    const out: { headers: Record<string, string[]>; body: Buffer }[] = [];
    const d = new Dicer({ boundary });
    d.on('part', (part) => {
      const entry = { headers: {} as Record<string, string[]>, body: Buffer.alloc(0) };
      const bufs: Buffer[] = [];
      out.push(entry);
      part.on('header', (h) => (entry.headers = h));
      part.on('data', (c: Buffer) => bufs.push(c));
      part.on('end', () => (entry.body = Buffer.concat(bufs)));
    });
    d.on('error', reject);
    d.on('finish', () => setImmediate(() => resolve(out)));
    d.end(wire);
  });
}


