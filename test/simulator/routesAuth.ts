/** serverInfo, sign-in (with the wrong-host 301), sign-out, switchSite, sessions/current. */
import type { Session } from './auth';
import { siteEl, userEl } from './render';
import type { Ctx, Route } from './server';
import { attr, child, el, type El, errors, parseTsRequest, readSmallBody, send } from './wire';

function credentialsEl(s: Session, ctx: Ctx): El {
  const site = ctx.sim.store.sites.get(s.siteId)!;
  return el('credentials', { token: s.token }, [
    el('site', { id: site.id, contentUrl: site.contentUrl }),
    el('user', { id: s.userId }),
  ]);
}

function serverInfo(ctx: Ctx): void {
  const st = ctx.sim.store;
  send(ctx.req, ctx.res, 200, [el('serverInfo', {}, [
    { tag: 'productVersion', attrs: { build: st.build }, text: st.productVersion },
    { tag: 'restApiVersion', text: st.restApiVersion },
  ])]);
}

/** When the config says sign-ins belong on another host, answer 301 there (TSC re-POSTs). */
function redirectTarget(ctx: Ctx): string | undefined {
  const to = ctx.sim.store.config.redirectSignInTo;
  if (!to) return undefined;
  const here = new URL(ctx.base);
  const target = /^https?:\/\//.test(to) ? new URL(to) : new URL(`${here.protocol}//${to}:${here.port}`);
  if (target.host === here.host) return undefined;
  return `${target.origin}${ctx.url.pathname}${ctx.url.search}`;
}

export function authRoutes(): Route[] {
  return [
    { method: 'GET', pattern: '/api/{v}/serverInfo', auth: false, handle: serverInfo },
    {
      method: 'POST', pattern: '/api/{v}/auth/signin', auth: false,
      handle: async (ctx) => {
        const location = redirectTarget(ctx);
        const body = await readSmallBody(ctx.req);
        if (location) {
          ctx.res.writeHead(301, { Location: location, 'Content-Length': '0' });
          ctx.res.end();
          return;
        }
        const req = parseTsRequest(body, ctx.req.headers['content-type']);
        const s = await ctx.sim.auth.signIn(child(req, 'credentials'));
        send(ctx.req, ctx.res, 200, [credentialsEl(s, ctx)]);
      },
    },
    {
      method: 'POST', pattern: '/api/{v}/auth/signout', auth: true,
      handle: async (ctx) => {
        await readSmallBody(ctx.req);
        ctx.sim.auth.endSession(ctx.session.token);
        send(ctx.req, ctx.res, 204, []);
      },
    },
    {
      method: 'POST', pattern: '/api/{v}/auth/switchSite', auth: true,
      handle: async (ctx) => {
        const req = parseTsRequest(await readSmallBody(ctx.req), ctx.req.headers['content-type']);
        const contentUrl = attr(child(req, 'site'), 'contentUrl');
        if (contentUrl === undefined) throw errors.badRequest('Payload is either malformed or incomplete: switchSite needs <site contentUrl="..."/>.');
        const s = ctx.sim.auth.switchSite(ctx.session, contentUrl);
        send(ctx.req, ctx.res, 200, [credentialsEl(s, ctx)]);
      },
    },
    {
      method: 'GET', pattern: '/api/{v}/sessions/current', auth: true,
      handle: (ctx) => {
        const st = ctx.sim.store;
        const site = st.sites.get(ctx.session.siteId)!;
        const user = st.users.get(ctx.session.userId)!;
        send(ctx.req, ctx.res, 200, [el('session', {}, [siteEl(site), userEl(st, user, site.id)])]);
      },
    },
  ];
}
