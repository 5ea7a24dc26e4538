// The keys this extension stores under: SecretStorage keys (a typed union) and the globalState
// keys, which are not secret. No VS Code import (unit-tested).

/** The one secret each auth kind needs. */
export type SecretKind = 'patSecret' | 'password' | 'connectedAppSecret';
export const SECRET_KINDS: readonly SecretKind[] = ['patSecret', 'password', 'connectedAppSecret'];

export type SecretKey = `tableau.secret.${string}.${SecretKind}`;

/**
 * Not a secret: a counter bumped whenever profiles change. globalState has no
 * cross-window change event, SecretStorage does, so other windows reload on it.
 */
export const PROFILES_REVISION_KEY = 'tableau.profiles.revision';

/** globalState keys (not secrets): the profiles, the active one, the day each PAT was last warned about. */
export const PROFILES_KEY = 'tableau.connections';
export const ACTIVE_KEY = 'tableau.activeConnection';
export const PAT_WARNED_KEY = 'tableau.patWarnedOn';

export function secretKindFor(authKind: 'pat' | 'password' | 'connectedApp'): SecretKind {
  return authKind === 'pat' ? 'patSecret' : authKind === 'password' ? 'password' : 'connectedAppSecret';
}

export function secretKey(connectionId: string, kind: SecretKind): SecretKey {
  return `tableau.secret.${connectionId}.${kind}`;
}

/** Splits a stored key back; undefined for keys that are not ours. */
export function parseSecretKey(key: string): { connectionId: string; kind: SecretKind } | undefined {
  const m = /^tableau\.secret\.(.+)\.([A-Za-z]+)$/.exec(key);
  if (!m || !SECRET_KINDS.includes(m[2] as SecretKind)) return undefined;
  return { connectionId: m[1], kind: m[2] as SecretKind };
}
