/**
 * The one place undici is loaded. It is most of the weight of a bundle (about 0.5 MB), and
 * nothing needs it until the first request, so it is required on first use rather than at
 * start-up: the extension activates without it. The production build (esbuild.js) also
 * keeps it in a file of its own, dist/undici.js, that this require then reads.
 */
import type * as Undici from 'undici';

/**
 * The members of undici the client uses. The production build ships only these (dist/undici.js
 * is built from undici/lib, without fetch, WebSocket, caches and mocks: it loads in about half
 * the time of the whole module, which every CLI run pays), and the type below makes the compiler
 * refuse any other member, so the slim file cannot miss one. Add a member here and in esbuild.js.
 */
export const UNDICI_MEMBERS = ['Agent', 'EnvHttpProxyAgent', 'Pool', 'ProxyAgent'] as const;
export type UndiciDispatchers = Pick<typeof Undici, (typeof UNDICI_MEMBERS)[number]>;

let loaded: UndiciDispatchers | undefined;

export function undici(): UndiciDispatchers {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('undici') as UndiciDispatchers;
  return loaded;
}

/** True once something has asked for undici (tests check start-up does not). */
export function undiciLoaded(): boolean {
  return loaded !== undefined;
}
