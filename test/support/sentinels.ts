/**
 * Sentinel secrets and the scanners that look for them: a test pushes recognisable fake
 * secrets through a flow, captures every byte it can (log sinks, stdout/stderr, files,
 * errors) and expects no trace of any sentinel in any of its encoded forms.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { RedactingLogger, type LogLevel } from '../../src/core/logger';

export interface Sentinel {
  name: string;
  value: string;
}

/** A fresh secret that cannot occur by chance; `special` adds characters that XML, URLs and base64 all treat differently. */
export function sentinel(name: string, special = false): Sentinel {
  const core = `SNTL${name.replace(/[^A-Za-z]/g, '').toUpperCase()}${randomBytes(9).toString('hex')}`;
  return { name, value: special ? `${core}&<'"+/= ü%` : core };
}

/** The ways a secret can show up on the wire or in text: raw, base64 (both alphabets), percent-encoded, XML-escaped. */
export function encodedForms(value: string): { form: string; text: string }[] {
  const forms = [
    { form: 'raw', text: value },
    { form: 'base64', text: Buffer.from(value).toString('base64').replace(/=+$/, '') },
    { form: 'base64url', text: Buffer.from(value).toString('base64url') },
    { form: 'urlencoded', text: encodeURIComponent(value) },
    { form: 'form-urlencoded', text: new URLSearchParams({ x: value }).toString().slice(2) },
    { form: 'xml-escaped', text: value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;') },
  ];
  // Long enough that a hit is never a coincidence.
  return forms.filter((f, i) => f.text.length >= 8 && forms.findIndex((g) => g.text === f.text) === i);
}

export interface Hit {
  sentinel: string;
  form: string;
  where: string;
  excerpt: string;
}

/** A JWT anywhere in the text (three base64url segments starting with eyJ). */
const JWT_RE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/;

export class SentinelScanner {
  readonly hits: Hit[] = [];
  private readonly secrets: Sentinel[] = [];
  /** Also report any JWT-shaped string. */
  flagJwts = true;

  constructor(secrets: Sentinel[] = []) {
    for (const s of secrets) this.add(s);
  }

  add(s: Sentinel): void {
    if (s.value && !this.secrets.some((x) => x.value === s.value)) this.secrets.push(s);
  }

  scanText(text: string, where: string): void {
    for (const s of this.secrets) {
      for (const f of encodedForms(s.value)) {
        const i = text.indexOf(f.text);
        if (i >= 0) this.hits.push({ sentinel: s.name, form: f.form, where, excerpt: excerpt(text, i, f.text.length) });
      }
    }
    const jwt = this.flagJwts ? JWT_RE.exec(text) : null;
    if (jwt) this.hits.push({ sentinel: 'jwt', form: 'raw', where, excerpt: excerpt(text, jwt.index, jwt[0].length) });
  }

  /** An error as every consumer may render it: message, stack, JSON, and a deep inspect with causes. */
  scanError(e: unknown, where: string): void {
    if (e instanceof Error) {
      this.scanText(e.message, `${where} (message)`);
      this.scanText(e.stack ?? '', `${where} (stack)`);
    }
    let json = '';
    try {
      json = JSON.stringify(e) ?? '';
    } catch {
      json = '';
    }
    this.scanText(json, `${where} (JSON)`);
    this.scanText(inspect(e, { depth: 8, showHidden: false }), `${where} (inspect)`);
  }

  /** Every regular file under `dir` (symlinks not followed), up to 8 MiB each. */
  scanDir(dir: string, where = dir): number {
    let files = 0;
    const walk = (d: string): void => {
      for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (ent.isFile()) {
          files++;
          const fd = fs.openSync(p, 'r');
          try {
            const buf = Buffer.alloc(Math.min(fs.fstatSync(fd).size, 8 * 1024 * 1024));
            fs.readSync(fd, buf, 0, buf.length, 0);
            this.scanText(buf.toString('latin1'), `${where}/${path.relative(dir, p)}`);
            this.scanText(buf.toString('utf8'), `${where}/${path.relative(dir, p)}`);
          } finally {
            fs.closeSync(fd);
          }
        }
      }
    };
    if (fs.existsSync(dir)) walk(dir);
    return files;
  }

  /** A readable list of the hits, for an assertion message. */
  report(): string {
    return this.hits.map((h) => `${h.sentinel} (${h.form}) in ${h.where}: …${h.excerpt}…`).join('\n');
  }
}

function excerpt(text: string, at: number, len: number): string {
  return text.slice(Math.max(0, at - 40), Math.min(text.length, at + len + 40)).replace(/\s+/g, ' ');
}

/** A RedactingLogger at trace level whose every line is kept. */
export function capturingLogger(): { logger: RedactingLogger; lines: string[] } {
  const lines: string[] = [];
  const logger = new RedactingLogger((level: LogLevel, line: string) => lines.push(`${level}: ${line}`));
  return { logger, lines };
}
