/**
 * @module
 * The sign-in and admin pages use the same escaping and page frame as every other page: `html`
 * escapes each interpolated value unless it is already {@link Html}, so text from users, claims
 * or the audit log can never become markup, and `page()` wraps a body in the shared layout
 * (src/web/layout.ts) with the navigation and the sign-out form for whoever is signed in.
 */

import type { FastifyRequest } from "fastify";
import type { Html } from "../html.ts";
import { page as layout } from "../layout.ts";

export { escapeHtml, Html, html } from "../html.ts";

/** A whole HTML document in the house layout, for the request's user (if any). */
export function page(title: string, body: Html, request?: FastifyRequest, section = ""): string {
  const user = request?.user ?? null;
  return layout({ title, user, section, body, ...(user && request ? { csrf: request.csrfToken() } : {}) });
}
