// Every UI scenario, in run order. To add one: create scenarios/<name>.ts exporting a
// `Scenario`, import it here and append it to the array.
import { type Scenario } from '../scenario';
import { addConnection } from './addConnection';
import { accountsSignOut } from './accountsSignOut';
import { bigHyper } from './bigHyper';
import { download } from './download';
import { otherSignIns } from './otherSignIns';
import { dragToPublish } from './dragToPublish';
import { environments } from './environments';
import { publishAgain } from './publishAgain';
import { publishFromExplorer } from './publishFromExplorer';
import { publishSettings } from './publishSettings';
import { readOnly } from './readOnly';
import { revisions } from './revisions';
import { tree } from './tree';
import { walkthrough } from './walkthrough';
import { workbenchLoads } from './workbenchLoads';
import { publishedPanelImpact } from './publishedPanelImpact';
import { updatePublishedData } from './updatePublishedData';
import { flows } from './flows';

export const SCENARIOS: Scenario[] = [workbenchLoads, addConnection, otherSignIns, tree, publishFromExplorer, publishAgain, bigHyper, readOnly, accountsSignOut, walkthrough, download, dragToPublish, publishedPanelImpact, publishSettings, environments, updatePublishedData, revisions, flows];
