/**
 * Which buffers an upload's file blocks came from: a client whose requests pass through, with each
 * streamed body block of exactly `blockSize` bytes (a full read) counted and its ArrayBuffer kept.
 * A publish that reuses its read buffers shows a few stores for many reads.
 */
import type { TableauClient } from '../../src/core/api/client';

export interface ReadStores {
  client: TableauClient;
  /** The distinct ArrayBuffers full reads were in. */
  stores: Set<ArrayBufferLike>;
  /** Full reads seen so far. */
  reads(): number;
}

export function watchReadStores(inner: TableauClient, blockSize: number): ReadStores {
  const stores = new Set<ArrayBufferLike>();
  let reads = 0;
  const client = Object.create(inner) as TableauClient;
  client.request = (req) => {
    const body = req.body;
    if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) return inner.request(req);
    async function* watched(): AsyncGenerator<Uint8Array> {
      for await (const c of body as AsyncIterable<Uint8Array>) {
        if (c.length === blockSize) {
          reads++;
          stores.add(c.buffer);
        }
        yield c;
      }
    }
    return inner.request({ ...req, body: { [Symbol.asyncIterator]: watched } });
  };
  return { client, stores, reads: () => reads };
}
