// Starts and stops code-server 4.100.3 (a real VS Code 1.100 workbench) installed by
// test/e2e/setup.sh, with a throw-away user-data and extensions directory.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, killGroup, onCleanup, repoRoot, trackGroup } from './processes';

export interface CodeServerOptions {
  /** Loopback port; default a free one. */
  port?: number;
  /** Extra environment for the server and so for its extension hosts. */
  env?: Record<string, string>;
  /** Where the server's stdout/stderr go; default `<tempDir>/code-server.log`. */
  logFile?: string;
  /** Keep the temp dir after stop() (debugging). */
  keepTempDir?: boolean;
}

// Quiet, deterministic workbench: no welcome page, tips, surveys or update checks.
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
};

export function codeServerBin(): string {
  return path.join(repoRoot(), '.e2e-cache', 'code-server', 'node_modules', '.bin', 'code-server');
}

export function assertCodeServerInstalled(): void {
  const stamp = path.join(repoRoot(), '.e2e-cache', 'code-server', '.setup-stamp');
  if (!fs.existsSync(stamp) || !fs.existsSync(codeServerBin())) {
    throw new Error('code-server is not installed: run `npm run e2e:setup` (bash test/e2e/setup.sh) first');
  }
}

export class CodeServer {
  readonly tempDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly logFile: string;
  private child?: ChildProcess;
  private portNumber?: number;

  constructor(private readonly opts: CodeServerOptions = {}) {
    assertCodeServerInstalled();
    this.tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tableau-e2e-cs-'));
    this.userDataDir = path.join(this.tempDir, 'user-data');
    this.extensionsDir = path.join(this.tempDir, 'extensions');
    this.logFile = opts.logFile ?? path.join(this.tempDir, 'code-server.log');
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(this.extensionsDir, { recursive: true });
    fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    onCleanup(() => this.stop());
  }

  get port(): number {
    if (this.portNumber === undefined) throw new Error('code-server is not started');
    return this.portNumber;
  }

  /** e.g. `127.0.0.1:43123`: the authority of `vscode-remote://` URIs for this server. */
  get authority(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `http://${this.authority}`;
  }

  /** The workbench URL for a folder, optionally with a test `payload` (see runVscodeSuite.ts). */
  folderUrl(folder: string, payload?: [string, string][]): string {
    // Slashes stay readable: the sandbox prints this URL for people to open.
    let url = `${this.url}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`;
    if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    return url;
  }

  /** `code-server --install-extension x.vsix` into this server's extensions dir (works offline). */
  async installExtension(vsix: string): Promise<void> {
    if (!fs.existsSync(vsix)) throw new Error(`no such .vsix: ${vsix} (run \`npm run package\`)`);
    const out = await this.runCli(['--install-extension', vsix], 120_000);
    if (!/was successfully installed/i.test(out)) {
      throw new Error(`installing ${path.basename(vsix)} failed:\n${out}`);
    }
  }

  async listExtensions(): Promise<string[]> {
    const out = await this.runCli(['--list-extensions', '--show-versions'], 60_000);
    return out.split('\n').map((l) => l.trim()).filter((l) => /^[\w-]+\.[\w-]+@/.test(l));
  }

  /** The folder an installed extension was unpacked to. */
  installedPath(extensionId: string): string {
    const dir = fs
      .readdirSync(this.extensionsDir)
      .find((d) => d.toLowerCase().startsWith(`${extensionId.toLowerCase()}-`));
    if (!dir) throw new Error(`${extensionId} is not installed in ${this.extensionsDir}`);
    return path.join(this.extensionsDir, dir);
  }

  /**
   * The package.json of an installed extension with its `%key%` strings resolved from
   * package.nls.json, i.e. the titles the workbench shows.
   */
  installedManifest<T = Record<string, unknown>>(extensionId: string): T {
    const base = this.installedPath(extensionId);
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(base, 'package.json'), 'utf8'));
    const nlsFile = path.join(base, 'package.nls.json');
    const nls: Record<string, string> = fs.existsSync(nlsFile) ? JSON.parse(fs.readFileSync(nlsFile, 'utf8')) : {};
    const resolve = (v: unknown): unknown => {
      if (typeof v === 'string') {
        const m = /^%(.+)%$/.exec(v);
        return m && typeof nls[m[1]] === 'string' ? nls[m[1]] : v;
      }
      if (Array.isArray(v)) return v.map(resolve);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
      return v;
    };
    return resolve(manifest) as T;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('code-server already started');
    this.portNumber = this.opts.port ?? (await freePort());
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(
      codeServerBin(),
      [
        '--auth', 'none',
        '--bind-addr', this.authority,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--user-data-dir', this.userDataDir,
        '--extensions-dir', this.extensionsDir,
      ],
      {
        detached: true,
        stdio: ['ignore', log, log],
        env: { ...process.env, ...this.opts.env },
      },
    );
    fs.closeSync(log);
    this.child = child;
    trackGroup(child);
    await this.waitHealthy(60_000);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await killGroup(child);
    if (!this.opts.keepTempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
  }

  /** The last `lines` lines of the server log, for failure reports. */
  logTail(lines = 40): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no code-server log)';
    }
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    this.child?.once('exit', () => (exited = true));
    while (Date.now() < deadline) {
      if (exited) throw new Error(`code-server exited during start-up:\n${this.logTail()}`);
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms:\n${this.logTail()}`);
  }

  private runCli(args: string[], timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        codeServerBin(),
        ['--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir, ...args],
        { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
      );
      trackGroup(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => {
        void killGroup(child, 1000);
        reject(new Error(`code-server ${args[0]} timed out after ${timeoutMs} ms:\n${out}`));
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`code-server ${args.join(' ')} exited with ${code}:\n${out}`));
      });
    });
  }
}
