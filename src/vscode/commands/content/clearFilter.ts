import { contentTree } from '../../tree/contentTree';
import { defineCommand } from '../command';

export const ID = 'tableau.clearFilter';

export const command = defineCommand(ID, (services) => contentTree(services)?.setFilter(undefined));
