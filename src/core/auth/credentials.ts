import { globalRedactor } from '../logger';

/** How to sign in. Every secret here is registered with the global redactor before use. */
export type Credential =
  | { kind: 'pat'; tokenName: string; tokenSecret: string }
  | { kind: 'password'; username: string; password: string }
  | { kind: 'connectedApp'; clientId: string; secretId: string; secretValue: string; username: string };

/** Registers the credential's secret(s) with the global redactor so that no log line can show them. */
export function registerCredentialSecrets(credential: Credential): void {
  switch (credential.kind) {
    case 'pat':
      globalRedactor.addSecret(credential.tokenSecret);
      break;
    case 'password':
      globalRedactor.addSecret(credential.password);
      break;
    case 'connectedApp':
      globalRedactor.addSecret(credential.secretValue);
      break;
  }
}

/** A human label for the credential that holds no secret (for logs and messages). */
export function describeCredential(credential: Credential): string {
  switch (credential.kind) {
    case 'pat':
      return `personal access token "${credential.tokenName}"`;
    case 'password':
      return `user "${credential.username}" (password)`;
    case 'connectedApp':
      return `connected app ${credential.clientId} as "${credential.username}"`;
  }
}
