/** Cheap sanity check of a CA file's text before handing it to TLS (Node ignores a file with no PEM block, silently). */
export function looksLikePem(text: string): boolean {
  return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text);
}
