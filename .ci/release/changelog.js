#!/usr/bin/env node
// @ts-check
/**
 * The CHANGELOG (Keep a Changelog 1.1.0) and package.json's version, kept in agreement:
 *
 *   npm run release:changelog -- check [--tag vX.Y.Z]   the form and the version rule below (exit 1 if broken)
 *   npm run release:changelog -- notes [--version X.Y.Z] print a released section's body: the release notes
 *   npm run release:changelog -- release [--date YYYY-MM-DD]  move [Unreleased] to [<package.json version>] - date
 * (--changelog FILE and --package FILE name other files than the repository's.)
 *
 * The rule. Let V be package.json's version. Either
 * - the topmost released section is [V]: V is released (its tag is vV), later changes collect under
 *   [Unreleased]; or
 * - no section is [V] and V is above every released section: V is the next release, its changes are
 *   under [Unreleased] until `release` moves them.
 * On a tag (`check --tag vT`, the release workflow), T must be V, the topmost released section must be
 * [V] and must say something: that section is the release's notes.
 */
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '..', '..');
const VERSION = '(\\d+)\\.(\\d+)\\.(\\d+)(?:-([0-9A-Za-z.-]+))?';
const RELEASED = new RegExp(`^## \\[${VERSION}\\] - (\\d{4}-\\d{2}-\\d{2})$`);
const KINDS = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'];

class ChangelogError extends Error {}

/**
 * @typedef {{ version: string | null, date: string | null, line: number, end: number, body: string }} Section
 * version null is [Unreleased]; line and end are 0-based line indexes of the heading and past the body.
 */

/**
 * Sections in file order; throws a ChangelogError at the first line that is not Keep a Changelog form.
 * @param {string} text
 * @returns {Section[]}
 */
function parseChangelog(text) {
  const lines = text.split('\n');
  if (lines[0] !== '# Changelog') throw new ChangelogError('line 1 must be "# Changelog"');
  /** @type {Section[]} */
  const sections = [];
  lines.forEach((l, i) => {
    if (l.startsWith('## ')) {
      const m = RELEASED.exec(l);
      if (l === '## [Unreleased]') {
        if (sections.length) throw new ChangelogError(`line ${i + 1}: [Unreleased] must be the first section`);
        sections.push({ version: null, date: null, line: i, end: lines.length, body: '' });
      } else if (m) {
        const date = m[5];
        if (Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
          throw new ChangelogError(`line ${i + 1}: ${date} is not a date`);
        }
        sections.push({ version: l.slice(4, l.indexOf(']')), date, line: i, end: lines.length, body: '' });
      } else {
        throw new ChangelogError(`line ${i + 1}: a section heading is "## [Unreleased]" or "## [X.Y.Z] - YYYY-MM-DD", not "${l}"`);
      }
      if (sections.length > 1) sections[sections.length - 2].end = i;
    } else if (l.startsWith('### ') && !KINDS.includes(l.slice(4))) {
      throw new ChangelogError(`line ${i + 1}: a change group is one of ${KINDS.join(', ')}, not "${l.slice(4)}"`);
    } else if (/^#{1,2}(\s|$)/.test(l) && i > 0) {
      throw new ChangelogError(`line ${i + 1}: only one "# " title`);
    }
  });
  // Link reference definitions ([x.y.z]: https://...) at the end belong to no section's notes.
  for (const s of sections) {
    let end = s.end;
    while (end > s.line + 1 && /^(\[[^\]]+\]:\s.*|\s*)$/.test(lines[end - 1])) end--;
    s.body = lines.slice(s.line + 1, end).join('\n').trim();
  }
  const released = sections.filter((s) => s.version);
  for (let i = 1; i < released.length; i++) {
    if (compareVersions(/** @type {string} */ (released[i - 1].version), /** @type {string} */ (released[i].version)) <= 0) {
      throw new ChangelogError(`[${released[i - 1].version}] must be above older releases, and [${released[i].version}] is not older`);
    }
  }
  return sections;
}

/**
 * Semantic Versioning order (a pre-release is below its release; pre-release identifiers compared as text).
 * @param {string} a
 * @param {string} b
 */
function compareVersions(a, b) {
  const re = new RegExp(`^${VERSION}$`);
  const pa = re.exec(a);
  const pb = re.exec(b);
  if (!pa || !pb) throw new ChangelogError(`not a version: ${pa ? b : a}`);
  for (let i = 1; i <= 3; i++) if (Number(pa[i]) !== Number(pb[i])) return Number(pa[i]) - Number(pb[i]);
  if (pa[4] === pb[4]) return 0;
  if (!pa[4]) return 1;
  if (!pb[4]) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}

/**
 * The agreement of package.json's version with the CHANGELOG (see the rule above); returns the sections.
 * @param {string} text the CHANGELOG
 * @param {string} version package.json's
 * @param {string} [tag] the release tag being built, vX.Y.Z
 */
function checkAgreement(text, version, tag) {
  const sections = parseChangelog(text);
  compareVersions(version, version);
  const released = sections.filter((s) => s.version);
  const top = released[0];
  if (tag !== undefined) {
    if (tag !== `v${version}`) throw new ChangelogError(`the tag ${tag} is not v${version}, package.json's version`);
    if (!top || top.version !== version) {
      throw new ChangelogError(`the tag ${tag} needs "## [${version}] - YYYY-MM-DD" as the CHANGELOG's topmost release (npm run release:changelog -- release)`);
    }
    if (!top.body) throw new ChangelogError(`the CHANGELOG's [${version}] section is empty: it is the release notes`);
    return sections;
  }
  if (top && top.version === version) return sections;
  if (released.some((s) => s.version === version)) {
    throw new ChangelogError(`package.json's version ${version} is an older release in the CHANGELOG; the topmost is [${top?.version}]`);
  }
  if (top && compareVersions(version, /** @type {string} */ (top.version)) < 0) {
    throw new ChangelogError(`package.json's version ${version} is below the CHANGELOG's latest release [${top.version}]`);
  }
  if (!sections.length || sections[0].version !== null) {
    throw new ChangelogError(`package.json's version ${version} is not released yet, so the CHANGELOG needs a "## [Unreleased]" section for its changes`);
  }
  return sections;
}

/**
 * The release notes of a version: its section's body.
 * @param {string} text
 * @param {string} version
 */
function releaseNotes(text, version) {
  const section = parseChangelog(text).find((s) => s.version === version);
  if (!section) throw new ChangelogError(`the CHANGELOG has no "## [${version}] - YYYY-MM-DD" section`);
  if (!section.body) throw new ChangelogError(`the CHANGELOG's [${version}] section is empty`);
  return section.body + '\n';
}

/**
 * The CHANGELOG with [Unreleased]'s changes moved under "## [version] - date", and an empty [Unreleased] above.
 * @param {string} text
 * @param {string} version
 * @param {string} date YYYY-MM-DD
 */
function releaseChangelog(text, version, date) {
  const sections = checkAgreement(text, version);
  const unreleased = sections[0];
  if (!unreleased || unreleased.version !== null || !unreleased.body) throw new ChangelogError('[Unreleased] has no changes to release');
  if (sections.some((s) => s.version === version)) throw new ChangelogError(`[${version}] is released already: raise package.json's version first (npm version --no-git-tag-version X.Y.Z)`);
  const lines = text.split('\n');
  lines.splice(unreleased.line, 1, '## [Unreleased]', '', `## [${version}] - ${date}`);
  const out = lines.join('\n');
  checkAgreement(out, version, `v${version}`);
  return out;
}

/** @param {string[]} argv */
function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      changelog: { type: 'string', default: path.join(root, 'CHANGELOG.md') },
      package: { type: 'string', default: path.join(root, 'package.json') },
      tag: { type: 'string' },
      version: { type: 'string' },
      date: { type: 'string', default: new Date().toISOString().slice(0, 10) },
    },
  });
  const file = /** @type {string} */ (values.changelog);
  const text = fs.readFileSync(file, 'utf8');
  const version = JSON.parse(fs.readFileSync(/** @type {string} */ (values.package), 'utf8')).version;
  switch (positionals[0]) {
    case 'check':
      checkAgreement(text, version, values.tag);
      console.log(values.tag ? `CHANGELOG [${version}] and package.json agree with the tag ${values.tag}` : `CHANGELOG and package.json (${version}) agree`);
      return;
    case 'notes':
      process.stdout.write(releaseNotes(text, values.version ?? version));
      return;
    case 'release':
      fs.writeFileSync(file, releaseChangelog(text, version, /** @type {string} */ (values.date)));
      console.log(`CHANGELOG: [Unreleased] is now [${version}] - ${values.date}; commit it and tag v${version}`);
      return;
    default:
      throw new ChangelogError('usage: changelog.js check [--tag vX.Y.Z] | notes [--version X.Y.Z] | release [--date YYYY-MM-DD]');
  }
}

module.exports = { parseChangelog, checkAgreement, releaseNotes, releaseChangelog, compareVersions };

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`changelog: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
