/** Our core client, signed in to a bench simulator with a PAT: what the tree and the extension use. */
import type { TableauClient } from '../../../src/core/api/client';
import type { TableauSession } from '../../../src/core/auth/session';
import { createClient } from '../../../src/core/createClient';
import { BENCH_SITE, type BenchPat } from './benchConfig';

export interface BenchClient {
  client: TableauClient;
  session: TableauSession;
  close(): Promise<void>;
}

/**
 * Made the way the extension and the CLI make theirs (the core's createClient):
 * XML for sign-in and single items, listings in TableauClient's own default format (JSON).
 * `listFormat` overrides the listings' format, for a what-if comparison.
 */
export function benchClient(url: string, pat: BenchPat, listFormat?: 'xml' | 'json'): BenchClient {
  const { client, session, close } = createClient({
    server: url,
    credential: { kind: 'pat', tokenName: pat.name, tokenSecret: pat.secret },
    siteContentUrl: BENCH_SITE,
    client: listFormat ? { listFormat } : {},
  });
  return { client, session, close: () => close() };
}
