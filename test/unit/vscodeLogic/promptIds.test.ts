import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROMPT_IDS, type PromptEvent, type PromptId } from '../../../src/vscode/services/promptIds';
import { itemLabel, PromptLog } from '../../e2e/prompts';

const root = path.resolve(__dirname, '..', '..', '..', '..');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Where each prompt id is written as a string literal in src/vscode (promptIds.ts itself aside). */
function usesOfIds(): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const own = path.join(root, 'src', 'vscode', 'services', 'promptIds.ts');
  for (const file of sourceFiles(path.join(root, 'src', 'vscode'))) {
    if (file === own) continue;
    const text = fs.readFileSync(file, 'utf8');
    // Prompt ids are "area.name": a dotted word in quotes. Item ids have no dot.
    for (const m of text.matchAll(/'([a-z]+(?:\.[a-zA-Z]+)+)'/g)) {
      if (!(m[1] in PROMPT_IDS)) continue;
      const line = text.slice(0, m.index).split('\n').length;
      uses.set(m[1], [...(uses.get(m[1]) ?? []), `${path.relative(root, file)}:${line}`]);
    }
  }
  return uses;
}

describe('vscodeLogic: stable prompt ids', () => {
  const uses = usesOfIds();

  it('every prompt id is used, by exactly one prompt unless documented as shared', () => {
    const problems: string[] = [];
    for (const [id, info] of Object.entries(PROMPT_IDS) as [PromptId, { shared?: string }][]) {
      const at = uses.get(id) ?? [];
      if (at.length === 0) problems.push(`"${id}" is used by no prompt: remove it`);
      else if (at.length > 1 && !info.shared) problems.push(`"${id}" is used by ${at.length} prompts (${at.join(', ')}): give each its own id, or document it as shared`);
      else if (at.length === 1 && info.shared) problems.push(`"${id}" is documented as shared but only ${at[0]} uses it`);
    }
    assert.deepEqual(problems, []);
  });

  it('the scan sees the prompt calls (a guard on the test itself)', () => {
    assert.equal(uses.get('publish.name')?.length, 1);
    assert.ok(uses.get('publish.name')?.[0].startsWith(path.join('src', 'vscode', 'publish', 'publishOptions.ts:')), JSON.stringify(uses.get('publish.name')));
    assert.equal(uses.get('publish.connection')?.length, 3, `the last-used pick and the manager's pick, twice: ${JSON.stringify(uses.get('publish.connection'))}`);
  });

  it('ids are "area.name" words, so they cannot be mistaken for item ids or shown text', () => {
    for (const id of Object.keys(PROMPT_IDS)) assert.match(id, /^[a-z]+(\.[a-zA-Z]+)+$/, id);
  });
});

describe('e2e prompt log: the UI scenarios find prompts by id', () => {
  let dir: string;
  let file: string;
  const event = (id: PromptId, items?: { id?: string; label: string }[]): PromptEvent => ({ id, kind: items ? 'pick' : 'input', title: id, items });
  const append = (e: PromptEvent): void => fs.appendFileSync(file, JSON.stringify(e) + '\n');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prompt-log-'));
    file = path.join(dir, 'prompts.jsonl');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ignores prompts from before the window opened, takes the newest one once', async () => {
    append(event('publish.name'));
    const log = new PromptLog(file);
    assert.equal(log.poll(), undefined, 'an earlier window\'s prompt is not this one\'s');
    append(event('publish.project'));
    assert.equal((await log.next(['publish.connection', 'publish.project'], 300)).id, 'publish.project');
    assert.equal(log.poll(), undefined, 'taken');
    await assert.rejects(log.next(['publish.project'], 100), /no prompt "publish.project" within 100 ms \(no new prompt opened\)/);
  });

  it('waits for the newest prompt to be the expected one, naming what it saw instead', async () => {
    const log = new PromptLog(file);
    append(event('publish.mode'));
    await assert.rejects(log.next(['publish.name'], 100), /the newest is "publish.mode"/);
  });

  it('skips a line still being written', () => {
    const log = new PromptLog(file);
    fs.appendFileSync(file, '{"id":"publish.na');
    assert.equal(log.poll(), undefined);
  });

  it('finds an item\'s label by its id, without codicons', () => {
    const e = event('publish.project', [{ id: 'Sales/EMEA', label: 'Sales / EMEA' }, { id: 'create', label: '$(add) Create project…' }]);
    assert.equal(itemLabel(e, 'create'), 'Create project…');
    assert.equal(itemLabel(e, 'Sales/EMEA'), 'Sales / EMEA');
    assert.throws(() => itemLabel(e, 'Sales'), /pick "publish.project" has no item "Sales"/);
  });
});
