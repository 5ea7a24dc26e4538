import { printable } from './printable';

/**
 * The core logs through this interface. The VS Code layer backs it with a
 * LogOutputChannel, the CLI with stderr. Every implementation must pass text through
 * `redact` and `printable` (RedactingLogger does) so that no secret and no terminal
 * control character (log lines quote server-chosen names and error details) reaches a log line.
 */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export const nullLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Keys whose values are always secret, wherever they appear (object keys, XML attributes, JSON, query strings, headers). */
const SECRET_KEYS = [
  'password',
  'personalAccessTokenSecret',
  'secret',
  'secretValue',
  'token',
  'jwt',
  'x-tableau-auth',
  'authorization',
  'credentials_token',
];

const secretKeyPattern = SECRET_KEYS.map((k) => k.replace(/[-]/g, '[-_]?')).join('|');
// key="value" | key='value' | "key":"value" | key=value (query/header) | key: value
const attrRe = new RegExp(`((?:${secretKeyPattern})\\s*=\\s*)("[^"]*"|'[^']*'|[^\\s&,;"'<>]+)`, 'gi');
const jsonRe = new RegExp(`("(?:${secretKeyPattern})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
const headerRe = new RegExp(`((?:${secretKeyPattern})\\s*:\\s*)([^\\s,;]+)`, 'gi');
// A JWT anywhere: three base64url segments, the first starting with eyJ.
const jwtRe = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;

const REDACTED = '<redacted>';

/**
 * Removes secrets from text. Known secret values (registered with `addSecret`) are
 * replaced wherever they occur, and values of secret-looking keys are masked by pattern.
 */
export class Redactor {
  private readonly known = new Set<string>();

  addSecret(value: string | undefined): void {
    // Very short strings would mask ordinary words; a real secret is longer.
    if (value && value.length >= 6) this.known.add(value);
  }

  removeSecret(value: string | undefined): void {
    if (value) this.known.delete(value);
  }

  /**
   * True when a known secret shows in `text` raw (any letter case: host names are lower-cased),
   * percent-encoded or base64-encoded: for addresses a server chose, which a hostile one could
   * build from the credentials it was sent.
   */
  appearsIn(text: string): boolean {
    let decoded = text;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      // not percent-encoded text: the raw check below still applies
    }
    const hay = [text.toLowerCase(), decoded.toLowerCase()];
    for (const s of this.known) {
      const forms = [s.toLowerCase(), Buffer.from(s).toString('base64').replace(/=+$/, '').toLowerCase(), Buffer.from(s).toString('base64url').toLowerCase()];
      if (forms.some((f) => hay.some((h) => h.includes(f)))) return true;
    }
    return false;
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.known) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    out = out.replace(jwtRe, REDACTED);
    out = out.replace(jsonRe, `$1"${REDACTED}"`);
    out = out.replace(attrRe, (_m, key: string, val: string) => {
      const q = val.startsWith('"') ? '"' : val.startsWith("'") ? "'" : '';
      return `${key}${q}${REDACTED}${q}`;
    });
    out = out.replace(headerRe, `$1${REDACTED}`);
    return out;
  }
}

/** A process-wide redactor; credential code registers every secret it handles here. */
export const globalRedactor = new Redactor();

function render(arg: unknown): string {
  if (arg instanceof Error) return arg.stack ?? `${arg.name}: ${arg.message}`;
  if (typeof arg === 'string') return arg;
  try {
    return JSON.stringify(arg);
  } catch {
    return String(arg);
  }
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Wraps a sink (one message in, already redacted, no control characters but newline and tab) as a Logger. */
export class RedactingLogger implements Logger {
  constructor(
    private readonly sink: (level: LogLevel, line: string) => void,
    private readonly redactor: Redactor = globalRedactor,
  ) {}

  private write(level: LogLevel, message: string | Error, args: unknown[]): void {
    const text = [message, ...args].map(render).join(' ');
    this.sink(level, printable(this.redactor.redact(text), 'lines'));
  }

  trace(message: string, ...args: unknown[]): void {
    this.write('trace', message, args);
  }
  debug(message: string, ...args: unknown[]): void {
    this.write('debug', message, args);
  }
  info(message: string, ...args: unknown[]): void {
    this.write('info', message, args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.write('warn', message, args);
  }
  error(message: string | Error, ...args: unknown[]): void {
    this.write('error', message, args);
  }
}
