import type { Credential } from '../auth/credentials';

function siteLabel(site: string): string {
  return site === '' ? 'the default site' : `site "${site}"`;
}

/**
 * A clear message for a refused sign-in (401001). Tableau's detail is generic on real servers,
 * so the message is built from the credential kind; a detail that names the cause refines it.
 * Never includes a secret.
 */
export function signInFailureMessage(credential: Credential, site: string, detail: string | undefined): string {
  const d = (detail ?? '').toLowerCase();
  const siteProblem = /no site|not a member|not valid for this site/.test(d);
  if (siteProblem) {
    return `Sign-in to ${siteLabel(site)} failed: the site does not exist or this user is not a member of it. Check the site name (the part after /site/ in the browser address; empty for the default site).`;
  }
  switch (credential.kind) {
    case 'pat':
      if (/expired|revoked/.test(d)) {
        return `Sign-in with personal access token "${credential.tokenName}" failed. This token is expired or revoked (PATs expire after 15 days unused). Create a new token in Tableau under My Account Settings and update the connection.`;
      }
      return `Sign-in with personal access token "${credential.tokenName}" failed: the token name or secret is not right, or the token is no longer valid (PATs expire after 15 days unused). Check the name and secret, or create a new token in Tableau under My Account Settings.`;
    case 'password':
      return `Sign-in as "${credential.username}" to ${siteLabel(site)} failed: the user name or password is not right, or the user is not a member of that site. Tableau Cloud with multi-factor authentication needs a personal access token instead of a password.`;
    case 'connectedApp': {
      const code = /errorcode=(\d+)/.exec(d)?.[1];
      const why =
        code === '126' ? 'the connected app was not found or is disabled (check the client ID)'
        : code === '127' ? 'the connected app secret was not found (check the secret ID)'
        : code === '16' ? 'the secret value or user name was not accepted'
        : code === '10084' ? 'Tableau could not read the token'
        : code === '10085' || code === '10087' ? "the token's time was refused (check this computer's clock)"
        : 'the client ID, secret ID, secret value or user name was not accepted';
      return `Sign-in with connected app ${credential.clientId} as "${credential.username}" to ${siteLabel(site)} failed: ${why}.${code ? ` (Tableau error code ${code})` : ''}`;
    }
  }
}
