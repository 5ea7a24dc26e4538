/**
 * Helpers for the release-readiness tests: the repository root, a zip's entries (a .vsix is a zip),
 * the links and images of a Markdown file as a Markdown parser sees them, and the metadata checks
 * Open VSX makes when it accepts a package.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import * as yauzl from 'yauzl';

/** The checkout's root, found by walking up from the bundled test to the package.json named tableau-publisher. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p) && (JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string }).name === 'tableau-publisher') return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`no tableau-publisher package.json above ${__dirname}`);
}

/** Every entry of a zip file, name to bytes (the test packages are a few MB at most). */
export function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${file}`));
      const entries = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

export interface MarkdownRefs {
  links: string[];
  images: string[];
  /** GitHub-style ids of the headings, the targets of in-page `#...` links. */
  anchors: Set<string>;
}

/** Links and images as rendered (inline, reference-style and raw HTML `<a href>` / `<img src>`). */
export function markdownRefs(text: string): MarkdownRefs {
  const md = new MarkdownIt({ html: true });
  const refs: MarkdownRefs = { links: [], images: [], anchors: new Set() };
  const tokens = md.parse(text, {});
  const fromHtml = (html: string): void => {
    for (const m of html.matchAll(/<(a|img|video|source)\b[^>]*?\s(href|src)\s*=\s*["']([^"']*)["']/gi)) {
      (m[1].toLowerCase() === 'a' ? refs.links : refs.images).push(m[3]);
    }
  };
  tokens.forEach((t, i) => {
    if (t.type === 'heading_open') refs.anchors.add(githubSlug(tokens[i + 1]?.content ?? ''));
    if (t.type === 'html_block') fromHtml(t.content);
    for (const c of t.children ?? []) {
      if (c.type === 'link_open') refs.links.push(c.attrGet('href') ?? '');
      if (c.type === 'image') refs.images.push(c.attrGet('src') ?? '');
      if (c.type === 'html_inline') fromHtml(c.content);
    }
  });
  return refs;
}

/** The id GitHub and the marketplaces give a heading: lower case, punctuation dropped, spaces to dashes. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_~[\]()]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * What Open VSX refuses in a package's manifest, from its server's ExtensionValidator (name and namespace
 * `[\w\-+$~]+`, version characters, field lengths, URLs, gallery banner theme) and the `ovsx` CLI's
 * license check (a `license` or a LICENSE file), plus an icon that the package really holds.
 */
export function openVsxIssues(manifest: Record<string, unknown>, packagedFiles: ReadonlySet<string>): string[] {
  const issues: string[] = [];
  const str = (k: string): string | undefined => (typeof manifest[k] === 'string' ? (manifest[k] as string) : undefined);
  const urlOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { url?: unknown }).url === 'string' ? (v as { url: string }).url : undefined);
  for (const k of ['publisher', 'name']) {
    const v = str(k);
    if (!v || !/^[\w\-+$~]+$/.test(v) || v.length > 255) issues.push(`${k} must match [\\w-+$~]+ (1-255 characters): ${String(v)}`);
  }
  const version = str('version');
  if (!version || !/^[\p{L}\p{N}$+\-,.:;_]+$/u.test(version) || ['latest', 'pre-release', 'reviews'].includes(version)) issues.push(`version: ${String(version)}`);
  for (const [k, limit] of [['displayName', 255], ['description', 2048], ['license', 255]] as const) {
    const v = str(k);
    if (v !== undefined && (v.length > limit || /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u2028\u2029]/u.test(v))) issues.push(`${k}: too long or control characters`);
  }
  if (!str('license') && ![...packagedFiles].some((f) => /^extension\/licen[cs]e(\.md|\.txt)?$/i.test(f))) issues.push('no license (Open VSX accepts only licensed packages)');
  for (const k of ['repository', 'bugs', 'homepage']) {
    const u = urlOf(manifest[k]);
    if (!u) {
      issues.push(`${k} is missing`);
      continue;
    }
    let host = '';
    try {
      host = new URL(u.replace(/^git\+/, '')).host;
    } catch {
      /* reported below */
    }
    if (!host || u.length > 255) issues.push(`${k} is not a URL of at most 255 characters: ${u}`);
  }
  const banner = manifest.galleryBanner as { color?: string; theme?: string } | undefined;
  if (banner?.theme && !['dark', 'light'].includes(banner.theme)) issues.push(`galleryBanner.theme: ${banner.theme}`);
  if (banner?.color && banner.color.length > 16) issues.push(`galleryBanner.color: ${banner.color}`);
  const icon = str('icon');
  if (!icon) issues.push('no icon');
  else if (!packagedFiles.has(`extension/${path.posix.normalize(icon)}`)) issues.push(`icon ${icon} is not in the package`);
  return issues;
}

export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` with a time limit; the run is killed past it (reported as code null). */
export function runNode(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<NodeRun> {
  return runProgram(process.execPath, args, opts);
}

/** Runs a program of the machine (node, npm, npx, tar) with a time limit; killed past it (code null). */
export function runProgram(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
