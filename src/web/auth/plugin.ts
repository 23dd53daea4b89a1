/**
 * @module
 * The Fastify plugin that puts sign-in, sessions, CSRF protection and security headers in front
 * of every route. It decorates `request.user` (the {@link SessionUser} or null) and
 * `request.csrfToken()`, refuses every non-GET/HEAD/OPTIONS request whose CSRF token (form field
 * `_csrf` or header `x-csrf-token`; for multipart uploads, whose body is streamed, the header or
 * a `_csrf` query parameter, or else the form's `_csrf` field, which a route marked
 * `config: { csrfInForm: true }` checks itself before it writes a byte) does not match, sets a strict Content-Security-Policy with no inline
 * script, and registers the routes this module owns: sign-in and sign-out, single sign-on, and the
 * admin pages for users and the audit log. Pages use `requireRole` and `canSeeChildLevel` from
 * `access.ts`; the server enforces every rule.
 */

import { randomBytes } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Store } from "../../store/port.ts";
import { adminRoutes } from "./admin.ts";
import { sendForbidden } from "./access.ts";
import { checkCsrf, csrfTokenFor } from "./csrf.ts";
import { page } from "./html.ts";
import type { LoginPolicy } from "./login.ts";
import { OidcClient, type OidcOptions } from "./oidc.ts";
import { DEFAULT_SESSION_POLICY, type SessionPolicy, validateSession } from "./sessions.ts";
import { leftOver, sessionEndedBody } from "./session-ended.ts";
import { signInRoutes } from "./sign-in.ts";
import type { SessionUser } from "./types.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * A multipart route that reads the form's `_csrf` field itself, before it writes anything,
     * when the request carries no token in the header or the address (see `uploadCsrf`).
     */
    csrfInForm?: boolean;
  }
  interface FastifyRequest {
    /** The signed-in user, or null. */
    user: SessionUser | null;
    /** The CSRF token every form on the page must carry as `_csrf`. */
    csrfToken(): string;
  }
}

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  readonly store: Store;
  /** Secure cookies with the `__Host-` prefix (default true); turn off only for plain-http localhost. */
  readonly secureCookies?: boolean;
  readonly oidc?: OidcOptions;
  readonly sessionPolicy?: SessionPolicy;
  readonly loginPolicy?: LoginPolicy;
  /** In-memory limits on failed POST /sign-in attempts (default 30 per address and 10 per account name per 15 minutes; a successful sign-in is not counted). */
  readonly rateLimit?: { readonly perIp: number; readonly perAccount: number; readonly windowMs: number };
  /** Key for CSRF tokens and the sign-on cookie; random per process by default. */
  readonly secret?: Buffer;
  /** The clock (tests). */
  readonly now?: () => Date;
}

/** What the plugin's routes share. */
export interface AuthContext {
  readonly store: Store;
  readonly secret: Buffer;
  readonly now: () => Date;
  readonly cookies: { readonly session: string; readonly pre: string; readonly oidc: string; readonly options: { path: string; httpOnly: true; sameSite: "lax"; secure: boolean } };
  readonly sessionPolicy: SessionPolicy;
  readonly loginPolicy: LoginPolicy | undefined;
  readonly rateLimit: { readonly perIp: number; readonly perAccount: number; readonly windowMs: number };
  readonly oidc: OidcClient | null;
  /** The SHA-256 of the request's session token, when it has a valid session. */
  sessionHash(request: FastifyRequest): string | null;
}

/** The Content-Security-Policy every response carries: nothing from another host, no inline script. */
export function cspDirectives(secure: boolean): Record<string, string[] | null> {
  return {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "script-src-attr": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "upgrade-insecure-requests": secure ? [] : null,
  };
}

interface RequestState {
  sessionHash: string | null;
  pre: string | null;
  newPre: boolean;
  /** A CSRF token was put on the page. */
  issued: boolean;
  /** When the session ends unless used again (epoch ms). */
  endsAt?: number;
  /** The session ends at its absolute lifetime, not for want of use (so staying cannot extend it). */
  endsAtMaximum?: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

async function plugin(app: FastifyInstance, opts: AuthPluginOptions): Promise<void> {
  const secure = opts.secureCookies ?? true;
  const prefix = secure ? "__Host-" : "";
  const states = new WeakMap<FastifyRequest, RequestState>();
  const ctx: AuthContext = {
    store: opts.store,
    secret: opts.secret ?? randomBytes(32),
    now: opts.now ?? (() => new Date()),
    cookies: { session: `${prefix}lantern_session`, pre: `${prefix}lantern_pre`, oidc: `${prefix}lantern_sso`, options: { path: "/", httpOnly: true, sameSite: "lax", secure } },
    sessionPolicy: opts.sessionPolicy ?? DEFAULT_SESSION_POLICY,
    loginPolicy: opts.loginPolicy,
    rateLimit: opts.rateLimit ?? { perIp: 30, perAccount: 10, windowMs: 15 * 60_000 },
    oidc: opts.oidc ? new OidcClient(opts.oidc) : null,
    sessionHash: (r) => states.get(r)?.sessionHash ?? null,
  };

  // The shared server may register these itself; register each only once.
  if (!app.hasRequestDecorator("cookies")) await app.register(fastifyCookie);
  if (!app.hasContentTypeParser("application/x-www-form-urlencoded")) await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  if (!app.hasDecorator("rateLimit")) await app.register(fastifyRateLimit, { global: false });
  if (!app.hasReplyDecorator("helmet")) {
    await app.register(fastifyHelmet, {
      contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(secure) },
      strictTransportSecurity: secure ? { maxAge: 31536000, includeSubDomains: true } : false,
      crossOriginEmbedderPolicy: false,
    });
  }

  app.decorateRequest("user", null);
  app.decorateRequest("csrfToken", function csrfToken(this: FastifyRequest): string {
    let s = states.get(this);
    if (!s) {
      s = { sessionHash: null, pre: null, newPre: false, issued: false };
      states.set(this, s);
    }
    s.issued = true;
    if (s.sessionHash) return csrfTokenFor(ctx.secret, s.sessionHash);
    if (!s.pre) {
      s.pre = randomBytes(32).toString("base64url");
      s.newPre = true;
    }
    return csrfTokenFor(ctx.secret, `pre:${s.pre}`);
  });

  app.addHook("onRequest", async (request) => {
    const s: RequestState = { sessionHash: null, pre: null, newPre: false, issued: false };
    states.set(request, s);
    request.user = null;
    const pre = request.cookies[ctx.cookies.pre];
    if (pre && /^[A-Za-z0-9_-]{43}$/.test(pre)) s.pre = pre;
    const token = request.cookies[ctx.cookies.session];
    if (!token) return;
    // Asking how long a session has left does not use it (the warning script asks by itself);
    // only "Stay signed in" (`?stay=1`) does, as any other request would.
    const peek = request.method === "GET" && request.url.split("?")[0] === "/auth/session" && !/[?&]stay=1(&|$)/.test(request.url);
    const found = await validateSession(ctx.store, token, ctx.now(), ctx.sessionPolicy, { peek });
    if (found) {
      request.user = found.user;
      s.sessionHash = found.tokenHash;
      s.endsAt = found.endsAt;
      s.endsAtMaximum = found.endsAtMaximum;
    }
  });

  app.addHook("preValidation", async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    const s = states.get(request);
    const binding = s?.sessionHash ?? (s?.pre ? `pre:${s.pre}` : null);
    const header = request.headers["x-csrf-token"];
    const body = request.body as Record<string, unknown> | null | undefined;
    let token: unknown = typeof header === "string" ? header : body && typeof body === "object" ? body["_csrf"] : undefined;
    if (token === undefined && /^multipart\/form-data/i.test(request.headers["content-type"] ?? "")) token = (request.query as Record<string, unknown> | undefined)?.["_csrf"];
    const origin = request.headers.origin;
    // The host an Origin header names; none for no header or an opaque origin ("null").
    const originHost = typeof origin === "string" && origin !== "null" ? new URL(origin, "http://x").host : undefined;
    const crossSite = originHost !== undefined && originHost !== request.headers.host;
    if (crossSite) {
      await sendForbidden(request, reply, "This form did not come from Lantern, so it was not accepted.");
      return reply;
    }
    // An upload whose token is only in its streamed form: the route checks it before writing a byte.
    const multipartBody = /^multipart\/form-data/i.test(request.headers["content-type"] ?? "");
    if (token === undefined && multipartBody && request.routeOptions.config?.csrfInForm === true) return;
    if (!checkCsrf(ctx.secret, binding, token)) {
      // Nothing is saved either way. A form of Lantern's own whose session has ended (or that was
      // opened before the visitor last signed in) is shown back, so what was typed is not lost;
      // signing in and out keep the plain refusal.
      if (request.url.startsWith("/sign-in") || request.url.startsWith("/sign-out")) {
        await sendForbidden(request, reply, "This form has expired or did not come from Lantern. Go back, reload the page and try again.");
        return reply;
      }
      // Shown back only to a form sent from a Lantern page (the browser says so: Sec-Fetch-Site,
      // or an Origin naming this host; "null" is an opaque origin, not this one) by a visitor who
      // had a session: any other page could otherwise have Lantern display words of its choosing.
      const fetchSite = request.headers["sec-fetch-site"];
      const sameOrigin = fetchSite === "same-origin" || (fetchSite === undefined && originHost !== undefined && originHost === request.headers.host);
      if (!sameOrigin || !request.cookies[ctx.cookies.session]) {
        await sendForbidden(request, reply, "This form has expired or did not come from Lantern. Go back, reload the page and try again.");
        return reply;
      }
      const multipart = /^multipart\/form-data/i.test(request.headers["content-type"] ?? "");
      const signedIn = request.user !== null;
      const title = signedIn ? "This form has expired" : "Your session has ended";
      reply
        .code(signedIn ? 403 : 401)
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(page(title, sessionEndedBody(leftOver(request.url, request.body, multipart), signedIn, Math.round(ctx.sessionPolicy.idleMs / 60_000)), request));
      return reply;
    }
  });

  app.addHook("onSend", async (request, reply: FastifyReply, payload) => {
    const s = states.get(request);
    if (s?.newPre && s.pre && !s.sessionHash) reply.setCookie(ctx.cookies.pre, s.pre, { ...ctx.cookies.options, maxAge: 12 * 3600 });
    // Pages shown to a signed-in user, and pages carrying a form token, are never stored by any cache.
    if ((request.user || s?.issued) && /^text\/html/.test(String(reply.getHeader("content-type") ?? ""))) reply.header("cache-control", "no-store");
    return payload;
  });

  // For the warning script on pages with forms (assets/session.js): how long the session has
  // left, and whether it ends for want of use ("idle") or at the most a session may last
  // ("maximum", which "Stay signed in" cannot put off). Asking with ?stay=1 is a use of it.
  app.get("/auth/session", async (request, reply) => {
    const st = states.get(request);
    const endsAt = st?.endsAt;
    return reply
      .header("cache-control", "no-store")
      .send(
        request.user && endsAt
          ? { signedIn: true, endsInSeconds: Math.max(0, Math.floor((endsAt - ctx.now().getTime()) / 1000)), ends: st?.endsAtMaximum ? "maximum" : "idle" }
          : { signedIn: false },
      );
  });

  await signInRoutes(app, ctx);
  await adminRoutes(app, ctx);
}

/** The plugin (not encapsulated: its decorations and hooks apply to every route of the server). */
export const authPlugin = fp(plugin, { name: "lantern-auth", fastify: "5.x" });
