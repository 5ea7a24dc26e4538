// Signing out where VS Code users expect it: the Accounts menu in the activity bar lists the
// Tableau connection; its "Sign Out" ends the session, and the status bar follows.
import * as assert from 'node:assert/strict';
import { type Scenario } from '../scenario';
import { DEMO_LABEL, addDemoConnection, answerDialog, shot, statusBarItem, waitFor } from './steps';

export const accountsSignOut: Scenario = {
  name: 'accountsSignOut',
  timeoutMs: 120_000,
  async run(ctx) {
    const { workbench: wb, simulator } = ctx;
    await wb.waitForExtensionHost();
    await addDemoConnection(ctx);
    const status = statusBarItem(wb.page, DEMO_LABEL);
    // Signed in after the add: the cloud icon.
    await status.locator('.codicon-cloud').waitFor({ state: 'visible', timeout: 20_000 });
    const liveBefore = simulator.state().counters.liveSessions;

    await wb.page.locator('.activitybar .action-item a[aria-label^="Accounts"]').first().click();
    const account = wb.page.locator('.monaco-menu .action-item', { hasText: '(Tableau)' }).first();
    try {
      await account.waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      const shown = await wb.page.locator('.monaco-menu .action-label').allTextContents();
      throw new Error(`the Accounts menu lists no Tableau account: ${JSON.stringify(shown)}`);
    }
    const accountText = (await account.innerText()).trim();
    assert.ok(accountText.includes(simulator.demoPat!.site), `the account label names no site: "${accountText}"`);
    await account.hover();
    const signOut = wb.page.locator('.monaco-menu .action-item .action-label', { hasText: /^Sign Out$/ }).last();
    await signOut.waitFor({ state: 'visible', timeout: 10_000 });
    await shot(wb, 'accountsSignOut-menu', 'accounts-sign-out');
    await wb.chooseMenuItem(signOut);
    // VS Code asks before signing out of an account.
    await answerDialog(wb.page, /Sign out/i, 'Sign Out');

    await status.locator('.codicon-debug-disconnect').waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await status.locator('.codicon-cloud').count(), 0, 'the status bar still shows the signed-in icon');
    // The REST session really ended on the server.
    await waitFor(() => simulator.state().counters.liveSessions < liveBefore, 10_000, `the simulator still has ${liveBefore} live sessions`);
    await shot(wb, 'accountsSignOut-statusbar');
  },
};
