/** Every entry of a zip with its uncompressed bytes, read with yauzl (a reader independent of the client's). */
import type * as yauzl from 'yauzl';

export async function zipEntries(zip: yauzl.ZipFile): Promise<{ entry: yauzl.Entry; data: Buffer }[]> {
  const out: { entry: yauzl.Entry; data: Buffer }[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of await zip.openReadStreamPromise(entry)) chunks.push(c as Buffer);
        out.push({ entry, data: Buffer.concat(chunks) });
        zip.readEntry();
      })().catch(reject);
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}
