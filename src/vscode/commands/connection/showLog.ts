import { defineCommand } from '../command';

export const SHOW_LOG = 'tableau.showLog';

export const command = defineCommand(SHOW_LOG, (services) => services.showLog());
