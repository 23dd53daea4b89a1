/**
 * @module
 * The sign-in routes: GET/POST /sign-in (local accounts), POST /sign-out, and the single sign-on
 * pair GET /auth/oidc/start and GET /auth/oidc/callback. Failed attempts at POST /sign-in are
 * limited per address and per account name (in memory, `@fastify/rate-limit`'s manual limiter:
 * peeked before an attempt with `{ increment: false }` and counted only when it fails, so people
 * signing in successfully are never held back) on top of the lockout and ceilings kept in the
 * store (`login.ts`). A refusal is a page saying when to try again (JSON for a client asking for
 * JSON). A new session token is issued at every sign-in, so a token planted before sign-in is
 * worthless after it.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isLanternError } from "../../core/errors.ts";
import { auditEvent } from "../../store/audit.ts";
import { safeNext } from "./access.ts";
import { seal, unseal } from "./csrf.ts";
import { errorSummary, fieldErrorMessage } from "../layout.ts";
import { type Html, html, page } from "./html.ts";
import { authenticate } from "./login.ts";
import { userFromClaims, type OidcPending } from "./oidc.ts";
import type { AuthContext } from "./plugin.ts";
import { createSession, revokeSession } from "./sessions.ts";
import type { SessionUser } from "./types.ts";

const BODY_LIMIT = 16 * 1024;

function field(body: unknown, name: string, max: number): string {
  const v = body && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === "string" ? v.slice(0, max) : "";
}

/** A mistake in the sign-in form, shown in the error summary and beside its field. */
type FieldError = { readonly field: "username" | "password"; readonly text: string };

function signInPage(ctx: AuthContext, request: FastifyRequest, next: string, errors: readonly FieldError[], username = ""): string {
  const errorBox: Html | string = errors.length
    ? errorSummary(
        "There is a problem",
        errors.map((e) => html`<a href="#${e.field}">${e.text}</a>`),
      )
    : "";
  const sso = ctx.oidc
    ? html`<h2 class="govuk-heading-m">Or</h2><p class="govuk-body"><a class="govuk-button govuk-button--secondary" href="/auth/oidc/start?next=${encodeURIComponent(next)}">${ctx.oidc.options.label ?? "Sign in with your organisation's account"}</a></p>`
    : "";
  const errorOf = (f: FieldError["field"]) => errors.find((e) => e.field === f);
  const group = (f: FieldError["field"], label: string, input: (cls: string, describedBy: Html | string) => Html) => {
    const e = errorOf(f);
    return html`<div class="govuk-form-group${e ? " govuk-form-group--error" : ""}">
          <label class="govuk-label" for="${f}">${label}</label>
          ${fieldErrorMessage(f, e?.text)}
          ${input(`govuk-input${e ? " govuk-input--error" : ""} govuk-!-width-one-half`, e ? html` aria-describedby="${f}-error"` : "")}
        </div>`;
  };
  return page(
    errors.length ? "Error: Sign in" : "Sign in",
    html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      ${errorBox}
      <h1 class="govuk-heading-l">Sign in to Lantern</h1>
      <form method="post" action="/sign-in" novalidate>
        <input type="hidden" name="_csrf" value="${request.csrfToken()}">
        <input type="hidden" name="next" value="${next}">
        ${group("username", "User name", (cls, d) => html`<input class="${cls}" id="username" name="username" type="text" autocomplete="username" spellcheck="false" maxlength="64" value="${username}"${d}>`)}
        ${group("password", "Password", (cls, d) => html`<input class="${cls}" id="password" name="password" type="password" autocomplete="current-password" maxlength="256"${d}>`)}
        <button type="submit" class="govuk-button" data-module="govuk-button">Sign in</button>
      </form>
      ${sso}
    </div></div>`,
    request,
    "/sign-in",
  );
}

async function startSession(ctx: AuthContext, request: FastifyRequest, reply: FastifyReply, user: SessionUser, method: string): Promise<void> {
  const old = ctx.sessionHash(request);
  if (old) await revokeSession(ctx.store, old, ctx.now());
  const token = await createSession(ctx.store, user.id, request.ip, ctx.now(), ctx.sessionPolicy);
  reply.setCookie(ctx.cookies.session, token, { ...ctx.cookies.options, maxAge: Math.floor(ctx.sessionPolicy.absoluteMs / 1000) });
  reply.clearCookie(ctx.cookies.pre, ctx.cookies.options);
  await auditEvent(ctx.store, { actor: user.username, action: "auth.sign_in", target: user.username, detail: { ip: request.ip, method, role: user.role } }, ctx.now);
}

type ManualLimiter = ReturnType<FastifyInstance["createRateLimit"]>;

/**
 * A limit on failed attempts over `@fastify/rate-limit`'s manual limiter: the count is peeked
 * before an attempt (`{ increment: false }`, the library's way of counting only some outcomes)
 * and incremented only when the attempt fails. Attempts under way are reserved against the limit,
 * so many sent at once cannot all pass the peek before the first failure is counted.
 */
class FailureLimit {
  private readonly underWay = new Map<string, number>();
  private readonly limiter: ManualLimiter;
  constructor(limiter: ManualLimiter) {
    this.limiter = limiter;
  }

  /** Seconds to wait before another attempt is allowed, or null if one is allowed now. */
  async waitFor(request: FastifyRequest): Promise<number | null> {
    return (await this.peek(request)).wait;
  }

  /** Start an attempt: its key (pass it to `end`), or the seconds to wait. */
  async begin(request: FastifyRequest): Promise<{ key: string } | { wait: number }> {
    const p = await this.peek(request);
    if (p.wait !== null) return { wait: p.wait };
    this.underWay.set(p.key, p.busy + 1);
    return { key: p.key };
  }

  /** The request's key and attempts under way, and the seconds to wait when those and the failures counted use up the limit (else null). */
  private async peek(request: FastifyRequest): Promise<{ key: string; busy: number; wait: number | null }> {
    const r = await this.limiter(request, { increment: false });
    const busy = this.underWay.get(r.key) ?? 0;
    return { key: r.key, busy, wait: r.isAllowed || r.remaining - busy > 0 ? null : Math.max(1, r.ttlInSeconds) };
  }

  /** End an attempt; with `failed` (the request) it is counted. */
  async end(key: string, failed?: FastifyRequest): Promise<void> {
    try {
      if (failed) await this.limiter(failed);
    } finally {
      const n = (this.underWay.get(key) ?? 1) - 1;
      if (n > 0) this.underWay.set(key, n);
      else this.underWay.delete(key);
    }
  }
}

/** Whether a client asks for JSON rather than a page (an `Accept` naming JSON and not HTML). */
function wantsJson(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? "");
  return /\bapplication\/(?:[\w.+-]*\+)?json\b/i.test(accept) && !/\btext\/html\b/i.test(accept);
}

/** "1 minute", "15 minutes": a wait in seconds, rounded up to whole minutes. */
function minutes(seconds: number): string {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return `${m} minute${m === 1 ? "" : "s"}`;
}

/**
 * The 429 answer to a sign-in over its limit: a page like the other refusals (title, heading,
 * what happened and when to try again) with `Retry-After`; JSON for a client asking for JSON.
 */
function tooManyAttempts(request: FastifyRequest, reply: FastifyReply, by: "address" | "account" | "sso", waitSeconds: number): FastifyReply {
  reply.code(429).header("retry-after", String(waitSeconds));
  const what = by === "sso" ? "There have been too many requests to sign in with single sign-on from this address" : `There have been too many unsuccessful attempts to sign in ${by === "address" ? "from this address" : "to this account"}`;
  if (wantsJson(request)) {
    return reply.type("application/json; charset=utf-8").send({ statusCode: 429, error: "Too Many Requests", message: `${what}. Try again in ${minutes(waitSeconds)}.`, retryAfter: waitSeconds });
  }
  const title = "Too many attempts to sign in";
  return reply.type("text/html; charset=utf-8").send(
    page(
      title,
      html`<h1 class="govuk-heading-l">${title}</h1>
<p class="govuk-body">${what}, so signing in is paused for a while to keep accounts safe.</p>
<p class="govuk-body">Try again in ${minutes(waitSeconds)}. If you have forgotten your password, ask an administrator to reset it.</p>
<p class="govuk-body"><a class="govuk-link" href="/sign-in">Go to the sign-in page</a></p>`,
      request,
    ),
  );
}

/** Register the sign-in, sign-out and single sign-on routes. */
export async function signInRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  // Failed password sign-ins, per address and per account name (the posted user name).
  const perIp = new FailureLimit(app.createRateLimit({ max: ctx.rateLimit.perIp, timeWindow: ctx.rateLimit.windowMs, keyGenerator: (r) => `ip:${r.ip}` }));
  const perAccount = new FailureLimit(
    app.createRateLimit({ max: ctx.rateLimit.perAccount, timeWindow: ctx.rateLimit.windowMs, keyGenerator: (r) => `account:${field(r.body, "username", 64).trim().toLowerCase()}` }),
  );
  // Single sign-on takes two requests (start and callback) per sign-in, each counted, apart from passwords.
  const ssoLimit = app.createRateLimit({ max: ctx.rateLimit.perIp * 2, timeWindow: ctx.rateLimit.windowMs, keyGenerator: (r) => `sso:${r.ip}` });
  const ssoPerIp = async (request: FastifyRequest, reply: FastifyReply) => {
    const r = await ssoLimit(request);
    if (!r.isAllowed && r.isExceeded) await tooManyAttempts(request, reply, "sso", Math.max(1, r.ttlInSeconds));
  };
  // An address already over its limit is refused before its body is read.
  const refuseEarly = async (request: FastifyRequest, reply: FastifyReply) => {
    const wait = await perIp.waitFor(request);
    if (wait !== null) await tooManyAttempts(request, reply, "address", wait);
  };

  app.get("/sign-in", async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>)["next"]);
    if (request.user) return reply.redirect(next, 303);
    return reply.type("text/html; charset=utf-8").send(signInPage(ctx, request, next, []));
  });

  app.post("/sign-in", { bodyLimit: BODY_LIMIT, onRequest: refuseEarly }, async (request, reply) => {
    const username = field(request.body, "username", 64);
    const password = field(request.body, "password", 257);
    const next = safeNext(field(request.body, "next", 512));
    // A field left blank is a mistake in the form, not a guess: said beside the field, and not
    // counted against the limits (nothing is checked against an account).
    const blank: FieldError[] = [
      ...(username.trim() ? [] : [{ field: "username", text: "Enter your user name" } as const]),
      ...(password ? [] : [{ field: "password", text: "Enter your password" } as const]),
    ];
    if (blank.length) return reply.code(400).type("text/html; charset=utf-8").send(signInPage(ctx, request, next, blank, username));
    const ip = await perIp.begin(request);
    if ("wait" in ip) return tooManyAttempts(request, reply, "address", ip.wait);
    const account = await perAccount.begin(request);
    if ("wait" in account) {
      await perIp.end(ip.key);
      return tooManyAttempts(request, reply, "account", account.wait);
    }
    let result: Awaited<ReturnType<typeof authenticate>> | undefined;
    try {
      result = await authenticate(ctx.store, username, password, request.ip, ctx.now(), ctx.loginPolicy);
    } finally {
      // Only a failure counts (an error counts as one too).
      const failed = !result?.ok;
      await Promise.all([perIp.end(ip.key, failed ? request : undefined), perAccount.end(account.key, failed ? request : undefined)]);
    }
    if (!result.ok) {
      const message =
        result.reason === "invalid"
          ? "The user name or password is not right."
          : "Too many attempts to sign in to this account. Wait 15 minutes and try again, or ask an administrator to reset the password.";
      return reply
        .code(result.reason === "invalid" ? 401 : 429)
        .type("text/html; charset=utf-8")
        .send(signInPage(ctx, request, next, [{ field: "username", text: message }], username));
    }
    await startSession(ctx, request, reply, result.user, "password");
    return reply.redirect(next, 303);
  });

  app.post("/sign-out", { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const h = ctx.sessionHash(request);
    if (h && request.user) {
      await revokeSession(ctx.store, h, ctx.now());
      await auditEvent(ctx.store, { actor: request.user.username, action: "auth.sign_out", target: request.user.username, detail: { ip: request.ip } }, ctx.now);
    }
    reply.clearCookie(ctx.cookies.session, ctx.cookies.options);
    return reply.redirect("/sign-in", 303);
  });

  const ssoFailed = (reply: FastifyReply, request: FastifyRequest, why: string) =>
    reply
      .code(401)
      .type("text/html; charset=utf-8")
      .send(page("Single sign-on did not work", html`<h1 class="govuk-heading-l">Single sign-on did not work</h1><p class="govuk-body">${why}</p><p class="govuk-body"><a class="govuk-link" href="/sign-in">Back to sign in</a></p>`, request));

  app.get("/auth/oidc/start", { onRequest: ssoPerIp }, async (request, reply) => {
    if (!ctx.oidc) return reply.code(404).type("text/html; charset=utf-8").send(page("Not found", html`<h1 class="govuk-heading-l">Single sign-on is not set up</h1>`, request));
    const next = safeNext((request.query as Record<string, unknown>)["next"]);
    const { url, pending } = await ctx.oidc.start(next, ctx.now());
    reply.setCookie(ctx.cookies.oidc, seal(ctx.secret, "oidc", pending), { ...ctx.cookies.options, maxAge: 600 });
    return reply.redirect(url, 303);
  });

  app.get("/auth/oidc/callback", { onRequest: ssoPerIp }, async (request, reply) => {
    if (!ctx.oidc) return reply.code(404).type("text/html; charset=utf-8").send(page("Not found", html`<h1 class="govuk-heading-l">Single sign-on is not set up</h1>`, request));
    const pending = unseal(ctx.secret, "oidc", request.cookies[ctx.cookies.oidc]) as OidcPending | null;
    reply.clearCookie(ctx.cookies.oidc, ctx.cookies.options);
    if (!pending || typeof pending.verifier !== "string" || pending.expires < ctx.now().getTime()) {
      await auditEvent(ctx.store, { actor: "anonymous", action: "auth.sso_failed", detail: { ip: request.ip, reason: "no or expired sign-on state" } }, ctx.now);
      return ssoFailed(reply, request, "The sign-on took too long or was started in another browser. Start again.");
    }
    const query = request.url.includes("?") ? request.url.slice(request.url.indexOf("?")) : "";
    let user: SessionUser;
    try {
      const claims = await ctx.oidc.finish(query, pending);
      user = await userFromClaims(ctx.store, ctx.oidc.options, claims, ctx.now);
    } catch (e) {
      const reason = isLanternError(e) ? e.message : e instanceof Error ? e.message : String(e);
      await auditEvent(ctx.store, { actor: "anonymous", action: "auth.sso_failed", detail: { ip: request.ip, reason: reason.slice(0, 300) } }, ctx.now);
      return ssoFailed(reply, request, isLanternError(e) ? `${e.message}${e.hint ? ` ${e.hint}` : ""}` : "The identity provider's answer could not be checked.");
    }
    await startSession(ctx, request, reply, user, "sso");
    return reply.redirect(safeNext(pending.next), 303);
  });
}
