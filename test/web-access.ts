/**
 * @module
 * Security-test helpers for the web server: signing in through the real forms (with their CSRF
 * tokens) in `inject()` requests, and {@link assertRouteAccess}, the table-driven check that
 * every route refuses each role that should not reach it: an anonymous GET is sent to sign in,
 * an anonymous POST gets 401, a signed-in user without the role gets 403, and an allowed one is
 * neither refused nor sent to sign in. Every request carries a valid CSRF token, so a refusal
 * here is the role check, not the CSRF check. Used by the auth tests and by the security tests
 * over every route of the real server (test/web-security.test.ts).
 */

import assert from "node:assert/strict";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Role } from "../src/web/auth/types.ts";

/** Cookies and the CSRF token of one visitor. */
export interface Visitor {
  cookies: Record<string, string>;
  csrf: string;
  readonly ip: string;
}

/** The `Cookie` header for a visitor. */
export function cookieHeader(v: Visitor): string {
  return Object.entries(v.cookies)
    .map(([k, x]) => `${k}=${x}`)
    .join("; ");
}

/** Keep the cookies a response sets (and drop the ones it clears). */
export function keepCookies(v: Visitor, res: LightMyRequestResponse): void {
  for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
    if (c.value === "" || c.maxAge === 0 || (c.expires && c.expires.getTime() <= Date.now())) delete v.cookies[c.name];
    else v.cookies[c.name] = c.value;
  }
}

/** The `_csrf` value in a page's first form, if any. */
export function csrfIn(body: string): string | null {
  return /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? null;
}

/** A GET as a visitor, keeping cookies and the page's CSRF token. */
export async function visit(app: FastifyInstance, v: Visitor, url: string): Promise<LightMyRequestResponse> {
  const res = await app.inject({ method: "GET", url, headers: { cookie: cookieHeader(v) }, remoteAddress: v.ip });
  keepCookies(v, res);
  const token = csrfIn(res.body);
  if (token) v.csrf = token;
  return res;
}

/** A form POST as a visitor (with its CSRF token unless `_csrf` is given in `form`). */
export async function post(app: FastifyInstance, v: Visitor, url: string, form: Record<string, string | string[]> = {}, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams();
  if (!("_csrf" in form)) body.append("_csrf", v.csrf);
  for (const [k, x] of Object.entries(form)) for (const one of Array.isArray(x) ? x : [x]) body.append(k, one);
  const res = await app.inject({
    method: "POST",
    url,
    payload: body.toString(),
    // What a browser sends with a form from one of the site's own pages.
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin", cookie: cookieHeader(v), ...headers },
    remoteAddress: v.ip,
  });
  keepCookies(v, res);
  return res;
}

/** A new anonymous visitor holding the sign-in page's pre-session cookie and token. */
export async function anonymous(app: FastifyInstance, ip = "127.0.0.1"): Promise<Visitor> {
  const v: Visitor = { cookies: {}, csrf: "", ip };
  await visit(app, v, "/sign-in");
  return v;
}

/** Sign in through the form; `csrfPage` is any page that carries a form for a signed-in user. */
export async function signIn(app: FastifyInstance, username: string, password: string, opts: { ip?: string; csrfPage?: string } = {}): Promise<Visitor> {
  const v = await anonymous(app, opts.ip);
  const res = await post(app, v, "/sign-in", { username, password });
  assert.equal(res.statusCode, 303, `sign-in as ${username}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  await visit(app, v, opts.csrfPage ?? "/");
  return v;
}

/**
 * Sign in through the form of a running `lantern serve` over HTTP, as a browser would (the sign-in
 * page's cookie and CSRF token, then the post); returns the session cookie as `name=value`.
 */
export async function signInOverHttp(base: string, username: string, password: string): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const pre = (form.headers.get("set-cookie") ?? "").split(";")[0]!;
  const token = csrfIn(await form.text()) ?? "";
  const res = await fetch(`${base}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: pre, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: token, username, password, next: "/" }).toString(),
  });
  assert.equal(res.status, 303, `sign-in as ${username} at ${base}`);
  const session = res.headers.getSetCookie().find((c) => c.startsWith("lantern_session="));
  assert.ok(session, "a session cookie was set");
  return session.split(";")[0]!;
}

/** One row of the access table. */
export interface RouteCase {
  readonly method: "GET" | "POST";
  readonly url: string;
  /** Roles that may use the route; add "anonymous" for public routes. */
  readonly allowed: readonly (Role | "anonymous")[];
  /** Form fields for a POST (the CSRF token is added). */
  readonly form?: Record<string, string | string[]>;
  /** The route ends the session (sign-out): use a fresh one for it. */
  readonly endsSession?: boolean;
}

/** Who to test as: a way to get a signed-in visitor for each role. */
export type Principals = Readonly<Record<Role, () => Promise<Visitor>>>;

/** The outcome of one request, in words, for the failure message. */
function outcome(res: LightMyRequestResponse): string {
  const loc = res.headers.location;
  return `${res.statusCode}${loc ? ` -> ${loc}` : ""}`;
}

/** Check every route against anonymous and every role; fails listing every wrong outcome. */
export async function assertRouteAccess(app: FastifyInstance, routes: readonly RouteCase[], principals: Principals): Promise<{ checked: number }> {
  const roles = Object.keys(principals) as Role[];
  const visitors = new Map<string, Visitor>();
  const wrong: string[] = [];
  let checked = 0;
  for (const r of routes) {
    for (const who of ["anonymous", ...roles] as const) {
      let v: Visitor;
      if (who === "anonymous") v = await anonymous(app);
      else if (r.endsSession || !visitors.has(who)) {
        v = await principals[who]();
        if (!r.endsSession) visitors.set(who, v);
      } else v = visitors.get(who)!;
      const res = r.method === "GET" ? await visit(app, v, r.url) : await post(app, v, r.url, r.form ?? {});
      checked++;
      const allowed = r.allowed.includes(who);
      const toSignIn = (res.statusCode === 302 || res.statusCode === 303) && /^\/sign-in(\?|$)/.test(String(res.headers.location ?? ""));
      const refused = res.statusCode === 401 || res.statusCode === 403 || (toSignIn && r.url !== "/sign-out");
      let ok: boolean;
      if (allowed) ok = !refused;
      else if (who === "anonymous") ok = r.method === "GET" ? toSignIn : res.statusCode === 401;
      else ok = res.statusCode === 403;
      if (!ok) wrong.push(`${r.method} ${r.url} as ${who}: ${allowed ? "should be allowed" : "should be refused"}, got ${outcome(res)}`);
    }
  }
  assert.deepEqual(wrong, [], `access table:\n${wrong.join("\n")}`);
  return { checked };
}
