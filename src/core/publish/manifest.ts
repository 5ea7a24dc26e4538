/**
 * `.vscode/tableau-publish.json`: the publish targets remembered for a workspace, so a
 * file publishes again to the same place with one command (and from CI with the CLI).
 * It is meant to be committed, so it never holds a secret: keys that look like one are refused.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { TableauError } from '../errors';
import type { PublishMode } from '../models';

export const MANIFEST_PATH = '.vscode/tableau-publish.json';

export interface ManifestOptions {
  showTabs?: boolean;
  hiddenViews?: string[];
  description?: string;
  tags?: string[];
  skipConnectionCheck?: boolean;
  asJob?: boolean;
}

export interface ManifestTarget {
  /** Workspace-relative path or glob (`*`, `**`, `?`), with forward slashes. */
  file: string;
  /** Name of a saved connection (its credentials live in the OS keychain, never here). */
  connection: string;
  /** Site content URL ("" for the default site). */
  site: string;
  /** Project path, levels separated by " / " (a "/" inside a name is written "//"). */
  project: string;
  name?: string;
  mode: PublishMode;
  options?: ManifestOptions;
}

export interface PublishManifest {
  version: 1;
  targets: ManifestTarget[];
}

const MODES: PublishMode[] = ['createnew', 'overwrite', 'append', 'replace'];
const SECRET_KEY = /pass(word)?|secret|token|jwt|credential|api[-_]?key/i;
const TARGET_KEYS = ['file', 'connection', 'site', 'project', 'name', 'mode', 'options'];
const OPTION_KEYS = ['showTabs', 'hiddenViews', 'description', 'tags', 'skipConnectionCheck', 'asJob'];

function bad(where: string, problem: string): TableauError {
  return new TableauError({ reason: 'invalidArgument', message: `${MANIFEST_PATH}: ${where} ${problem}` });
}

function refuseSecrets(v: unknown, at: string): void {
  if (Array.isArray(v)) v.forEach((x, i) => refuseSecrets(x, `${at}[${i}]`));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = `${at}.${k}`;
      if (SECRET_KEY.test(k)) throw bad(p, 'looks like a secret. Secrets are never stored in this file (it is meant to be committed); they stay in the credential store.');
      refuseSecrets(x, p);
    }
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function checkKeys(o: Record<string, unknown>, allowed: string[], at: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw bad(`${at}.${k}`, `is not a known setting (known: ${allowed.join(', ')}).`);
}

function str(o: Record<string, unknown>, k: string, at: string, required: boolean, allowEmpty = false): string | undefined {
  const v = o[k];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string') throw bad(`${at}.${k}`, v === undefined ? 'is missing.' : 'must be a string.');
  if (!allowEmpty && v.trim() === '') throw bad(`${at}.${k}`, 'is empty.');
  return v;
}

function strList(o: Record<string, unknown>, k: string, at: string): string[] | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(`${at}.${k}`, 'must be a list of strings.');
  return v as string[];
}

function bool(o: Record<string, unknown>, k: string, at: string): boolean | undefined {
  const v = o[k];
  if (v !== undefined && typeof v !== 'boolean') throw bad(`${at}.${k}`, 'must be true or false.');
  return v as boolean | undefined;
}

function validateTarget(t: unknown, at: string): ManifestTarget {
  if (!isObj(t)) throw bad(at, 'must be an object.');
  checkKeys(t, TARGET_KEYS, at);
  const mode = str(t, 'mode', at, true) as PublishMode;
  if (!MODES.includes(mode)) throw bad(`${at}.mode`, `must be one of ${MODES.join(', ')}.`);
  const out: ManifestTarget = {
    file: str(t, 'file', at, true)!,
    connection: str(t, 'connection', at, true)!,
    site: str(t, 'site', at, true, true)!,
    project: str(t, 'project', at, true)!,
    mode,
  };
  const name = str(t, 'name', at, false);
  if (name !== undefined) out.name = name;
  if (t.options !== undefined) {
    const o = t.options;
    const oat = `${at}.options`;
    if (!isObj(o)) throw bad(oat, 'must be an object.');
    checkKeys(o, OPTION_KEYS, oat);
    const options: ManifestOptions = {
      showTabs: bool(o, 'showTabs', oat),
      hiddenViews: strList(o, 'hiddenViews', oat),
      description: str(o, 'description', oat, false, true),
      tags: strList(o, 'tags', oat),
      skipConnectionCheck: bool(o, 'skipConnectionCheck', oat),
      asJob: bool(o, 'asJob', oat),
    };
    for (const k of Object.keys(options) as (keyof ManifestOptions)[]) if (options[k] === undefined) delete options[k];
    out.options = options;
  }
  return out;
}

/** Validates a manifest object; errors name the JSON path that is wrong (e.g. `targets[1].mode`). */
export function validateManifest(doc: unknown): PublishManifest {
  refuseSecrets(doc, '$');
  if (!isObj(doc)) throw bad('$', 'must be a JSON object.');
  checkKeys(doc, ['version', 'targets', '$schema'], '$');
  if (doc.version !== 1) throw bad('$.version', 'must be 1.');
  if (!Array.isArray(doc.targets)) throw bad('$.targets', 'must be a list.');
  return { version: 1, targets: doc.targets.map((t, i) => validateTarget(t, `$.targets[${i}]`)) };
}

export function parseManifest(text: string): PublishManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad('$', `is not valid JSON (${(e as Error).message}).`);
  }
  return validateManifest(doc);
}

/** The manifest at `file`, or undefined when there is none. */
export async function loadManifest(file: string): Promise<PublishManifest | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TableauError({ reason: 'invalidFile', message: `${file} cannot be read.`, cause: e });
  }
  return parseManifest(text);
}

/** Validates, then writes atomically (temp file + rename) so an editor never sees half a file. */
export async function saveManifest(file: string, manifest: PublishManifest): Promise<void> {
  const valid = validateManifest(manifest);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(valid, null, 2) + '\n', 'utf8');
  await rename(tmp, file);
}

/** `*` any run within one folder, `**` any folders, `?` one character; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function normalizeRel(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** Targets whose `file` matches a workspace-relative path; exact paths first, then globs in file order. */
export function findTargets(manifest: PublishManifest, relativeFile: string): ManifestTarget[] {
  const rel = normalizeRel(relativeFile);
  const exact = manifest.targets.filter((t) => normalizeRel(t.file) === rel);
  const globbed = manifest.targets.filter((t) => normalizeRel(t.file) !== rel && /[*?]/.test(t.file) && globToRegExp(normalizeRel(t.file)).test(rel));
  return [...exact, ...globbed];
}

/** Adds a target, replacing one with the same file, connection and site. */
export function upsertTarget(manifest: PublishManifest, target: ManifestTarget): PublishManifest {
  const same = (t: ManifestTarget): boolean => t.file === target.file && t.connection === target.connection && t.site === target.site;
  const i = manifest.targets.findIndex(same);
  const targets = [...manifest.targets];
  if (i >= 0) targets[i] = target;
  else targets.push(target);
  return { version: 1, targets };
}
