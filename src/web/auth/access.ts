/**
 * @module
 * Who may do what: the server-side checks pages call. `requireRole` is a Fastify preHandler (an
 * anonymous browser is sent to sign in, a signed-in user without the role gets a 403 page) and
 * `canSeeChildLevel` answers whether a user may see the children behind a figure in an area.
 * Hiding a link is not access control: every route that shows or changes anything uses these.
 */

import type { FastifyReply, FastifyRequest } from "fastify";
import { html, page } from "./html.ts";
import type { Role, SessionUser } from "./types.ts";

/**
 * A local path to return to after sign-in, fit for a Location header; anything else becomes `/`.
 * Browsers strip tabs and newlines from a URL and read `\` as `/`, so `/<tab>/evil.example` or
 * `/\evil.example` would leave the site: only a plain path is kept (one leading `/`, no
 * whitespace, control character or backslash anywhere). Characters outside ASCII are
 * percent-encoded, as a header cannot carry them raw; `%` escapes already present are kept.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > 512) return "/";
  if (!next.startsWith("/") || next.startsWith("//")) return "/";
  // \s covers Unicode spaces and the line and paragraph separators; Cc, Cf and Cs are control
  // characters, invisible format characters (such as direction overrides) and lone surrogates.
  if (/[\s\\\p{Cc}\p{Cf}\p{Cs}]/u.test(next)) return "/";
  const encoded = next.replace(/[^\x21-\x7e]+/gu, (s) => encodeURIComponent(s));
  return encoded.length > 2048 ? "/" : encoded;
}

/** Send a visitor without a session to the sign-in page (a GET) or a 401 (a form post or anything else). */
export function sendToSignIn(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (request.method === "GET" || request.method === "HEAD") {
    return reply.redirect(`/sign-in?next=${encodeURIComponent(safeNext(request.url))}`, 303);
  }
  return reply
    .code(401)
    .type("text/html; charset=utf-8")
    .send(page("Sign in", html`<h1 class="govuk-heading-l">Sign in</h1><p class="govuk-body">You need to <a class="govuk-link" href="/sign-in">sign in</a> first.</p>`, request));
}

/** The 403 page. */
export function sendForbidden(request: FastifyRequest, reply: FastifyReply, why = "Your role does not allow you to see this page."): FastifyReply {
  return reply
    .code(403)
    .type("text/html; charset=utf-8")
    .send(
      page(
        "You cannot see this page",
        html`<h1 class="govuk-heading-l">You cannot see this page</h1><p class="govuk-body">${why}</p><p class="govuk-body"><a class="govuk-link" href="/">Go to the dashboard</a></p>`,
        request,
      ),
    );
}

/** A preHandler letting through only signed-in users holding one of `roles`. */
export function requireRole(...roles: Role[]) {
  const allowed = new Set<Role>(roles);
  return async function requireRoleHandler(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!request.user) {
      await sendToSignIn(request, reply);
      return;
    }
    if (!allowed.has(request.user.role)) await sendForbidden(request, reply);
  };
}

/** May `user` see child-level records in `area`? admin and analyst: every area; manager: the areas granted; member: never. */
export function canSeeChildLevel(user: SessionUser | null, area: string): boolean {
  if (!user) return false;
  switch (user.role) {
    case "admin":
    case "analyst":
      return true;
    case "manager":
      return user.areas.includes(area);
    default:
      return false;
  }
}
