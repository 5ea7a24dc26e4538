/** Our core client, signed in to a bench simulator with a PAT: what the tree and the extension use. */
import { TableauClient } from '../../../src/core/api/client';
import { TableauRestApi } from '../../../src/core/api/restApi';
import { TableauSession } from '../../../src/core/auth/session';
import { HttpClient } from '../../../src/core/http/httpClient';
import { parseServerAddress } from '../../../src/core/http/serverAddress';
import { BENCH_SITE, type BenchPat } from './benchConfig';

export interface BenchClient {
  client: TableauClient;
  session: TableauSession;
  close(): Promise<void>;
}

/**
 * Made the way the extension and the CLI make theirs (sessionPool.ts, cli/connection.ts):
 * XML for sign-in and single items, listings in TableauClient's own default format (JSON).
 * `listFormat` overrides the listings' format, for a what-if comparison.
 */
export function benchClient(url: string, pat: BenchPat, listFormat?: 'xml' | 'json'): BenchClient {
  const http = new HttpClient();
  const api = new TableauRestApi({ server: parseServerAddress(url), http });
  const session = new TableauSession({ api, credential: { kind: 'pat', tokenName: pat.name, tokenSecret: pat.secret }, siteContentUrl: BENCH_SITE });
  return {
    client: new TableauClient(session, listFormat ? { listFormat } : {}),
    session,
    async close() {
      await session.signOut().catch(() => undefined);
      await http.close();
    },
  };
}
