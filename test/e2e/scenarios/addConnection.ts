// A first-time user adds the simulator's demo PAT through the real prompts: the secret goes
// into a masked password box, the sign-in is tested, and the status bar then names the
// connection and its site. The secret must not show anywhere on screen afterwards.
import * as assert from 'node:assert/strict';
import { type Scenario } from '../scenario';
import { DEMO_LABEL, addDemoConnection, shot, statusBarItem } from './steps';

export const addConnection: Scenario = {
  name: 'addConnection',
  async run(ctx) {
    const { workbench: wb, simulator } = ctx;
    await wb.waitForExtensionHost();
    const before = statusBarItem(wb.page, 'Tableau: no connection');
    await before.waitFor({ state: 'visible', timeout: 30_000 });
    const signInsBefore = simulator.state().counters.signIns[simulator.demoPat!.name] ?? 0;

    await addDemoConnection(ctx, DEMO_LABEL, { secretShot: { name: 'addConnection-secret', keepAs: 'add-connection-token' } });

    const item = statusBarItem(wb.page, DEMO_LABEL);
    const text = (await item.innerText()).trim();
    assert.match(text, new RegExp(`${DEMO_LABEL}: ${simulator.demoPat!.site}`), `status bar shows "${text}"`);
    assert.equal(await before.isVisible(), false, 'the "no connection" status bar entry is still shown');
    // The test sign-in really reached the server.
    const signInsAfter = simulator.state().counters.signIns[simulator.demoPat!.name] ?? 0;
    assert.ok(signInsAfter > signInsBefore, `no PAT sign-in reached the simulator (${signInsBefore} -> ${signInsAfter})`);

    const body = await wb.page.locator('body').innerText();
    assert.ok(!body.includes(simulator.demoPat!.secret), 'the PAT secret is visible in the window');
    await shot(wb, 'addConnection-statusbar');
    const errors = await wb.errorNotifications();
    assert.deepEqual(errors, [], `error notifications: ${JSON.stringify(errors)}`);
  },
};
