// The real `tableau-publish` launcher and command, bundled together under out/test/ so tests can
// run it as a separate process (a fresh process: no redactor state shared with the test runner).
// dist/cli.js loads the same command from dist/cliMain.js instead (src/cli.ts).
import { setFlagsFromString } from 'node:v8';
import { launch } from '../../../src/cli/launch';
import type * as CliMain from '../../../src/cli/main';

setFlagsFromString('--liftoff-only');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after launch() has installed its Ctrl+C handler, as in dist/
launch(() => require('../../../src/cli/main') as typeof CliMain);
