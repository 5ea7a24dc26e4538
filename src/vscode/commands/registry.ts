// One line per command id. Each command module exports `register(services)`. Every id here
// is also in package.json's contributes.commands: the start-up shell registers stand-ins for
// exactly those until this code is loaded (test/unit/startup checks the two lists agree).
import type * as vscode from 'vscode';
import type { Services } from '../services/services';
import * as actAsUser from './connection/actAsUser';
import * as addConnection from './connection/addConnection';
import * as editConnection from './connection/editConnection';
import * as removeConnection from './connection/removeConnection';
import * as showLog from './connection/showLog';
import * as signIn from './connection/signIn';
import * as signOut from './connection/signOut';
import * as switchConnection from './connection/switchConnection';
import * as switchSite from './connection/switchSite';
import * as testConnection from './connection/testConnection';
import * as toggleReadOnly from './connection/toggleReadOnly';
import * as clearFilter from './content/clearFilter';
import * as copyContentUrl from './content/copyContentUrl';
import * as copyLuid from './content/copyLuid';
import * as copyName from './content/copyName';
import * as copyWebUrl from './content/copyWebUrl';
import * as createProject from './content/createProject';
import * as deleteContent from './content/deleteContent';
import * as download from './content/download';
import * as filterContent from './content/filterContent';
import * as loadMore from './content/loadMore';
import * as openInBrowser from './content/openInBrowser';
import * as openSandbox from './content/openSandbox';
import * as refreshContent from './content/refreshContent';
import * as refreshExtract from './content/refreshExtract';
import * as retry from './content/retry';
import * as searchContent from './content/searchContent';
import * as publish from './publish/publish';
import * as publishAgain from './publish/publishAgain';
import * as publishAll from './publish/publishAll';
import * as autoPublish from '../publish/autoPublish';

export function registerCommands(s: Services): vscode.Disposable[] {
  return [
    // connections and credentials
    addConnection.register(s), // tableau.addConnection
    editConnection.register(s), // tableau.editConnection
    removeConnection.register(s), // tableau.removeConnection
    signIn.register(s), // tableau.signIn
    signOut.register(s), // tableau.signOut
    switchSite.register(s), // tableau.switchSite
    switchConnection.register(s), // tableau.switchConnection
    actAsUser.register(s), // tableau.actAsUser
    testConnection.register(s), // tableau.testConnection
    toggleReadOnly.register(s), // tableau.toggleReadOnly
    showLog.register(s), // tableau.showLog
    // content and publish (engineer B): add one line per command below
    refreshContent.register(s), // tableau.refreshContent
    loadMore.register(s), // tableau.loadMore
    retry.register(s), // tableau.retry
    filterContent.register(s), // tableau.filterContent
    clearFilter.register(s), // tableau.clearFilter
    searchContent.register(s), // tableau.searchContent
    openInBrowser.register(s), // tableau.openInBrowser
    copyName.register(s), // tableau.copyName
    copyLuid.register(s), // tableau.copyLuid
    copyContentUrl.register(s), // tableau.copyContentUrl
    copyWebUrl.register(s), // tableau.copyWebUrl
    download.register(s), // tableau.download
    refreshExtract.register(s), // tableau.refreshExtract
    deleteContent.register(s), // tableau.deleteContent
    createProject.register(s), // tableau.createProject
    openSandbox.register(s), // tableau.openSandbox
    publish.register(s), // tableau.publish
    publishAgain.register(s), // tableau.publishAgain
    publishAll.register(s), // tableau.publishAll
    autoPublish.register(s), // tableau.autoPublish file watcher (not a command)
  ];
}
