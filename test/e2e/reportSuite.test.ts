import * as assert from 'node:assert/strict';
import { type SuiteResults } from '../vscode-suite/results';
import { reportSuite } from './runVscodeSuite';

function results(over: Partial<SuiteResults>): SuiteResults {
  return {
    vscodeVersion: '1.100.3',
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    passed: 0,
    failed: 0,
    pending: 0,
    files: ['a.test.js'],
    tests: [],
    activation: { extensionId: 'tableau-publisher.tableau-publisher', found: true, alreadyActive: false, activationMs: 5 },
    ...over,
  };
}

describe('reportSuite', () => {
  const log = console.log;
  beforeEach(() => (console.log = () => undefined));
  afterEach(() => (console.log = log));

  it('counts passes and failures from the results file', () => {
    const r = results({
      passed: 2,
      failed: 1,
      tests: [
        { fullTitle: 'a', state: 'passed' },
        { fullTitle: 'b', state: 'passed' },
        { fullTitle: 'c', state: 'failed', error: 'boom' },
      ],
    });
    assert.deepEqual(reportSuite(r), [2, 1]);
  });

  it('fails a run in which zero tests ran', () => {
    assert.deepEqual(reportSuite(results({ files: [] })), [0, 1]);
  });

  it('fails a run whose runner broke even when some tests passed', () => {
    const r = results({ passed: 1, tests: [{ fullTitle: 'a', state: 'passed' }], runnerError: 'mocha ran zero tests' });
    assert.deepEqual(reportSuite(r), [1, 1]);
  });
});
