// The real `tableau-publish` entry point, bundled under out/test/ so tests can run it as a
// separate process (a fresh process: no redactor state shared with the test runner).
import '../../../src/cli';
