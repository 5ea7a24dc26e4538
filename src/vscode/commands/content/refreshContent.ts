import { defineCommand } from '../command';
import { contentTree } from '../../tree/contentTree';
import { ContentNode } from '../../tree/nodes/base';

export const ID = 'tableau.refreshContent';

/** Refreshes one node (context menu) or the whole view (view title / palette). */
export const command = defineCommand(ID, (services, node?: unknown) => {
  contentTree(services)?.refresh(node instanceof ContentNode ? node : undefined);
});
