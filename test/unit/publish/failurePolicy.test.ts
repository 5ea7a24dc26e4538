import * as assert from 'node:assert/strict';
import { retryWaitMs, withRetry } from '../../../src/core/api/retry';
import { TableauError } from '../../../src/core/errors';
import { classifyFailure, DEFAULT_RETRY_LIMITS, retryOptions } from '../../../src/core/publish/failurePolicy';

const err = (reason: TableauError['reason'], status?: number, extra: { retryAfter?: number; cause?: unknown } = {}): TableauError =>
  new TableauError({ reason, status, message: reason, ...extra });

describe('publish retry policy on the shared mechanism', () => {
  it('classifies failures by whether the server could have applied them', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const cases: [unknown, string][] = [
      [err('rateLimited', 429), 'notApplied'],
      [err('serverError', 503), 'notApplied'],
      [err('serverError', 500), 'ambiguous'],
      [err('serverError', 504), 'ambiguous'],
      [err('network', undefined, { cause: refused }), 'notApplied'],
      [err('network', undefined, { cause: reset }), 'ambiguous'],
      [err('timeout'), 'ambiguous'],
      [err('notTableauResponse', 503), 'notApplied'],
      [err('notTableauResponse', 502), 'ambiguous'],
      [err('notTableauResponse', 200), 'fatal'],
      [err('cancelled'), 'fatal'],
      [err('alreadyExists', 409), 'fatal'],
      [new Error('not ours'), 'fatal'],
    ];
    for (const [e, kind] of cases) assert.equal(classifyFailure(e), kind, (e as Error).message + ' ' + String((e as TableauError).status));
  });

  it('maps the publisher limits onto withRetry: tries, jittered capped backoff, Retry-After bound', () => {
    const limits = { ...DEFAULT_RETRY_LIMITS, baseDelayMs: 100, maxDelayMs: 300, maxRetryAfterMs: 2000 };
    const o = retryOptions(limits, 4);
    assert.equal(o.attempts, 5);
    for (let i = 0; i < 50; i++) {
      const first = retryWaitMs(1, err('serverError', 500), o)!;
      assert.ok(first >= 50 && first <= 100, `first wait ${first}`);
      const late = retryWaitMs(6, err('serverError', 500), o)!;
      assert.ok(late >= 150 && late <= 300, `capped wait ${late}`);
    }
    assert.equal(retryWaitMs(1, err('rateLimited', 429, { retryAfter: 2 }), o), 2000);
    assert.equal(retryWaitMs(1, err('rateLimited', 429, { retryAfter: 3 }), o), undefined, 'a Retry-After above the bound is not waited for');
  });

  it('runs a policy: retries only what retryOn accepts, counts tries, stops at the bound', async () => {
    const limits = { ...DEFAULT_RETRY_LIMITS, baseDelayMs: 1, maxDelayMs: 2 };
    let tries = 0;
    const retried: number[] = [];
    await assert.rejects(
      withRetry(
        async () => {
          tries++;
          throw err('network', undefined, { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
        },
        { ...retryOptions(limits, 2), retryOn: (e) => classifyFailure(e) === 'notApplied', onRetry: (_e, a) => retried.push(a) },
      ),
      (e) => TableauError.is(e, 'network'),
    );
    assert.equal(tries, 3);
    assert.deepEqual(retried, [1, 2]);
    tries = 0;
    await assert.rejects(
      withRetry(async () => {
        tries++;
        throw err('serverError', 502);
      }, { ...retryOptions(limits, 2), retryOn: (e) => classifyFailure(e) === 'notApplied' }),
      (e) => TableauError.is(e, 'serverError'),
    );
    assert.equal(tries, 1, 'an ambiguous failure is not retried by a notApplied-only policy');
  });
});
