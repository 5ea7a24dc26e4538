import { getFlow } from '../../core/api/flows';
import type { ConnectionManager, ConnectionProfile } from './connectionManager';
import { contentListWebUrl, trustedWebpageUrl, viewWebUrl } from './profileLogic';

/** What finding an item's page needs to know of it (an ItemRef, or a publish's answer). */
export interface WebPageItem {
  profile: ConnectionProfile;
  siteContentUrl: string;
  kind: 'project' | 'workbook' | 'datasource' | 'flow' | 'view';
  id: string;
  contentUrl?: string;
  /** As Tableau gave it with the item, if it did. */
  webpageUrl?: string;
}

export interface WebPage {
  url: string;
  /** False when Tableau gives no page for the item itself and the site's list of its kind stands in. */
  exact: boolean;
}

/**
 * The item's page in Tableau's web UI. A view by its content URL; a workbook, a data source or a
 * flow by the `webpageUrl` Tableau gives (the tree's listing carries it; otherwise the item is
 * asked for), since the web UI addresses them by a repository number, not the LUID; a project, for which the
 * REST API gives no page, or an item whose page is missing or on another origin, by the site's
 * list of its kind.
 */
export async function webPageOf(connections: Pick<ConnectionManager, 'getClient'>, item: WebPageItem, signal?: AbortSignal): Promise<WebPage> {
  const server = item.profile.serverUrl;
  if (item.kind === 'view') return { url: viewWebUrl(server, item.siteContentUrl, item.contentUrl ?? item.id), exact: true };
  if (item.kind !== 'project') {
    let page = trustedWebpageUrl(server, item.webpageUrl);
    if (!page) {
      const client = await connections.getClient(item.profile.id, { siteContentUrl: item.siteContentUrl, signal });
      const found =
        item.kind === 'workbook' ? await client.getWorkbook(item.id, signal) : item.kind === 'datasource' ? await client.getDataSource(item.id, signal) : await getFlow(client, item.id, signal);
      page = trustedWebpageUrl(server, found.webpageUrl);
    }
    if (page) return { url: page, exact: true };
  }
  return { url: contentListWebUrl(server, item.siteContentUrl, item.kind), exact: false };
}
