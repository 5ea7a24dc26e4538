/**
 * The one place undici is loaded. It is most of the weight of a bundle (about 0.5 MB), and
 * nothing needs it until the first request, so it is required on first use rather than at
 * start-up: the extension activates without it. The production build (esbuild.js) also
 * keeps it in a file of its own, dist/undici.js, that this require then reads.
 */
import type * as Undici from 'undici';

let loaded: typeof Undici | undefined;

export function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('undici') as typeof Undici;
  return loaded;
}

/** True once something has asked for undici (tests check start-up does not). */
export function undiciLoaded(): boolean {
  return loaded !== undefined;
}
