/** Whether REST API version `v` ("3.26") is `min` or later; a version that does not read as major.minor is not. */
export function versionAtLeast(v: string, min: string): boolean {
  const [a1, a2] = v.split('.').map((n) => Number.parseInt(n, 10));
  const [b1, b2] = min.split('.').map((n) => Number.parseInt(n, 10));
  if (!Number.isFinite(a1) || !Number.isFinite(a2)) return false;
  return a1 !== b1 ? a1 > b1 : a2 >= b2;
}
