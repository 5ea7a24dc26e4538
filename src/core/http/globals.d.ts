/** Defined by esbuild (`define`) at bundle time; absent when code runs unbundled (e.g. under tsc). */
declare const __PRODUCT_VERSION__: string | undefined;
