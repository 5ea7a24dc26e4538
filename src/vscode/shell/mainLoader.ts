import type { LoadedExtension, MainModule, ShellHandoff } from './contract';
import type * as vscode from 'vscode';

/**
 * Loads dist/main.js, once, when something first needs it. The require is synchronous: a
 * command or a view asking for children waits for it either way, and it keeps one order of
 * events (stand-ins gone, real registrations made) with nothing in between.
 */
export class MainLoader {
  private loaded?: LoadedExtension;
  private readonly waiting: ((l: LoadedExtension) => void)[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly handoff: ShellHandoff,
    private readonly hooks: { beforeLoad(): void; afterFailure(): void },
  ) {}

  /** The loaded extension, or undefined while only the shell runs. */
  get current(): LoadedExtension | undefined {
    return this.loaded;
  }

  /** `reason` names what needed it first; it is written to the log. */
  load(reason: string): LoadedExtension {
    if (this.loaded) return this.loaded;
    // Command stand-ins go first: the real commands register under the same ids.
    this.hooks.beforeLoad();
    try {
      this.loaded = requireMain().start(this.context, this.handoff, reason);
    } catch (e) {
      this.hooks.afterFailure();
      throw e;
    }
    for (const f of this.waiting.splice(0)) f(this.loaded);
    return this.loaded;
  }

  /** Runs `f` once the extension is loaded (now, when it already is). */
  whenLoaded(f: (l: LoadedExtension) => void): void {
    if (this.loaded) f(this.loaded);
    else this.waiting.push(f);
  }
}

function requireMain(): MainModule {
  // esbuild.js maps this name to ./main.js next to dist/extension.js and leaves it unbundled.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('tableau-publisher/main') as MainModule;
}
