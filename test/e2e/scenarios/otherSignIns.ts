// The two other ways to sign in, through the real prompts: a username and password, and a
// Connected App (the extension mints a JWT). Each secret goes into a masked box, the test
// sign-in reaches the simulator with that kind of credential, the status bar then names the
// connection and its site, and no secret shows anywhere on screen.
import * as assert from 'node:assert/strict';
import { DEMO_CONNECTED_APP } from '../../simulator/demo';
import { type Scenario, type ScenarioContext } from '../scenario';
import { shot, statusBarItem } from './steps';

const PASSWORD_USER = { name: 'bob', password: 'bob-password' };
const APP_USER = 'alice';

async function startAdding(ctx: ScenarioContext, label: string, site: string, kind: 'password' | 'connectedApp'): Promise<void> {
  const wb = ctx.workbench;
  await wb.runCommand('Tableau: Add Connection…');
  await wb.answerInput('connection.server', ctx.simulator.url);
  await wb.answerInput('connection.site', site);
  await wb.answerInput('connection.label', label);
  await wb.answerPick('connection.authKind', kind);
}

async function added(ctx: ScenarioContext, label: string, site: string): Promise<void> {
  const wb = ctx.workbench;
  const item = statusBarItem(wb.page, label);
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  await wb.waitForNotification(`Connection "${label}" added.`, 15_000);
  const text = (await item.innerText()).trim();
  assert.match(text, new RegExp(`${label}: ${site}`), `status bar shows "${text}"`);
}

export const otherSignIns: Scenario = {
  name: 'otherSignIns',
  async run(ctx) {
    const { workbench: wb, simulator } = ctx;
    await wb.waitForExtensionHost();
    const signIns = (who: string): number => simulator.state().counters.signIns[who] ?? 0;

    // Username and password (Tableau Server).
    const bobBefore = signIns(PASSWORD_USER.name);
    await startAdding(ctx, 'Bob on Sales', 'sales', 'password');
    await wb.answerInput('connection.username', PASSWORD_USER.name);
    await wb.answerInput('connection.password', PASSWORD_USER.password, { password: true });
    await added(ctx, 'Bob on Sales', 'sales');
    assert.ok(signIns(PASSWORD_USER.name) > bobBefore, 'no password sign-in as bob reached the simulator');

    // Connected App: client ID, secret ID, secret value, and the user it signs in as.
    const appBefore = signIns(DEMO_CONNECTED_APP.clientId);
    await startAdding(ctx, 'App as Alice', 'finance', 'connectedApp');
    await wb.answerInput('connection.clientId', DEMO_CONNECTED_APP.clientId);
    await wb.answerInput('connection.secretId', DEMO_CONNECTED_APP.secretId);
    await wb.answerInput('connection.secretValue', DEMO_CONNECTED_APP.secretValue, { password: true });
    await wb.answerInput('connection.appUser', APP_USER);
    await added(ctx, 'App as Alice', 'finance');
    assert.ok(signIns(DEMO_CONNECTED_APP.clientId) > appBefore, 'no Connected App (JWT) sign-in reached the simulator');

    const body = await wb.page.locator('body').innerText();
    for (const secret of [PASSWORD_USER.password, DEMO_CONNECTED_APP.secretValue]) assert.ok(!body.includes(secret), 'a secret is visible in the window');
    await shot(wb, 'otherSignIns-statusbar');
    const errors = await wb.errorNotifications();
    assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
  },
};
