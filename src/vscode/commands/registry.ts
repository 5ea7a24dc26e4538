// One line per command id. Each command module exports `register(services)`.
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
    showLog.register(), // tableau.showLog
    // content and publish (engineer B): add one line per command below
  ];
}
