/** Store records → Tableau response elements. */
import { type DataSourceRec, isoNow, type JobRec, type ProjectRec, type SiteContent, type SiteRec, type Store, type UserRec, type ViewRec, type WorkbookRec } from './store';
import { el, type El, list } from './wire';

/** Tableau reports workbook and data source `size` in whole MB (rounded up). */
export function sizeMb(bytes: number): number {
  return Math.ceil(bytes / (1024 * 1024));
}

export function siteEl(s: SiteRec): El {
  return el('site', { id: s.id, name: s.name, contentUrl: s.contentUrl, state: 'Active' });
}

export function userEl(store: Store, u: UserRec, siteId: string): El {
  return el('user', { id: u.id, name: u.name, siteRole: store.roleOn(u, siteId), fullName: u.fullName, email: u.email, authSetting: 'ServerDefault' });
}

export function projectEl(store: Store, p: ProjectRec): El {
  const owner = store.users.get(p.ownerId);
  return el('project', {
    id: p.id, name: p.name, description: p.description, parentProjectId: p.parentId, contentPermissions: 'ManagedByOwner',
    createdAt: p.createdAt, updatedAt: p.updatedAt,
  }, [el('owner', { id: p.ownerId, name: owner?.name })]);
}

/**
 * An item's `webpageUrl`. Tableau's web UI addresses workbooks, data sources and flows by a
 * repository number the REST API gives nowhere else, not by LUID: every recorded answer in TSC's
 * test assets reads `#/site/exampledev/workbooks/265605`, `#/site/example/datasources/3566752`,
 * `#/flows/1`. So a client must open the address Tableau gives, never build one from the LUID.
 */
export function webUrl(store: Store, base: string, site: Pick<SiteRec, 'contentUrl'>, kind: 'workbooks' | 'datasources' | 'flows', id: string): string {
  return `${base}/#/${site.contentUrl ? `site/${site.contentUrl}/` : ''}${kind}/${store.repositoryNumber(id)}`;
}

function projectRef(c: SiteContent, projectId: string): El {
  return el('project', { id: projectId, name: c.projects.get(projectId)?.name });
}

export function viewEl(v: ViewRec, w?: WorkbookRec, c?: SiteContent, store?: Store): El {
  const kids: El[] = [];
  if (w && c && store) {
    kids.push(el('workbook', { id: w.id }), el('owner', { id: w.ownerId, name: store.users.get(w.ownerId)?.name }), projectRef(c, w.projectId));
  }
  return el('view', { id: v.id, name: v.name, contentUrl: v.contentUrl, createdAt: w?.createdAt, updatedAt: w?.updatedAt, viewUrlName: v.contentUrl.split('/').pop() }, kids);
}

export function tagsEl(tags: readonly string[] | undefined): El {
  return list('tags', 'tag', (tags ?? []).map((label) => el('tag', { label })));
}

export function workbookEl(store: Store, c: SiteContent, site: SiteRec, base: string, w: WorkbookRec, withViews: boolean): El {
  const kids: El[] = [projectRef(c, w.projectId), el('owner', { id: w.ownerId, name: store.users.get(w.ownerId)?.name }), tagsEl(w.tags)];
  if (withViews) kids.push(list('views', 'view', w.views.map((v) => viewEl(v))));
  return el('workbook', {
    id: w.id, name: w.name, description: w.description, contentUrl: w.contentUrl, webpageUrl: webUrl(store, base, site, 'workbooks', w.id),
    showTabs: w.showTabs, size: sizeMb(w.blob.size), createdAt: w.createdAt, updatedAt: w.updatedAt, encryptExtracts: false,
    thumbnailsUserId: w.thumbnailsUserId, thumbnailsGroupId: w.thumbnailsGroupId,
  }, kids);
}

export function datasourceEl(store: Store, c: SiteContent, site: SiteRec, base: string, d: DataSourceRec): El {
  return el('datasource', {
    id: d.id, name: d.name, description: d.description, contentUrl: d.contentUrl, webpageUrl: webUrl(store, base, site, 'datasources', d.id),
    type: d.type, hasExtracts: d.hasExtracts, isCertified: false, useRemoteQueryAgent: false, size: sizeMb(d.blob.size),
    createdAt: d.createdAt, updatedAt: d.updatedAt, encryptExtracts: false,
  }, [projectRef(c, d.projectId), el('owner', { id: d.ownerId, name: store.users.get(d.ownerId)?.name }), tagsEl(d.tags)]);
}

/**
 * A job as Tableau answers it (schema `jobType`, TSC's recorded job_*.xml): details in a child
 * named for the job's kind, `<notes>` first (the schema's order; TSC's recorded answer has the
 * item first), the failure reason in `<notes>`. A publish job names no item; its first answer
 * carries finishCode="1" with progress="0" (workbook_publish_async.xml), which the simulator
 * keeps until the job ends: only completedAt says it has ended.
 */
export function jobEl(store: Store, j: JobRec, now = Date.now()): El {
  const p = store.jobProgress(j, now);
  const publish = j.type === 'PublishWorkbook' || j.type === 'PublishDatasource';
  const failed = p.done && j.finishCode !== 0 && j.finishCode !== 3;
  const reason = failed ? (j.notes ?? (j.finishCode === 2 ? 'The job was cancelled.' : 'The job failed.')) : '';
  const kids: El[] = [];
  if (j.type === 'RefreshExtract') {
    const item = j.workbookId ? el('workbook', { id: j.workbookId, name: j.itemName }) : el('datasource', { id: j.datasourceId, name: j.itemName });
    kids.push(el('extractRefreshJob', {}, [{ tag: 'notes', text: reason }, item]));
  } else if (j.type === 'UpdateUploadedFile') {
    // TSC's recorded datasource_data_update.xml; the schema's updateUploadedFileJobType also wants <notes>.
    kids.push(el('updateUploadedFileJob', {}, [
      el('datasource', { id: j.datasourceId, name: j.itemName }),
      { tag: 'connectionLuid', text: j.connectionId ?? '' },
      { tag: 'notes', text: failed ? reason : p.done ? (j.doneNotes ?? '') : '' },
    ]));
  } else if (j.type === 'RunFlow') {
    // TSC's recorded flow_refresh.xml; the schema's runFlowJobType also wants <notes> (before <flow>).
    kids.push(el('runFlowJobType', { flowRunId: j.flowRunId }, [{ tag: 'notes', text: reason }, el('flow', { id: j.flowId, name: j.itemName })]));
  } else if (publish && failed) {
    // Unverified: the schema gives a publish job no child of its own; the reason goes in the one
    // child that carries notes and an item, named here without an id (nothing was published).
    kids.push(el('extractRefreshJob', {}, [{ tag: 'notes', text: reason }, el(j.type === 'PublishWorkbook' ? 'workbook' : 'datasource', { name: j.itemName })]));
  }
  return el('job', {
    id: j.id, mode: j.mode, type: j.type, progress: p.progress, createdAt: isoNow(j.createdAt),
    startedAt: now >= p.startedAt ? isoNow(p.startedAt) : undefined,
    completedAt: p.done ? isoNow(j.createdAt + j.durationMs) : undefined,
    finishCode: p.done ? j.finishCode : publish ? 1 : undefined,
  }, kids);
}
