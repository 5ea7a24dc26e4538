import { defineCommand } from '../command';
import { contentTree } from '../../tree/contentTree';
import { ErrorNode } from '../../tree/nodes/errorNode';

export const ID = 'tableau.retry';

/** Retry on an error node: forget the failed listing and expand its parent again. */
export const command = defineCommand(ID, (services, node?: unknown) => {
  const tree = contentTree(services);
  if (!tree) return;
  tree.refresh(node instanceof ErrorNode ? node.parent : undefined);
});
