/** Injected faults: matched per request, each firing `times` times (on the nth match if given). */
import type { FaultAction, FaultSpec } from './config';
import { errors } from './wire';

interface Armed { spec: FaultSpec; re?: RegExp; seen: number; left: number }

export class Faults {
  private armed: Armed[] = [];
  /** How many times a fault fired. */
  fired = 0;

  add(spec: FaultSpec): void {
    if (!spec || typeof spec !== 'object' || !spec.match || !spec.action) throw errors.badRequest('A fault needs match and action.');
    let re: RegExp | undefined;
    if (spec.match.pathPattern !== undefined) {
      try {
        re = new RegExp(spec.match.pathPattern);
      } catch {
        throw errors.badRequest(`Bad pathPattern regex: ${spec.match.pathPattern}`);
      }
    }
    this.armed.push({ spec, re, seen: 0, left: spec.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The action of the first fault this request triggers (consuming one use), if any. */
  take(method: string, pathname: string): FaultAction | undefined {
    for (const a of this.armed) {
      const m = a.spec.match;
      if (a.left <= 0) continue;
      if (m.method && m.method.toUpperCase() !== method) continue;
      if (a.re && !a.re.test(pathname)) continue;
      a.seen++;
      if (m.nth !== undefined && a.seen < m.nth) continue;
      a.left--;
      this.fired++;
      this.armed = this.armed.filter((x) => x.left > 0);
      return a.spec.action;
    }
    return undefined;
  }
}

export const LOGIN_PAGE_HTML = `<!DOCTYPE html>
<html><head><title>Sign In - Tableau</title></head>
<body><form method="post" action="/vizportal/api/web/v1/login"><input name="username"><input type="password" name="password">
<button type="submit">Sign In</button></form></body></html>`;
