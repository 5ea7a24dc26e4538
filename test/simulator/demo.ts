/**
 * The demo seed: three sites, nested projects, users of several roles, workbooks with
 * views, data sources (some extracts), a site-administrator PAT and a connected app.
 * "Sales/Archive" holds 130 workbooks so a tree paged by 100 needs "Load more".
 */
import type { DemoPat, SimConfig, SimDataSourceConfig, SimProjectConfig, SimWorkbookConfig } from './config';

export const DEMO_PAT: DemoPat = { name: 'demo-admin', secret: 'demo-pat-secret-7f3a9c1e5b', site: 'sales' };

export const DEMO_CONNECTED_APP = { clientId: 'demo-client-id', secretId: 'demo-secret-id', secretValue: 'demo-connected-app-secret-value-0123456789' };

export function demoConfig(): SimConfig {
  const projects: SimProjectConfig[] = [];
  const workbooks: SimWorkbookConfig[] = [];
  const datasources: SimDataSourceConfig[] = [];
  const sites = ['', 'sales', 'finance'];
  for (const site of sites) projects.push({ site, path: 'Default', description: 'The default project.' });

  const tree: Record<string, string[]> = {
    '': ['Samples', 'Samples/Superstore', 'Samples/World Indicators', 'Sandbox'],
    sales: ['Sales', 'Sales/EMEA', 'Sales/EMEA/UK', 'Sales/EMEA/Germany', 'Sales/Americas', 'Sales/Archive', 'Marketing'],
    finance: ['Finance', 'Finance/Monthly', 'Finance/Monthly/Q1', 'Finance/Monthly/Q2', 'Finance/Quarterly', 'Finance/Budget 2024'],
  };
  for (const site of sites) for (const path of tree[site]) projects.push({ site, path, owner: 'alice' });

  const wb = (site: string, project: string, name: string, views: string[], owner = 'bob'): void => {
    workbooks.push({ site, project, name, views, owner });
  };
  wb('', 'Samples/Superstore', 'Superstore', ['Overview', 'Product', 'Customers', 'Shipping', 'Performance', 'Forecast']);
  wb('', 'Samples/World Indicators', 'World Indicators', ['Population', 'Health', 'Technology', 'Economy']);
  wb('', 'Sandbox', "Bob's Scratchpad", ['Sheet 1']);
  wb('', 'Default', 'Regional', ['Obesity', 'College', 'Stocks', 'Flight Delays']);
  const regions = ['UK', 'Germany'];
  for (const r of regions) for (let i = 1; i <= 6; i++) wb('sales', `Sales/EMEA/${r}`, `${r} Pipeline ${i}`, ['Pipeline', 'Win Rate']);
  for (let i = 1; i <= 8; i++) wb('sales', 'Sales/Americas', `Americas Bookings ${i}`, ['Bookings', 'By Rep', 'Trend'], i % 2 ? 'bob' : 'erin');
  wb('sales', 'Sales', 'Sales Overview', ['Summary', 'Map', 'Top Accounts']);
  wb('sales', 'Marketing', 'Campaign Results', ['Funnel', 'Spend']);
  for (let i = 1; i <= 130; i++) wb('sales', 'Sales/Archive', `Archived Report ${String(i).padStart(3, '0')}`, ['Report']);
  for (const q of ['Q1', 'Q2']) for (const m of q === 'Q1' ? ['January', 'February', 'March'] : ['April', 'May', 'June']) {
    wb('finance', `Finance/Monthly/${q}`, `${m} Close`, ['P&L', 'Balance Sheet', 'Cash Flow']);
  }
  wb('finance', 'Finance/Quarterly', 'Quarterly Review', ['Revenue', 'Margin', 'Headcount']);
  wb('finance', 'Finance/Budget 2024', 'Budget vs Actual', ['Variance', 'Departments']);

  const ds = (site: string, project: string, name: string, type: string): void => {
    datasources.push({ site, project, name, type, hasExtracts: type === 'hyper', owner: 'bob' });
  };
  ds('', 'Samples/Superstore', 'Superstore Datasource', 'hyper');
  ds('', 'Samples/World Indicators', 'World Indicators Data', 'hyper');
  ds('sales', 'Sales', 'Salesforce Opportunities', 'salesforce');
  ds('sales', 'Sales', 'Bookings Extract', 'hyper');
  ds('sales', 'Sales/EMEA', 'EMEA Orders', 'postgres');
  ds('sales', 'Marketing', 'Campaign Spend', 'excel-direct');
  ds('finance', 'Finance', 'General Ledger', 'sqlserver');
  ds('finance', 'Finance/Monthly', 'Monthly Actuals', 'hyper');
  ds('finance', 'Finance/Budget 2024', 'Budget 2024', 'hyper');

  return {
    sites: [
      { name: 'Default', contentUrl: '' },
      { name: 'Sales', contentUrl: 'sales' },
      { name: 'Finance', contentUrl: 'finance' },
    ],
    users: [
      { name: 'admin', password: 'admin-password', isServerAdmin: true, siteRole: 'ServerAdministrator', fullName: 'Server Admin' },
      { name: 'alice', password: 'alice-password', siteRole: 'SiteAdministratorCreator', fullName: 'Alice Admin', email: 'alice@example.com' },
      { name: 'bob', password: 'bob-password', siteRole: 'Creator', fullName: 'Bob Builder', email: 'bob@example.com' },
      { name: 'erin', password: 'erin-password', siteRole: 'ExplorerCanPublish', sites: ['', 'sales'], fullName: 'Erin Explorer' },
      { name: 'carol', password: 'carol-password', siteRole: 'Explorer', fullName: 'Carol Explorer' },
      { name: 'dave', password: 'dave-password', siteRole: 'Viewer', fullName: 'Dave Viewer' },
    ],
    pats: [
      { name: DEMO_PAT.name, secret: DEMO_PAT.secret, user: 'alice' },
      { name: 'bob-pat', secret: 'bob-pat-secret-41c2', user: 'bob' },
      { name: 'dave-pat', secret: 'dave-pat-secret-93d1', user: 'dave' },
      { name: 'admin-pat', secret: 'admin-pat-secret-5e6f', user: 'admin' },
    ],
    connectedApps: [{ ...DEMO_CONNECTED_APP, enabled: true, name: 'Demo Connected App' }],
    projects,
    workbooks,
    datasources,
  };
}
