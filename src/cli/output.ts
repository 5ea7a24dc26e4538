/**
 * What the CLI prints: results on stdout (text or JSON lines), logs and a progress bar on
 * stderr. Everything the CLI writes but its fixed texts (--help, --version) goes through here,
 * redacted and free of control characters (names, URLs and error details come from the server).
 */
import { globalRedactor, RedactingLogger, type LogLevel, type Logger } from '../core/logger';
import { printable, printableJson } from '../core/printable';

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
    // The logger redacts and keeps only newlines and tabs; continuation lines are indented so
    // a message can never pass for a line of its own ("error: ...").
    this.logger = new RedactingLogger((level, line) => {
      if (LEVELS.indexOf(level) < min) return;
      this.clearBar();
      this.stderr.write(`${level}: ${line.replace(/\n/g, '\n  ')}\n`);
    });
  }

  /** A result line: the text form (one line; tabs separate columns), or the object as one JSON line. */
  result(text: string, obj: Record<string, unknown>): void {
    this.clearBar();
    this.stdout.write(this.json ? jsonLine(obj) : `${printable(globalRedactor.redact(text), 'tab')}\n`);
  }

  /** A multi-line text result (a diff summary): redacted, control characters out, newlines kept. */
  block(text: string): void {
    this.clearBar();
    this.stdout.write(printable(globalRedactor.redact(text), 'lines'));
  }

  /** An error for one item: JSON on stdout with --json, and always a log line on stderr. */
  failure(text: string, obj: Record<string, unknown>): void {
    this.clearBar();
    if (this.json) this.stdout.write(jsonLine(obj));
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
    this.stderr.write(`\r${printable(globalRedactor.redact(line))}\x1b[K`);
  }

  clearBar(): void {
    if (this.bar && this.tty) this.stderr.write('\r\x1b[K');
    this.bar = '';
  }
}

/**
 * Builds a result line from a template whose values come from the server or files: each
 * value loses every control character, tabs and newlines included, so it cannot add a
 * column or a line. The template's own tabs stay.
 */
export function line(parts: TemplateStringsArray, ...values: unknown[]): string {
  return parts.reduce((acc, part, i) => acc + part + (i < values.length ? printable(String(values[i])) : ''), '');
}

/** An error outside a run's output (a usage error, a crash): arguments and messages may hold anything. */
export function writeError(stderr: NodeJS.WritableStream, message: string): void {
  stderr.write(`error: ${printable(globalRedactor.redact(message), 'lines').replace(/\n/g, '\n  ')}\n`);
}

/** Every string in `obj` redacted, then one JSON line safe on a terminal. */
function jsonLine(obj: Record<string, unknown>): string {
  return `${printableJson(redactValues(obj))}\n`;
}

// Result objects are the CLI's own (acyclic, a few levels deep); a Date or the like goes as its JSON form.
function redactValues(v: unknown): unknown {
  if (typeof v === 'string') return globalRedactor.redact(v);
  if (v === null || typeof v !== 'object') return v;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return redactValues((v as { toJSON(): unknown }).toJSON());
  if (Array.isArray(v)) return v.map(redactValues);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactValues(x)]));
}
