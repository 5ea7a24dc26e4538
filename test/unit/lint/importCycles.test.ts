import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const DPDM = path.join(root, 'node_modules', 'dpdm', 'lib', 'bin', 'dpdm.js');
const CONFIG = path.join(root, 'test', 'dpdm.config.cts');

/** Runs the lint's cycle check (same tool, same config) on a small tree of files. */
function checkCycles(files: Record<string, string>): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cycles-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const r = spawnSync(process.execPath, [DPDM, '--config', CONFIG, '--cwd', dir], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The deliberate factory recursion the config allows, as it is in src/vscode/tree/nodes.
const NODES = {
  'src/vscode/tree/nodes/fromEntries.ts': "import { ProjectNode } from './projectNode';\nimport { WorkbookNode } from './workbookNode';\nexport const make = () => [new ProjectNode(), new WorkbookNode()];\n",
  'src/vscode/tree/nodes/projectNode.ts': "import { make } from './fromEntries';\nexport class ProjectNode { children = () => make(); }\n",
  'src/vscode/tree/nodes/workbookNode.ts': "import { make } from './fromEntries';\nexport class WorkbookNode { children = () => make(); }\n",
};

describe('import-cycle check (npm run lint)', function () {
  this.timeout(60_000);

  it('passes a tree whose only cycles are the listed factory recursion', () => {
    const r = checkCycles({ ...NODES, 'src/core/a.ts': "import { b } from './b';\nexport const a = b + 1;\n", 'src/core/b.ts': 'export const b = 1;\n' });
    assert.equal(r.status, 0, r.output);
  });

  it('fails on any other cycle, naming its files', () => {
    const r = checkCycles({
      ...NODES,
      // The shape issue #14 removed: the tree's drop handler ran publishing, which refreshed the tree.
      'src/vscode/publish/runner.ts': "import { refresh } from '../tree/tree';\nexport const run = () => refresh();\n",
      'src/vscode/tree/tree.ts': "import { run } from '../publish/runner';\nexport const refresh = () => 1;\nexport const drop = () => run();\n",
    });
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /src\/vscode\/publish\/runner\.ts/);
    assert.match(r.output, /src\/vscode\/tree\/tree\.ts/);
    assert.doesNotMatch(r.output, /fromEntries/, 'the listed recursion is not reported');
  });

  it('fails on a cycle made of type-only imports too', () => {
    const r = checkCycles({
      'src/a.ts': "import type { B } from './b';\nexport interface A { b?: B }\n",
      'src/b.ts': "import type { A } from './a';\nexport interface B { a?: A }\n",
    });
    assert.equal(r.status, 1, r.output);
  });
});
