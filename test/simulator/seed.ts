/** Fills a Store from a SimConfig: explicit content first, then the generated bulk. */
import { createHash } from 'node:crypto';
import type { SimConfig, SimGenerateConfig, SiteRole } from './config';
import { isoNow, luid, type ProjectRec, type SiteContent, type SiteRec, Store, type StoredBlob, type UserRec } from './store';

const SEED_TIME = Date.parse('2024-05-01T09:00:00Z');

export function seedContentBytes(kind: 'workbook' | 'datasource', name: string): Buffer {
  const esc = name.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/</g, '&lt;');
  const root = kind === 'workbook'
    ? `<workbook source-build='2024.2.0' version='18.1'><datasources/><worksheets/><!-- ${esc} --></workbook>`
    : `<datasource formatted-name='${esc}' version='18.1'><connection class='hyper'/></datasource>`;
  return Buffer.from(`<?xml version='1.0' encoding='utf-8' ?>\n${root}\n`, 'utf8');
}

export function inlineBlob(bytes: Buffer, fileName: string): StoredBlob {
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), fileName, inline: bytes };
}

export function buildStore(config: SimConfig): Store {
  const store = new Store(config);
  const sites = config.sites?.length ? config.sites : [{ name: 'Default', contentUrl: '' }];
  for (const s of sites) store.addSite(s.name, s.contentUrl, s.id);
  if (config.generate) {
    const g = config.generate;
    if (!store.siteByContentUrl.has(g.site ?? '')) store.addSite(g.site || 'Default', g.site ?? '');
    for (let i = 1; i <= (g.sites ?? 0); i++) store.addSite(`Generated ${i}`, `gen-${i}`);
  }

  const users = config.users?.length ? config.users : [{ name: 'admin', password: 'admin', isServerAdmin: true, siteRole: 'SiteAdministratorCreator' as SiteRole }];
  for (const u of users) {
    const roles = new Map<string, SiteRole>();
    const member = u.sites ?? [...store.siteByContentUrl.keys()];
    for (const cu of member) {
      const site = store.siteByContentUrl.get(cu);
      if (!site) throw new Error(`simulator config: user ${u.name} names unknown site "${cu}"`);
      roles.set(site.id, u.siteRoles?.[cu] ?? u.siteRole ?? (u.isServerAdmin ? 'ServerAdministrator' : 'Creator'));
    }
    store.addUser({ id: u.id ?? luid(`user:${u.name}`), name: u.name, password: u.password, isServerAdmin: !!u.isServerAdmin, siteRoles: roles, fullName: u.fullName, email: u.email });
  }
  for (const site of store.sites.values()) store.groups.set(luid(`group:${site.contentUrl}:All Users`), { id: luid(`group:${site.contentUrl}:All Users`), siteId: site.id, name: 'All Users' });
  for (const g of config.groups ?? []) {
    const site = store.siteByContentUrl.get(g.site ?? [...store.siteByContentUrl.keys()][0]);
    if (!site) throw new Error(`simulator config: group ${g.name} names unknown site "${g.site}"`);
    const id = g.id ?? luid(`group:${site.contentUrl}:${g.name}`);
    store.groups.set(id, { id, siteId: site.id, name: g.name });
  }
  const firstUser = [...store.users.values()][0];
  const ownerOf = (name: string | undefined): UserRec => {
    if (name === undefined) return firstUser;
    const u = store.userByName.get(name.toLowerCase());
    if (!u) throw new Error(`simulator config: unknown owner ${name}`);
    return u;
  };
  const siteOf = (cu: string | undefined): SiteRec => {
    const s = store.siteByContentUrl.get(cu ?? '');
    if (!s) throw new Error(`simulator config: unknown site "${cu ?? ''}"`);
    return s;
  };

  let tick = 0;
  const stamp = (explicit?: string): string => explicit ?? isoNow(SEED_TIME + (tick++) * 60_000);

  for (const p of config.projects ?? []) {
    const site = siteOf(p.site);
    const c = store.siteContent(site.id);
    const segs = (p.path ?? (p.parent ? `${p.parent}/${p.name ?? ''}` : p.name ?? '')).split('/').map((s) => s.trim()).filter(Boolean);
    if (segs.length === 0) throw new Error('simulator config: a project needs a name or path');
    // Missing ancestors are created on the way, so "A/B/C" alone is enough.
    let parentId: string | undefined;
    for (let i = 0; i < segs.length; i++) {
      const path = segs.slice(0, i + 1).join('/');
      const existing = c.findProjectByPath(path);
      if (existing) { parentId = existing.id; continue; }
      const last = i === segs.length - 1;
      const rec: ProjectRec = {
        id: (last ? p.id : undefined) ?? luid(`project:${site.contentUrl}:${path}`), siteId: site.id, name: segs[i],
        description: last ? (p.description ?? '') : '', parentId, ownerId: ownerOf(p.owner).id, createdAt: stamp(), updatedAt: '',
      };
      if (last && p.leaders?.length) rec.leaderIds = p.leaders.map((n) => ownerOf(n).id);
      rec.updatedAt = rec.createdAt;
      c.addProject(rec);
      parentId = rec.id;
    }
  }

  const projectFor = (c: SiteContent, site: SiteRec, path: string): ProjectRec => {
    const p = c.findProjectByPath(path);
    if (!p) throw new Error(`simulator config: unknown project "${path}" on site "${site.contentUrl}"`);
    return p;
  };
  for (const w of config.workbooks ?? []) {
    const site = siteOf(w.site);
    const c = store.siteContent(site.id);
    const project = projectFor(c, site, w.project);
    const bytes = w.content !== undefined ? Buffer.from(w.content, 'utf8') : seedContentBytes('workbook', w.name);
    const created = stamp(w.createdAt);
    const id = w.id ?? luid(`workbook:${site.contentUrl}:${w.project}:${w.name}`);
    const contentUrl = c.uniqueContentUrl('workbook', w.name);
    c.addItem({
      kind: 'workbook', id, siteId: site.id, projectId: project.id, ownerId: ownerOf(w.owner).id, name: w.name, contentUrl,
      description: w.description ?? '', blob: inlineBlob(bytes, `${w.name}.twb`), createdAt: created, updatedAt: created, showTabs: true,
      views: (w.views ?? ['Sheet 1']).map((v) => ({ id: luid(`view:${id}:${v}`), name: v, contentUrl: `${contentUrl}/sheets/${v.replace(/[^A-Za-z0-9]/g, '')}` })),
    });
  }
  for (const d of config.datasources ?? []) {
    const site = siteOf(d.site);
    const c = store.siteContent(site.id);
    const project = projectFor(c, site, d.project);
    const type = d.type ?? 'hyper';
    const bytes = d.content !== undefined ? Buffer.from(d.content, 'utf8') : seedContentBytes('datasource', d.name);
    const created = stamp(d.createdAt);
    c.addItem({
      kind: 'datasource', id: d.id ?? luid(`datasource:${site.contentUrl}:${d.project}:${d.name}`), siteId: site.id, projectId: project.id,
      ownerId: ownerOf(d.owner).id, name: d.name, contentUrl: c.uniqueContentUrl('datasource', d.name), description: d.description ?? '',
      blob: inlineBlob(bytes, `${d.name}.tds`), createdAt: created, updatedAt: created, type, hasExtracts: d.hasExtracts ?? type === 'hyper',
    });
  }
  if (config.generate) generate(store, config.generate, ownerOf(config.generate.owner));
  return store;
}

/**
 * Bulk content for benchmarks. Projects form a tree: the first T are top level and
 * project j >= T hangs under project (j - T) / T, which gives about `depth` levels.
 */
function generate(store: Store, g: SimGenerateConfig, owner: UserRec): void {
  const targets = [store.siteByContentUrl.get(g.site ?? '')!];
  for (let i = 1; i <= (g.sites ?? 0); i++) targets.push(store.siteByContentUrl.get(`gen-${i}`)!);
  const depth = Math.max(1, g.depth ?? 3);
  for (const site of targets) {
    const c = store.siteContent(site.id);
    const n = Math.max(1, g.projects);
    const top = Math.max(1, Math.ceil(Math.pow(n, 1 / depth)));
    const made: ProjectRec[] = [];
    const stamp = isoNow(SEED_TIME);
    for (let j = 0; j < n; j++) {
      const parent = j < top ? undefined : made[Math.floor((j - top) / top)];
      const rec: ProjectRec = {
        id: luid(`gen-project:${site.contentUrl}:${j}`), siteId: site.id, name: `Project ${String(j + 1).padStart(5, '0')}`,
        description: '', parentId: parent?.id, ownerId: owner.id, createdAt: stamp, updatedAt: stamp,
      };
      c.addProject(rec);
      made.push(rec);
    }
    for (let k = 0; k < g.workbooks; k++) {
      const name = `Workbook ${String(k + 1).padStart(6, '0')}`;
      const id = luid(`gen-workbook:${site.contentUrl}:${k}`);
      const contentUrl = `Workbook${String(k + 1).padStart(6, '0')}`;
      c.addItem({
        kind: 'workbook', id, siteId: site.id, projectId: made[k % n].id, ownerId: owner.id, name, contentUrl, description: '',
        blob: inlineBlob(seedContentBytes('workbook', name), `${name}.twb`), createdAt: stamp, updatedAt: stamp, showTabs: true,
        views: [{ id: luid(`gen-view:${id}`), name: 'Sheet 1', contentUrl: `${contentUrl}/sheets/Sheet1` }],
      });
    }
    for (let k = 0; k < (g.datasources ?? 0); k++) {
      const name = `Data Source ${String(k + 1).padStart(6, '0')}`;
      c.addItem({
        kind: 'datasource', id: luid(`gen-datasource:${site.contentUrl}:${k}`), siteId: site.id, projectId: made[k % n].id, ownerId: owner.id,
        name, contentUrl: `DataSource${String(k + 1).padStart(6, '0')}`, description: '',
        blob: inlineBlob(seedContentBytes('datasource', name), `${name}.tds`), createdAt: stamp, updatedAt: stamp, type: 'hyper', hasExtracts: true,
      });
    }
  }
}
