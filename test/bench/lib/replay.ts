/**
 * The fair baseline of the throughput row: the CLI's own publish requests, recorded once
 * byte for byte, sent again by curl to the same endpoints of the same simulator.
 *
 * Recording: the CLI publishes through a link proxy with no latency and no cap whose tap
 * keeps the body of every upload request (each chunk's multipart body and the commit, or the
 * one multipart POST of a small file) and each request's route and Content-Type. Sign-in
 * bodies, headers and tokens are never kept (they hold secrets); the site and upload session
 * ids in a route become placeholders.
 *
 * Replay: curl signs in (its own PAT), starts its own upload session when the recording has
 * one, then sends the recorded bodies in order in one curl process (one kept-alive
 * connection, like the CLI's). Credentials and the session token reach curl on stdin (`-K -`),
 * never in its arguments or a file.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { BENCH_SITE, type BenchPat } from './benchConfig';
import type { LinkOptions } from './linkProxy';

export type RecordedKind = 'signin' | 'initiate' | 'chunk' | 'publish' | 'other';

export interface RecordedRequest {
  kind: RecordedKind;
  method: string;
  /** Path and query, with `{siteId}` and `{uploadSessionId}` in place of the ids. */
  route: string;
  contentType?: string;
  /** The body as sent, for chunks and publishes. */
  bodyFile?: string;
  /** Its size, filled in by `uploads()` once the recording is over. */
  bodyBytes?: number;
}

const SITE = /^(\/api\/[^/]+\/sites\/)([^/?]+)/;

/** What a request is, from its method and path (Tableau's REST routes). */
export function classify(method: string, url: string): { kind: RecordedKind; route: string } {
  const [p, q = ''] = url.split('?');
  let route = p.replace(SITE, '$1{siteId}');
  const query = q.replace(/(^|&)(uploadSessionId=)[^&]*/i, '$1$2{uploadSessionId}');
  if (/^POST$/i.test(method) && /\/auth\/signin$/i.test(p)) return { kind: 'signin', route: p };
  if (/^POST$/i.test(method) && /\/sites\/[^/]+\/fileUploads\/?$/i.test(p)) return { kind: 'initiate', route };
  if (/^PUT$/i.test(method) && /\/sites\/[^/]+\/fileUploads\/[^/]+$/i.test(p)) {
    route = route.replace(/\/fileUploads\/[^/]+$/i, '/fileUploads/{uploadSessionId}');
    return { kind: 'chunk', route: route + (query ? `?${query}` : '') };
  }
  if (/^POST$/i.test(method) && /\/sites\/[^/]+\/(workbooks|datasources)$/i.test(p)) return { kind: 'publish', route: route + (query ? `?${query}` : '') };
  return { kind: 'other', route: route + (query ? `?${query}` : '') };
}

export interface Recording {
  dir: string;
  requests: RecordedRequest[];
  /** The requests curl sends again (sign-in and initiate are its own; lookups are not replayed). */
  uploads(): RecordedRequest[];
  remove(): void;
}

/** A recorder for a link proxy's `tap`; bodies go to a private temp folder. */
export function recorder(): { tap: NonNullable<LinkOptions['tap']>; recording: Recording } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-bench-replay-'));
  const requests: RecordedRequest[] = [];
  const recording: Recording = {
    dir,
    requests,
    uploads: () =>
      requests
        .filter((r) => r.kind === 'chunk' || r.kind === 'publish')
        .map((r) => ({ ...r, bodyBytes: fs.statSync(r.bodyFile!).size })),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  const tap: NonNullable<LinkOptions['tap']> = ({ method, url, headers }): Writable | undefined => {
    const { kind, route } = classify(method, url);
    const rec: RecordedRequest = { kind, method: method.toUpperCase(), route, contentType: headers['content-type'] };
    requests.push(rec);
    if (kind !== 'chunk' && kind !== 'publish') return undefined;
    rec.bodyFile = path.join(dir, `${String(requests.length).padStart(4, '0')}-${kind}.body`);
    return fs.createWriteStream(rec.bodyFile, { mode: 0o600 });
  };
  return { tap, recording };
}

/** curl's config-file quoting (`-K`): a double-quoted string with \\ and \" escaped. */
export function curlQuote(s: string): string {
  if (/[\r\n]/.test(s)) throw new Error('a curl config value cannot hold a line break');
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

interface CurlRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs curl with its whole configuration on stdin. */
function curlK(config: string, timeoutMs: number): Promise<CurlRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-K', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-8000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(config);
  });
}

const common = ['silent', 'show-error', 'header = "Expect:"'];

export interface ReplayResult {
  /** Wall time from the first curl's start to the last one's end (sign-in, upload session, uploads). */
  wallMs: number;
  /** Wall time of the curl that sends the recorded bodies alone. */
  uploadMs: number;
  requests: number;
  bytesSent: number;
}

/**
 * Replays `rec` with curl against `url` as `pat`: sign-in, its own upload session when the
 * recording had one, then every recorded upload body to its recorded route.
 */
export async function replayWithCurl(url: string, pat: BenchPat, rec: Recording, timeoutMs = 10 * 60_000): Promise<ReplayResult> {
  const signin = rec.requests.find((r) => r.kind === 'signin');
  if (!signin) throw new Error('the recording has no sign-in (was the client signed in already?)');
  const uploads = rec.uploads();
  if (uploads.length === 0) throw new Error('the recording has no upload requests');
  const jsonOf = (r: CurlRun, what: string): Record<string, Record<string, unknown>> => {
    if (r.code !== 0) throw new Error(`curl ${what} exited with ${r.code}: ${r.stderr.trim().slice(-500)}`);
    return JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
  };
  const started = performance.now();
  const body = JSON.stringify({ credentials: { personalAccessTokenName: pat.name, personalAccessTokenSecret: pat.secret, site: { contentUrl: BENCH_SITE } } });
  const signed = jsonOf(
    await curlK([...common, 'fail', `url = ${curlQuote(url + signin.route)}`, 'header = "Content-Type: application/json"', 'header = "Accept: application/json"', `data-binary = ${curlQuote(body)}`].join('\n') + '\n', timeoutMs),
    'sign-in',
  );
  const token = String(signed.credentials.token);
  const siteId = String((signed.credentials.site as Record<string, unknown>).id);
  const auth = `header = ${curlQuote(`X-Tableau-Auth: ${token}`)}`;
  let uploadSessionId = '';
  const initiate = rec.requests.find((r) => r.kind === 'initiate');
  if (initiate) {
    const answer = jsonOf(
      await curlK([...common, 'fail', 'request = "POST"', `url = ${curlQuote(url + initiate.route.replace('{siteId}', siteId))}`, auth, 'header = "Accept: application/json"', 'data-binary = ""'].join('\n') + '\n', timeoutMs),
      'initiate upload session',
    );
    uploadSessionId = String(answer.fileUpload.uploadSessionId);
  }
  const groups = uploads.map((r) =>
    [
      ...common,
      'fail',
      `request = ${curlQuote(r.method)}`,
      `url = ${curlQuote(url + r.route.replace('{siteId}', siteId).replace('{uploadSessionId}', encodeURIComponent(uploadSessionId)))}`,
      auth,
      `header = ${curlQuote(`Content-Type: ${r.contentType ?? 'application/octet-stream'}`)}`,
      `upload-file = ${curlQuote(r.bodyFile!)}`,
      'output = "/dev/null"',
      'write-out = "%{http_code} %{size_upload}\\n"',
    ].join('\n'),
  );
  const t0 = performance.now();
  const sent = await curlK(groups.join('\nnext\n') + '\n', timeoutMs);
  const uploadMs = performance.now() - t0;
  const wallMs = performance.now() - started;
  if (sent.code !== 0) throw new Error(`curl replay exited with ${sent.code}: ${sent.stderr.trim().slice(-500)}`);
  const lines = sent.stdout.trim().split('\n');
  if (lines.length !== uploads.length) throw new Error(`curl replay reported ${lines.length} transfers of ${uploads.length}`);
  let bytesSent = 0;
  lines.forEach((l, i) => {
    const [status, size] = l.split(' ').map(Number);
    if (status < 200 || status > 299) throw new Error(`replayed request ${i + 1} answered HTTP ${status}`);
    if (size !== uploads[i].bodyBytes) throw new Error(`replayed request ${i + 1} sent ${size} bytes of ${uploads[i].bodyBytes}`);
    bytesSent += size;
  });
  return { wallMs, uploadMs, requests: 1 + (initiate ? 1 : 0) + uploads.length, bytesSent };
}
