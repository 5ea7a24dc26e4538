/**
 * Small readers for validating `.vscode/tableau-publish.json`: each error names the JSON path
 * that is wrong (`$.targets[1].mode`), never the file's content.
 */
import { TableauError } from '../errors';

export const MANIFEST_PATH = '.vscode/tableau-publish.json';

export function bad(where: string, problem: string): TableauError {
  return new TableauError({ reason: 'invalidArgument', message: `${MANIFEST_PATH}: ${where} ${problem}` });
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function checkKeys(o: Record<string, unknown>, allowed: readonly string[], at: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw bad(`${at}.${k}`, `is not a known setting (known: ${allowed.join(', ')}).`);
}

export function str(o: Record<string, unknown>, k: string, at: string, required: boolean, allowEmpty = false): string | undefined {
  const v = o[k];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string') throw bad(`${at}.${k}`, v === undefined ? 'is missing.' : 'must be a string.');
  if (!allowEmpty && v.trim() === '') throw bad(`${at}.${k}`, 'is empty.');
  return v;
}

export function strList(o: Record<string, unknown>, k: string, at: string): string[] | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(`${at}.${k}`, 'must be a list of strings.');
  return v as string[];
}

export function bool(o: Record<string, unknown>, k: string, at: string): boolean | undefined {
  const v = o[k];
  if (v !== undefined && typeof v !== 'boolean') throw bad(`${at}.${k}`, 'must be true or false.');
  return v as boolean | undefined;
}

/** Drops the keys whose value is undefined, so a validated object has only what the file said. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
