import { defineCommand } from '../command';
import { contentTree } from '../../tree/contentTree';
import { LoadMoreNode } from '../../tree/nodes/loadMoreNode';

export const ID = 'tableau.loadMore';

/** Clicked "Load more...": the parent shows one more page (no refetch with the grouped listing). */
export const command = defineCommand(ID, (services, node?: unknown) => {
  if (!(node instanceof LoadMoreNode)) return;
  const tree = contentTree(services);
  tree?.model(node.scope.profile, node.scope.siteContentUrl).loadMore(node.parentKey);
  tree?.redraw(node.parent);
});
