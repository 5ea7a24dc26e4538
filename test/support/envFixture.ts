/**
 * The environments suites' world: a simulator with a "dev" and a "prod" site (optionally a
 * second simulator as another server), a manifest with environments, and workbooks whose
 * database host is the dev one.
 */
import type { SimConfig } from '../simulator/config';
import { POSTGRES, type SampleDataConnection } from '../fixtures/samples';

export const ENV_PAT = { name: 'env-pat', secret: 'env-pat-secret-0c4e11aa' };
export const PROD_PAT = { name: 'prod-pat', secret: 'prod-pat-secret-93b2e7f1' };
export const DB_PASSWORD = 'prod-db-password-77a1c3';

/** A postgres connection on the dev database host. */
export const DEV_PG: SampleDataConnection = { ...POSTGRES, server: 'db.dev.example', dbname: 'sales_dev', username: 'dev_user' };
/** A connection to the published data source "Orders" (Tableau's sqlproxy). */
export const ORDERS_PROXY: SampleDataConnection = { class: 'sqlproxy', server: 'tableau.dev', dbname: 'Orders', publishedDataSource: 'Orders' } as SampleDataConnection;

export function envSimConfig(opts: { sites?: string[]; pat?: { name: string; secret: string }; projects?: { site: string; path: string }[] } = {}): SimConfig {
  const sites = opts.sites ?? ['dev', 'prod'];
  const pat = opts.pat ?? ENV_PAT;
  return {
    sites: sites.map((s) => ({ name: s.toUpperCase(), contentUrl: s })),
    users: [{ name: 'env-admin', password: 'env-admin-password', isServerAdmin: true }],
    pats: [{ name: pat.name, secret: pat.secret, user: 'env-admin' }],
    projects: opts.projects ?? [
      { site: 'dev', path: 'Default' },
      { site: 'dev', path: 'Sales' },
      { site: 'prod', path: 'Default' },
      { site: 'prod', path: 'Production/Sales' },
    ],
    jobDurationMs: 100,
  };
}

/** A version 2 manifest: dev and prod on `devUrl` / `prodUrl`, prod under the project root "Production". */
export function envManifest(devUrl: string, prodUrl: string, extra: { prodPrefix?: string; target?: Record<string, unknown>; targets?: unknown[] } = {}): Record<string, unknown> {
  return {
    version: 2,
    environments: {
      dev: { connection: 'Dev', server: devUrl, site: 'dev' },
      prod: { connection: 'Prod', server: prodUrl, site: 'prod', projectRoot: 'Production', ...(extra.prodPrefix ? { envPrefix: extra.prodPrefix } : {}) },
    },
    targets: extra.targets ?? [
      {
        file: 'Pipeline.twbx',
        project: 'Sales',
        mode: 'overwrite',
        options: { tags: ['sales'] },
        environments: {
          dev: {},
          prod: {
            dataConnections: [
              {
                match: { class: 'postgres', server: 'db.dev.example' },
                set: { server: 'db.prod.example', dbname: 'sales' },
                credentials: { username: 'tableau_prod', password: { secret: 'prod-db', env: 'PROD_DB_PASSWORD' } },
              },
            ],
          },
        },
        ...extra.target,
      },
    ],
  };
}
