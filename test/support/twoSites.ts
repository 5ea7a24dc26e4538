/**
 * The simulator that connection tests (unit and extension host) run against: two sites,
 * Default ("") and Sales ("sales"), a server administrator who owns the given PATs, and a
 * Creator "bob" to act as.
 */
import type { SimConfig } from '../simulator/config';

export const TWO_SITE_ADMIN = { name: 'admin', password: 'admin-password' };

/** `extra` adds to or replaces top-level fields (e.g. connectedApps). */
export function twoSiteConfig(pats: readonly { name: string; secret: string }[], extra: SimConfig = {}): SimConfig {
  return {
    sites: [
      { name: 'Default', contentUrl: '' },
      { name: 'Sales', contentUrl: 'sales' },
    ],
    users: [
      { name: TWO_SITE_ADMIN.name, password: TWO_SITE_ADMIN.password, isServerAdmin: true },
      { name: 'bob', password: 'bob-password', siteRole: 'Creator' },
    ],
    pats: pats.map((p) => ({ name: p.name, secret: p.secret, user: TWO_SITE_ADMIN.name })),
    ...extra,
  };
}
