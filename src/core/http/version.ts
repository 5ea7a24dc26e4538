/** The product version baked in by esbuild; '0.0.0-dev' when running unbundled. */
export function productVersion(): string {
  return typeof __PRODUCT_VERSION__ === 'string' && __PRODUCT_VERSION__ ? __PRODUCT_VERSION__ : '0.0.0-dev';
}

export function defaultUserAgent(): string {
  return `tableau-publisher/${productVersion()} (node ${process.versions.node})`;
}
