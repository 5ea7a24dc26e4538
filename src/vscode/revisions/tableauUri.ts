/**
 * Addresses of the `tableau:` file system, kept free of `vscode` so plain mocha tests them:
 *   tableau:/server/<connection id>/<site or ~>/<workbook|datasource>/<luid>/<current|rN>/<document name>
 *   tableau:/local/<document name>?<file path, URI-encoded>
 * A `normalized` query flag (`…?normalized`, or `&normalized` after the local path) serves the
 * normalized XML (core/diff/xmlTree.ts says what it leaves out) instead of the document as written.
 */
import type { ContentKind } from '../../core/models';

export const TABLEAU_SCHEME = 'tableau';

export type TableauAddress =
  | { where: 'server'; connectionId: string; siteContentUrl: string; kind: ContentKind; id: string; revision?: number; docName: string; normalized: boolean }
  | { where: 'local'; filePath: string; docName: string; normalized: boolean };

/**
 * A path segment: only `%` and `/` escaped, so the editor's tab and breadcrumbs show names as
 * they are (vscode.Uri.from keeps a path as given; decodeURIComponent reads it back).
 */
function segment(s: string): string {
  return s.replace(/%/g, '%25').replace(/\//g, '%2F');
}

/** Path and query of an address (the caller makes the URI: `vscode.Uri.from({ scheme, path, query })`). */
export function formatAddress(a: TableauAddress): { path: string; query: string } {
  const doc = segment(a.docName);
  if (a.where === 'local') return { path: `/local/${doc}`, query: `${encodeURIComponent(a.filePath)}${a.normalized ? '&normalized' : ''}` };
  const seg = [a.connectionId, a.siteContentUrl || '~', a.kind, a.id, a.revision === undefined ? 'current' : `r${a.revision}`].map(segment);
  return { path: `/server/${seg.join('/')}/${doc}`, query: a.normalized ? 'normalized' : '' };
}

/** The address of a URI's path and query; undefined when it is not one. */
export function parseAddress(path: string, query: string): TableauAddress | undefined {
  const parts = path.split('/').filter(Boolean);
  const q = query.split('&');
  const normalized = q.includes('normalized');
  try {
    if (parts[0] === 'local' && parts.length === 2 && q[0] && q[0] !== 'normalized') {
      return { where: 'local', filePath: decodeURIComponent(q[0]), docName: decodeURIComponent(parts[1]), normalized };
    }
    if (parts[0] === 'server' && parts.length === 7) {
      const [connectionId, site, kind, id, rev, doc] = parts.slice(1).map(decodeURIComponent);
      if (kind !== 'workbook' && kind !== 'datasource') return undefined;
      const m = /^r(\d{1,9})$/.exec(rev);
      if (rev !== 'current' && !m) return undefined;
      const a: TableauAddress = { where: 'server', connectionId, siteContentUrl: site === '~' ? '' : site, kind, id, docName: doc, normalized };
      if (m) a.revision = Number(m[1]);
      return a;
    }
  } catch {
    return undefined; // a malformed %-escape
  }
  return undefined;
}

/** The document name the editor shows for an item: its name and the document's extension. */
export function documentName(name: string, kind: ContentKind): string {
  const clean = name.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_').slice(0, 120) || 'document';
  return `${clean}.${kind === 'workbook' ? 'twb' : 'tds'}`;
}
