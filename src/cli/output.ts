/** What the CLI prints: results on stdout (text or JSON lines), logs and a progress bar on stderr. */
import { RedactingLogger, type LogLevel, type Logger } from '../core/logger';

const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

export class CliOutput {
  readonly logger: Logger;
  private bar = '';
  private readonly tty: boolean;

  constructor(
    readonly json: boolean,
    verbose: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = !!stderr.isTTY;
    const min = LEVELS.indexOf(verbose ? 'debug' : 'warn');
    this.logger = new RedactingLogger((level, line) => {
      if (LEVELS.indexOf(level) < min) return;
      this.clearBar();
      this.stderr.write(`${level === 'error' ? 'error' : level}: ${line}\n`);
    });
  }

  /** A result line: the text form, or the object as one JSON line. */
  result(text: string, obj: Record<string, unknown>): void {
    this.clearBar();
    this.stdout.write(this.json ? JSON.stringify(obj) + '\n' : text + '\n');
  }

  /** An error for one item; the message has already been written without secrets. */
  failure(text: string, obj: Record<string, unknown>): void {
    this.clearBar();
    if (this.json) this.stdout.write(JSON.stringify(obj) + '\n');
    this.logger.error(text);
  }

  /** Redraws the progress bar (TTY stderr only). */
  progress(label: string, done: number, total: number, suffix = ''): void {
    if (!this.tty) return;
    const width = 24;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const fill = Math.round(frac * width);
    const line = `${label.slice(0, 40).padEnd(40)} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${String(Math.round(frac * 100)).padStart(3)}% ${suffix}`;
    this.bar = line;
    this.stderr.write(`\r${line}\x1b[K`);
  }

  clearBar(): void {
    if (this.bar && this.tty) this.stderr.write('\r\x1b[K');
    this.bar = '';
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
