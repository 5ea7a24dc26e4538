/**
 * Big `.hyper`-looking files made at bench time under os.tmpdir(): the ASCII header
 * `Hyper` (what the publisher's sanity check looks for), then a 4 MiB block of random
 * bytes written over and over with the block number stamped in, so no two blocks match.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BLOCK = 4 * 1024 * 1024;

export interface TempFile {
  path: string;
  size: number;
  remove(): void;
}

const live = new Set<string>();
let hooked = false;

/** Deletes every file still alive when the process is interrupted. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const clean = (): void => {
    for (const f of live) fs.rmSync(path.dirname(f), { recursive: true, force: true });
  };
  process.on('exit', clean);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      clean();
      process.exit(130);
    });
  }
}

export async function makeHyperFile(size: number, name = 'Bench Extract.hyper'): Promise<TempFile> {
  hookExit();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-bench-'));
  const file = path.join(dir, name);
  live.add(file);
  const block = randomBytes(BLOCK);
  const fh = await fs.promises.open(file, 'w');
  try {
    for (let pos = 0, n = 0; pos < size; pos += BLOCK, n++) {
      block.writeUInt32LE(n, 8);
      await fh.write(block, 0, Math.min(BLOCK, size - pos), pos);
    }
    const header = Buffer.from('Hyper', 'latin1');
    await fh.write(header, 0, Math.min(header.length, size), 0);
  } finally {
    await fh.close();
  }
  return {
    path: file,
    size,
    remove() {
      live.delete(file);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
