/**
 * `.vscode/tableau-publish.json`: the publish targets remembered for a workspace, so a
 * file publishes again to the same place with one command (and from CI with the CLI).
 * It is meant to be committed, so it never holds a secret: keys that look like one are refused.
 */
import { mkdir, open, rename, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { DataConnectionRule } from '../connections/rules';
import { validateEnvironments, validateMode, validateOverrides, type EnvironmentDefinition, type TargetOverrides } from '../environments/definitions';
import { isSecretReferenceKey, validateRules } from '../environments/ruleValidation';
import { TableauError } from '../errors';
import type { PublishMode } from '../models';
import { bad, bool, checkKeys, compact, isObj, MANIFEST_PATH, str, strList } from './manifestValues';
import { assertInsideWorkspace, isBelow, relativePathProblem } from './workspacePath';
import { SETTINGS_OPTION_KEYS, validateSettingsOptions, type ManifestSettingsOptions } from './manifestSettings';
import { AFTER_PUBLISH_OPTION_KEYS, afterPublishOptions, type AfterPublishManifestOptions } from './manifestAfterPublish';
import { isUpdateTarget, validateUpdateTarget, type ManifestUpdateTarget } from './manifestUpdate';

export { MANIFEST_PATH } from './manifestValues';

export interface ManifestOptions extends AfterPublishManifestOptions, ManifestSettingsOptions {
  showTabs?: boolean;
  hiddenViews?: string[];
  description?: string;
  tags?: string[];
  skipConnectionCheck?: boolean;
  asJob?: boolean;
}

export type ManifestEnvironment = EnvironmentDefinition<ManifestOptions>;
export type ManifestTargetOverrides = TargetOverrides<ManifestOptions>;

export interface ManifestTarget {
  /** Workspace-relative path or glob (`*`, `**`, `?`), with forward slashes. */
  file: string;
  /** Name of a saved connection (its credentials live in the OS keychain, never here). Version 2: optional when the target is published through environments. */
  connection?: string;
  /** Site content URL ("" for the default site). Version 2: optional, as `connection`. */
  site?: string;
  /** Project path, levels separated by " / " (a "/" inside a name is written "//"); relative to an environment's projectRoot. */
  project: string;
  name?: string;
  mode: PublishMode;
  options?: ManifestOptions;
  /** Version 2: rules for this file's data connections in every environment (an environment's own list for the target replaces it). */
  dataConnections?: DataConnectionRule[];
  /** Version 2: what changes per environment. */
  environments?: Record<string, ManifestTargetOverrides>;
  /** Version 2: the environment this target was last published to (Publish Again uses it). */
  environment?: string;
}

/**
 * Version 1 files are read as they are; a file is written as version 2 when it is saved
 * (version 2 is a superset: environments, per-environment overrides, data connection rules).
 */
export interface PublishManifest {
  version: 1 | 2;
  environments?: Record<string, ManifestEnvironment>;
  targets: ManifestTarget[];
  /** Targets with "mode": "update" (incremental data updates, manifestUpdate.ts), written back among `targets`. */
  updates?: ManifestUpdateTarget[];
}

/** A manifest lists a few targets; anything this large is not one. */
const MAX_MANIFEST_BYTES = 1024 * 1024;
const SECRET_KEY = /pass(word)?|secret|token|jwt|credential|api[-_]?key/i;
const TARGET_KEYS = ['file', 'connection', 'site', 'project', 'name', 'mode', 'options'];
const V2_TARGET_KEYS = [...TARGET_KEYS, 'dataConnections', 'environments', 'environment'];
const OPTION_KEYS = ['showTabs', 'hiddenViews', 'description', 'tags', 'skipConnectionCheck', 'asJob', ...AFTER_PUBLISH_OPTION_KEYS, ...SETTINGS_OPTION_KEYS];

function refuseSecrets(v: unknown, at: string): void {
  if (Array.isArray(v)) v.forEach((x, i) => refuseSecrets(x, `${at}[${i}]`));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = `${at}.${k}`;
      // A rule's credentials name where the password is (a VS Code secret id, a variable name), never the password.
      if (SECRET_KEY.test(k) && !isSecretReferenceKey(at, k, x)) {
        throw bad(p, 'looks like a secret. Secrets are never stored in this file (it is meant to be committed); they stay in the credential store.');
      }
      refuseSecrets(x, p);
    }
  }
}

function validateOptions(o: unknown, oat: string): ManifestOptions {
  if (!isObj(o)) throw bad(oat, 'must be an object.');
  checkKeys(o, OPTION_KEYS, oat);
  const options: ManifestOptions = {
    showTabs: bool(o, 'showTabs', oat),
    hiddenViews: strList(o, 'hiddenViews', oat),
    description: str(o, 'description', oat, false, true),
    tags: strList(o, 'tags', oat),
    skipConnectionCheck: bool(o, 'skipConnectionCheck', oat),
    asJob: bool(o, 'asJob', oat),
    ...afterPublishOptions(o, oat, MANIFEST_PATH),
    ...validateSettingsOptions(MANIFEST_PATH, o, oat),
  };
  for (const k of Object.keys(options) as (keyof ManifestOptions)[]) if (options[k] === undefined) delete options[k];
  return options;
}

function validateTarget(t: unknown, at: string, version: 1 | 2, environments: Record<string, ManifestEnvironment>): ManifestTarget {
  if (!isObj(t)) throw bad(at, 'must be an object.');
  checkKeys(t, version === 1 ? TARGET_KEYS : V2_TARGET_KEYS, at);
  const mode = validateMode(t, at, true)!;
  const file = str(t, 'file', at, true)!;
  const problem = relativePathProblem(file);
  if (problem) throw bad(`${at}.file`, problem);
  // Version 2: a target published through environments takes its connection and site from them.
  const direct = version === 1 || t.environments === undefined;
  const out: ManifestTarget = {
    file,
    connection: str(t, 'connection', at, direct),
    site: str(t, 'site', at, direct, true),
    project: str(t, 'project', at, true)!,
    mode,
  };
  compact(out);
  const name = str(t, 'name', at, false);
  if (name !== undefined) out.name = name;
  if (t.options !== undefined) out.options = validateOptions(t.options, `${at}.options`);
  if (t.dataConnections !== undefined) out.dataConnections = validateRules(t.dataConnections, `${at}.dataConnections`);
  if (t.environments !== undefined) {
    out.environments = validateOverrides(t.environments, `${at}.environments`, validateOptions);
    for (const env of Object.keys(out.environments)) {
      if (!environments[env]) throw bad(`${at}.environments.${env}`, `is not one of the manifest's environments (${Object.keys(environments).join(', ') || 'none'}).`);
    }
  }
  const env = str(t, 'environment', at, false);
  if (env !== undefined) {
    if (!environments[env]) throw bad(`${at}.environment`, `is not one of the manifest's environments (${Object.keys(environments).join(', ') || 'none'}).`);
    out.environment = env;
  }
  return out;
}

/** Validates a manifest object; errors name the JSON path that is wrong (e.g. `targets[1].mode`). */
export function validateManifest(doc: unknown): PublishManifest {
  refuseSecrets(doc, '$');
  if (!isObj(doc)) throw bad('$', 'must be a JSON object.');
  if (doc.version !== 1 && doc.version !== 2) throw bad('$.version', 'must be 1 or 2.');
  const version = doc.version;
  checkKeys(doc, version === 1 ? ['version', 'targets', '$schema'] : ['version', 'targets', 'environments', '$schema'], '$');
  const environments = doc.environments === undefined ? {} : validateEnvironments(doc.environments, '$.environments', validateOptions);
  if (!Array.isArray(doc.targets)) throw bad('$.targets', 'must be a list.');
  const targets: ManifestTarget[] = [];
  const updates: ManifestUpdateTarget[] = [];
  doc.targets.forEach((t, i) => (isUpdateTarget(t) ? updates.push(validateUpdateTarget(t, `$.targets[${i}]`)) : targets.push(validateTarget(t, `$.targets[${i}]`, version, environments))));
  const manifest: PublishManifest = version === 1 ? { version, targets } : { version, ...(doc.environments !== undefined ? { environments } : {}), targets };
  return updates.length ? { ...manifest, updates } : manifest;
}

export function parseManifest(text: string): PublishManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // The parser's message quotes the text; a manifest made to point at another file would
    // echo that file's content. Only the position is passed on.
    throw bad('$', `is not valid JSON${jsonErrorPlace(text, (e as Error).message)}.`);
  }
  return validateManifest(doc);
}

function jsonErrorPlace(text: string, parserMessage: string): string {
  const m = /at position (\d+)/.exec(parserMessage);
  if (!m) return /end of JSON input/.test(parserMessage) ? ' (it ends too early)' : '';
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  return ` (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
}

function unreadable(file: string, why: string, cause?: unknown): TableauError {
  return new TableauError({ reason: 'invalidFile', message: `${file} cannot be read: ${why}`, cause });
}

/**
 * The manifest at `file`, or undefined when there is none. With `workspaceRoot`, a manifest
 * (or `.vscode` folder) that is a symlink leading out of the workspace is refused, not read.
 */
export async function loadManifest(file: string, opts: { workspaceRoot?: string } = {}): Promise<PublishManifest | undefined> {
  if (opts.workspaceRoot) await assertInsideWorkspace(opts.workspaceRoot, file);
  let text: string;
  try {
    // Checked before opening: opening a FIFO would wait for a writer.
    const st = await stat(file);
    if (!st.isFile()) throw unreadable(file, 'it is not a regular file.');
    if (st.size > MAX_MANIFEST_BYTES) throw unreadable(file, `it is larger than ${MAX_MANIFEST_BYTES} bytes.`);
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(MAX_MANIFEST_BYTES + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead > MAX_MANIFEST_BYTES) throw unreadable(file, `it is larger than ${MAX_MANIFEST_BYTES} bytes.`);
      text = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (TableauError.is(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw unreadable(file, `${code ?? 'error'}.`, e);
  }
  return parseManifest(text);
}

/** Validates, then writes atomically (temp file + rename) so an editor never sees half a file. */
export async function saveManifest(file: string, manifest: PublishManifest): Promise<void> {
  // Saving writes version 2 (a superset of 1): a version 1 file is upgraded only here, when the user saves.
  // Update targets go back among the targets, where the file keeps them.
  const { updates, ...rest } = manifest;
  const valid = validateManifest({ ...rest, version: 2, targets: [...rest.targets, ...(updates ?? [])] });
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const { updates: written, ...document } = valid;
  await writeFile(tmp, JSON.stringify({ ...document, targets: [...document.targets, ...(written ?? [])] }, null, 2) + '\n', 'utf8');
  await rename(tmp, file);
}

/**
 * Glob syntax as VS Code and most tools read it: `*`, `**`, `?`, `{a,b}`, `[abc]`. Forward slashes on
 * every platform; dot-files match; a leading `!` and `+(...)`-style groups are literal, as they were
 * before (a file "Sales*(1).twbx" is not a pattern of repeated 1s).
 */
const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true, windows: false, nonegate: true, noextglob: true };

/** The picomatch pattern of a manifest `file`: parentheses and `|` escaped, or picomatch would read them as a regex group. */
function globOf(file: string): string {
  return normalizeRel(file).replace(/[()|]/g, '\\$&');
}

/** True when a manifest `file` is a pattern rather than one path. */
export function isGlob(file: string): boolean {
  return picomatch.scan(globOf(file), GLOB_OPTIONS).isGlob;
}

/** True when the workspace-relative path `rel` (forward slashes) is `file`, or matches it as a glob. */
export function matchesGlob(file: string, rel: string): boolean {
  if (normalizeRel(file) === rel) return true;
  const glob = globOf(file);
  return picomatch.scan(glob, GLOB_OPTIONS).isGlob && picomatch.isMatch(rel, glob, GLOB_OPTIONS);
}

function normalizeRel(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** Targets whose `file` matches a workspace-relative path; exact paths first, then globs in file order. */
export function findTargets(manifest: PublishManifest, relativeFile: string): ManifestTarget[] {
  // A file outside the workspace matches nothing, not even `**`.
  if (!isBelow(relativeFile)) return [];
  const rel = normalizeRel(relativeFile);
  const exact = manifest.targets.filter((t) => normalizeRel(t.file) === rel);
  const globbed = manifest.targets.filter((t) => normalizeRel(t.file) !== rel && matchesGlob(t.file, rel));
  return [...exact, ...globbed];
}

/** Adds a target, replacing one with the same file, connection and site. */
export function upsertTarget(manifest: PublishManifest, target: ManifestTarget): PublishManifest {
  const same = (t: ManifestTarget): boolean => t.file === target.file && t.connection === target.connection && t.site === target.site;
  const i = manifest.targets.findIndex(same);
  const targets = [...manifest.targets];
  if (i >= 0) targets[i] = target;
  else targets.push(target);
  return { ...manifest, targets };
}
