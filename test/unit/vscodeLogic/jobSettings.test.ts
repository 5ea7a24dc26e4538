import * as assert from 'node:assert/strict';
import { DEFAULT_JOB_TIMEOUT_MS } from '../../../src/core/api/jobs';

describe('vscodeLogic: the job deadline setting', () => {
  it('is contributed with a finite default equal to the core\'s, and described', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../../../package.json') as { contributes: { configuration: { properties: Record<string, { type: string; default: number; minimum: number; maximum: number; markdownDescription: string }> } } };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nls = require('../../../package.nls.json') as Record<string, string>;
    const p = pkg.contributes.configuration.properties['tableau.jobTimeoutMinutes'];
    assert.ok(p, 'tableau.jobTimeoutMinutes is contributed');
    assert.equal(p.type, 'integer');
    assert.equal(p.default * 60_000, DEFAULT_JOB_TIMEOUT_MS);
    assert.ok(p.minimum >= 1 && p.maximum <= 48 * 60);
    assert.equal(p.markdownDescription, '%config.jobTimeoutMinutes%');
    assert.match(nls['config.jobTimeoutMinutes'], /may yet finish on the server/);
  });
});
