/**
 * @module
 * The admin pages: GET/POST /admin/users (create, change role and areas, disable or enable,
 * reset password) and GET /admin/audit (the audit log, filtered by user, action and date range,
 * paginated, with a check of the hash chain on request). Admins only. An admin cannot demote or
 * disable themselves, so the last admin cannot lock everyone out by accident; asking for the
 * status a user already has (enable an active user) changes nothing and ends no session.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isLanternError } from "../../core/errors.ts";
import { AREAS } from "../../kpi/types.ts";
import { isIsoDate } from "../../analysis/spc.ts";
import { auditActions, listAudit, verifyAuditChain } from "../../store/audit.ts";
import { requireRole } from "./access.ts";
import { errorSummary, fieldErrorMessage } from "../layout.ts";
import { type Html, html, page } from "./html.ts";
import type { AuthContext } from "./plugin.ts";
import { PASSWORD_RULE } from "./password-policy.ts";
import { createUser, listUsers, sessionsEndedInWords, setDisabled, setPassword, setRole } from "./users.ts";
import { ROLES } from "./types.ts";

const BODY_LIMIT = 16 * 1024;
const PAGE_SIZE = 50;

function str(obj: unknown, name: string, max: number): string {
  const v = obj && typeof obj === "object" ? (obj as Record<string, unknown>)[name] : undefined;
  return typeof v === "string" ? v.slice(0, max) : "";
}

function strs(obj: unknown, name: string): string[] {
  const v = obj && typeof obj === "object" ? (obj as Record<string, unknown>)[name] : undefined;
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all.filter((x): x is string => typeof x === "string").slice(0, 20).map((x) => x.slice(0, 40));
}

function send(request: FastifyRequest, reply: FastifyReply, title: string, body: Html, code = 200): FastifyReply {
  return reply
    .code(code)
    .type("text/html; charset=utf-8")
    .send(page(title, body, request, request.url.startsWith("/admin/audit") ? "/admin/audit" : "/admin/users"));
}

/**
 * A form on the page that was refused: which (the add form, or one user's change form), the field
 * at fault (by name: username, displayName, role, areas, password; none for the disable button),
 * the message, and what was typed in it, to show again (never a password).
 */
interface Refused {
  readonly op: string;
  /** The user whose form it was (not for the add form). */
  readonly username: string;
  readonly field: string | null;
  readonly message: string;
  readonly entered: { readonly username?: string; readonly displayName?: string; readonly role?: string; readonly areas?: readonly string[] };
}

/** The field an error of users.ts or the password policy is about, by its code. */
function fieldOf(code: string): string | null {
  switch (code) {
    case "LANTERN_AUTH_BAD_USERNAME":
    case "LANTERN_AUTH_USER_EXISTS":
      return "username";
    case "LANTERN_AUTH_BAD_ROLE":
      return "role";
    case "LANTERN_AUTH_BAD_AREA":
      return "areas";
    case "LANTERN_AUTH_WEAK_PASSWORD":
      return "password";
    default:
      return null;
  }
}

/** The attribute naming a field's hint and error message. */
const describedBy = (ids: readonly (string | false | undefined)[]): Html | string => {
  const list = ids.filter(Boolean).join(" ");
  return list ? html` aria-describedby="${list}"` : "";
};
const groupClass = (error: unknown) => `govuk-form-group${error ? " govuk-form-group--error" : ""}`;

function areaBoxes(prefix: string, checked: readonly string[], error?: string): Html {
  return html`<div class="${groupClass(error)}"><fieldset class="govuk-fieldset"${describedBy([error && `${prefix}-areas-error`])}><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Areas (managers only)</legend>${fieldErrorMessage(`${prefix}-areas`, error)}<div class="govuk-checkboxes govuk-checkboxes--small">${AREAS.map(
    (a) => html`<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="${prefix}-${a.id}" name="areas" type="checkbox" value="${a.id}"${checked.includes(a.id) ? html` checked` : ""}><label class="govuk-label govuk-checkboxes__label" for="${prefix}-${a.id}">${a.title}</label></div>`,
  )}</div></fieldset></div>`;
}

function roleSelect(id: string, current: string, error?: string): Html {
  return html`<select class="govuk-select${error ? " govuk-select--error" : ""}" id="${id}" name="role"${describedBy([error && `${id}-error`])}>${ROLES.map((r) => html`<option value="${r}"${r === current ? html` selected` : ""}>${r}</option>`)}</select>`;
}

/** The element a refused form's error links to. */
function errorTarget(r: Refused, rowId: string | undefined): string {
  const prefix = r.op === "create" ? "new" : rowId ?? "new";
  switch (r.field) {
    case "username":
      return "new-username";
    case "displayName":
      return "new-name";
    case "role":
      return `${prefix}-role`;
    case "areas":
      return `${prefix}-${AREAS[0]!.id}`;
    case "password":
      return r.op === "create" ? "new-password" : `${prefix}-pw`;
    default:
      return r.op === "create" ? "new-username" : r.op === "reset" ? `${prefix}-pw` : r.op === "role" ? `${prefix}-role` : `${prefix}-status`;
  }
}

async function usersPage(ctx: AuthContext, request: FastifyRequest, reply: FastifyReply, note: { ok: boolean; text: string } | null, code = 200, refused?: Refused): Promise<FastifyReply> {
  const users = await listUsers(ctx.store);
  const csrf = request.csrfToken();
  const rowOf = (username: string) => {
    const i = users.findIndex((u) => u.username === username);
    return i < 0 ? undefined : `u${i}`;
  };
  const target = refused ? errorTarget(refused, refused.op === "create" ? undefined : rowOf(refused.username)) : "";
  const banner = refused
    ? errorSummary("There is a problem", [html`<a href="#${target}">${refused.message}</a>`])
    : note
      ? note.ok
        ? html`<div class="govuk-notification-banner govuk-notification-banner--success" role="alert"><div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">${note.text}</p></div></div>`
        : html`<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert"><h2 class="govuk-error-summary__title">There is a problem</h2><div class="govuk-error-summary__body"><p class="govuk-body">${note.text}</p></div></div></div>`
      : "";
  /** The message for element `id`, when the refused form's error is about it. */
  const errorAt = (id: string) => (refused && target === id ? refused.message : undefined);
  const rows = users.map((u, i) => {
    const id = `u${i}`;
    const mine = refused && refused.op !== "create" && refused.username === u.username ? refused : undefined;
    const role = mine?.op === "role" ? (mine.entered.role ?? u.role) : u.role;
    const areas = mine?.op === "role" ? (mine.entered.areas ?? []) : u.areas;
    const pwError = errorAt(`${id}-pw`);
    const statusError = errorAt(`${id}-status`);
    return html`<tr class="govuk-table__row">
      <td class="govuk-table__cell">${u.username}</td>
      <td class="govuk-table__cell">${u.displayName}</td>
      <td class="govuk-table__cell">${u.role}${u.role === "manager" ? html`<br><span class="govuk-body-s">${u.areas.join(", ") || "no areas"}</span>` : ""}</td>
      <td class="govuk-table__cell">${u.disabled ? "disabled" : "active"}${u.oidcSubject ? html`<br><span class="govuk-body-s">single sign-on</span>` : ""}</td>
      <td class="govuk-table__cell">
        <details class="govuk-details"${mine ? html` open` : ""}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Change ${u.username}</span></summary><div class="govuk-details__text">
          <form method="post" action="/admin/users"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="op" value="role"><input type="hidden" name="username" value="${u.username}">
            <div class="${groupClass(errorAt(`${id}-role`))}"><label class="govuk-label" for="${id}-role">Role</label>${fieldErrorMessage(`${id}-role`, errorAt(`${id}-role`))}${roleSelect(`${id}-role`, role, errorAt(`${id}-role`))}</div>
            ${areaBoxes(id, areas, errorAt(`${id}-${AREAS[0]!.id}`))}
            <button class="govuk-button govuk-button--secondary" type="submit">Change role</button></form>
          <form method="post" action="/admin/users"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="op" value="reset"><input type="hidden" name="username" value="${u.username}">
            <div class="${groupClass(pwError)}"><label class="govuk-label" for="${id}-pw">New password</label><div class="govuk-hint" id="${id}-pw-hint">${PASSWORD_RULE}.</div>${fieldErrorMessage(`${id}-pw`, pwError)}<input class="govuk-input${pwError ? " govuk-input--error" : ""} govuk-!-width-one-half" id="${id}-pw" name="password" type="password" autocomplete="new-password" maxlength="256"${describedBy([`${id}-pw-hint`, pwError && `${id}-pw-error`])}></div>
            <button class="govuk-button govuk-button--secondary" type="submit">Reset password</button></form>
          <form method="post" action="/admin/users"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="op" value="${u.disabled ? "enable" : "disable"}"><input type="hidden" name="username" value="${u.username}">
            ${fieldErrorMessage(`${id}-status`, statusError)}<button class="govuk-button govuk-button--warning" type="submit" id="${id}-status"${describedBy([statusError && `${id}-status-error`])}>${u.disabled ? "Enable" : "Disable"} ${u.username}</button></form>
        </div></details>
      </td></tr>`;
  });
  const add = refused?.op === "create" ? refused.entered : {};
  const newError = (id: string) => errorAt(id);
  const input = (id: string, name: string, value: string | undefined, extra: Html) =>
    html`${fieldErrorMessage(id, newError(id))}<input class="govuk-input${newError(id) ? " govuk-input--error" : ""} govuk-!-width-one-half" id="${id}" name="${name}" type="text"${value !== undefined ? html` value="${value}"` : ""}${extra}${describedBy([newError(id) && `${id}-error`])}>`;
  return send(
    request,
    reply,
    refused ? "Error: Users and roles" : "Users and roles",
    html`${banner}<h1 class="govuk-heading-l">Users and roles</h1>
    <p class="govuk-body"><a class="govuk-link" href="/admin/audit">Audit log</a></p>
    <div class="lantern-table-wrap" tabindex="0" role="region" aria-label="Users"><table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--m">${users.length} user(s)</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">User name</th><th scope="col" class="govuk-table__header">Name</th><th scope="col" class="govuk-table__header">Role</th><th scope="col" class="govuk-table__header">Status</th><th scope="col" class="govuk-table__header">Change</th></tr></thead>
      <tbody class="govuk-table__body">${rows}</tbody></table></div>
    <h2 class="govuk-heading-m">Add a user</h2>
    <form method="post" action="/admin/users"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="op" value="create">
      <div class="${groupClass(newError("new-username"))}"><label class="govuk-label" for="new-username">User name</label>${input("new-username", "username", add.username, html` maxlength="64" spellcheck="false"`)}</div>
      <div class="${groupClass(newError("new-name"))}"><label class="govuk-label" for="new-name">Full name</label>${input("new-name", "displayName", add.displayName, html` maxlength="120"`)}</div>
      <div class="${groupClass(newError("new-role"))}"><label class="govuk-label" for="new-role">Role</label>${fieldErrorMessage("new-role", newError("new-role"))}${roleSelect("new-role", add.role ?? "member", newError("new-role"))}</div>
      ${areaBoxes("new", add.areas ?? [], newError(`new-${AREAS[0]!.id}`))}
      <div class="${groupClass(newError("new-password"))}"><label class="govuk-label" for="new-password">Password</label><div class="govuk-hint" id="new-password-hint">${PASSWORD_RULE}.</div>${fieldErrorMessage("new-password", newError("new-password"))}<input class="govuk-input${newError("new-password") ? " govuk-input--error" : ""} govuk-!-width-one-half" id="new-password" name="password" type="password" autocomplete="new-password" maxlength="256"${describedBy(["new-password-hint", newError("new-password") && "new-password-error"])}></div>
      <button class="govuk-button" type="submit">Add user</button></form>`,
    code,
  );
}

/** Register the admin routes. */
export async function adminRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  const admin = requireRole("admin");

  app.get("/admin/users", { preHandler: admin }, async (request, reply) => usersPage(ctx, request, reply, null));

  app.post("/admin/users", { preHandler: admin, bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const b = request.body;
    const op = str(b, "op", 20);
    const username = str(b, "username", 64).trim().toLowerCase();
    const actor = request.user!.username;
    // What was typed, kept for the form shown again (never the password).
    const entered = { username: str(b, "username", 64), displayName: str(b, "displayName", 120), role: str(b, "role", 20), areas: strs(b, "areas") };
    /** The form of `op` refused with `message`, about `field`; a change to one user's form names them. */
    const refuse = (message: string, field: string | null) => {
      const whose =
        op === "reset" ? `The password of ${username} was not reset: ` : op === "role" ? `The role of ${username} was not changed: ` : op === "disable" || op === "enable" ? `${username} was not ${op}d: ` : "The user was not added: ";
      return usersPage(ctx, request, reply, null, 400, { op, username, field, message: `${whose}${message}`, entered });
    };
    try {
      // Enabling yourself is harmless and allowed: you are signed in, so already enabled, and
      // enabling an enabled user changes nothing (it used to end every session, yours included).
      if ((op === "role" || op === "disable") && username === actor) {
        return refuse("you cannot change your own role or disable yourself; ask another admin.", op === "role" ? "role" : null);
      }
      switch (op) {
        case "create":
          await createUser(ctx.store, { username, displayName: entered.displayName, role: entered.role, areas: entered.areas, password: str(b, "password", 257) }, actor, ctx.now);
          return usersPage(ctx, request, reply, { ok: true, text: `Added ${username}.` });
        case "role": {
          const u = await setRole(ctx.store, username, entered.role, entered.areas, actor, ctx.now);
          return usersPage(ctx, request, reply, { ok: true, text: `${u.username} is now ${u.role}${u.areas.length ? ` (${u.areas.join(", ")})` : ""}; ${sessionsEndedInWords(u.sessionsEnded)}.` });
        }
        case "disable":
        case "enable": {
          // A stale page (another admin already acted) or a repeated post asks for what is already so.
          const { changed } = await setDisabled(ctx.store, username, op === "disable", actor, ctx.now);
          return usersPage(ctx, request, reply, { ok: true, text: changed ? `${username} is ${op}d.` : `${username} is already ${op}d; nothing was changed.` });
        }
        case "reset": {
          const { sessionsEnded } = await setPassword(ctx.store, username, str(b, "password", 257), actor, ctx.now);
          return usersPage(ctx, request, reply, { ok: true, text: `The password of ${username} is reset; ${sessionsEndedInWords(sessionsEnded)}.` });
        }
        default:
          return usersPage(ctx, request, reply, { ok: false, text: "Choose what to change." }, 400);
      }
    } catch (e) {
      if (isLanternError(e)) return refuse(e.message, fieldOf(e.code));
      throw e;
    }
  });

  app.get("/admin/audit", { preHandler: admin }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const user = str(q, "user", 64).trim();
    const action = str(q, "action", 64).trim();
    // A date the filter cannot use is said and shown back as typed: dropping it would list every
    // entry as though filtered, and an impossible one (2026-02-30) would match nothing.
    const typed = { from: str(q, "from", 40).trim(), to: str(q, "to", 40).trim() };
    const wrong = (["from", "to"] as const).filter((k) => typed[k] !== "" && !isIsoDate(typed[k]));
    const from = wrong.includes("from") ? "" : typed.from;
    const to = wrong.includes("to") ? "" : typed.to;
    const dateError = (k: "from" | "to") => (wrong.includes(k) ? `The ${k === "from" ? "From" : "To"} date "${typed[k]}" is not a date written YYYY-MM-DD, such as 2025-04-01.` : undefined);
    let pageNo = Math.min(100_000, Math.max(1, Number.parseInt(str(q, "page", 6), 10) || 1));
    const list = (p: number) => listAudit(ctx.store, { actor: user, action, from, to, limit: PAGE_SIZE, offset: (p - 1) * PAGE_SIZE });
    let { rows, total } = await list(pageNo);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    // A page past the end (an old link, or a typed number) shows the last page rather than "page 99999 of 18".
    if (pageNo > pages) {
      pageNo = pages;
      ({ rows, total } = await list(pageNo));
    }
    const actions = await auditActions(ctx.store);
    const chain = str(q, "verify", 1) === "1" ? await verifyAuditChain(ctx.store) : null;
    const link = (p: number) => `/admin/audit?${new URLSearchParams({ user, action, from, to, page: String(p) }).toString()}`;
    const chainNote = chain
      ? chain.ok
        ? html`<div class="govuk-inset-text">The chain is intact: ${chain.checked} entries checked${chain.unchained ? html`, ${chain.unchained} older entries written before the chain began` : ""}.</div>`
        : html`<div class="govuk-error-summary"><div role="alert"><h2 class="govuk-error-summary__title">The audit log has been altered</h2><div class="govuk-error-summary__body"><p class="govuk-body">Entry ${chain.brokenAt!.auditId}: ${chain.brokenAt!.reason}.</p></div></div></div>`
      : html`<p class="govuk-body"><a class="govuk-link" href="/admin/audit?verify=1">Check that no entry has been altered</a></p>`;
    const dateField = (k: "from" | "to") => {
      const id = `f-${k}`;
      const error = dateError(k);
      return html`<div class="govuk-form-group${error ? " govuk-form-group--error" : ""}"><label class="govuk-label" for="${id}">${k === "from" ? "From" : "To"} (YYYY-MM-DD)</label>${fieldErrorMessage(id, error)}<input class="govuk-input govuk-input--width-10${error ? " govuk-input--error" : ""}" id="${id}" name="${k}" type="text" inputmode="numeric" maxlength="10" value="${typed[k]}"${error ? html` aria-describedby="${id}-error"` : ""}></div>`;
    };
    return send(
      request,
      reply,
      wrong.length ? "Error: Audit log" : "Audit log",
      html`<h1 class="govuk-heading-l">Audit log</h1>${wrong.length ? errorSummary("There is a problem", wrong.map((k) => html`<a href="#f-${k}">${dateError(k)}</a>`)) : ""}${chainNote}
      <form method="get" action="/admin/audit" class="govuk-!-margin-bottom-6">
        <div class="govuk-form-group"><label class="govuk-label" for="f-user">User</label><input class="govuk-input govuk-input--width-20" id="f-user" name="user" type="text" maxlength="64" value="${user}"></div>
        <div class="govuk-form-group"><label class="govuk-label" for="f-action">Action</label><select class="govuk-select" id="f-action" name="action"><option value="">Any action</option>${actions.map((a) => html`<option value="${a}"${a === action ? html` selected` : ""}>${a}</option>`)}</select></div>
        ${dateField("from")}
        ${dateField("to")}
        <button class="govuk-button govuk-button--secondary" type="submit">Filter</button>
      </form>
      ${
        wrong.length
          ? html`<p class="govuk-body">Correct the ${wrong.length === 2 ? "dates" : "date"} above and filter again to see the entries.</p>`
          : html`<div class="lantern-table-wrap" tabindex="0" role="region" aria-label="Audit log entries"><table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--m">${total} entr${total === 1 ? "y" : "ies"}, page ${pageNo} of ${pages}</caption>
        <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">#</th><th scope="col" class="govuk-table__header">When (UTC)</th><th scope="col" class="govuk-table__header">Who</th><th scope="col" class="govuk-table__header">Action</th><th scope="col" class="govuk-table__header">On</th><th scope="col" class="govuk-table__header">Detail</th></tr></thead>
        <tbody class="govuk-table__body">${rows.map(
          (r) =>
            html`<tr class="govuk-table__row"><td class="govuk-table__cell">${r.auditId}</td><td class="govuk-table__cell">${r.loggedAt.slice(0, 19).replace("T", " ")}</td><td class="govuk-table__cell">${r.actor}</td><td class="govuk-table__cell">${r.action}</td><td class="govuk-table__cell">${r.target ?? r.laCode ?? ""}</td><td class="govuk-table__cell govuk-body-s"><code>${r.detail}</code></td></tr>`,
        )}</tbody></table></div>
      <nav class="govuk-pagination" aria-label="Pages">
        ${pageNo > 1 ? html`<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="${link(pageNo - 1)}" rel="prev">Previous page</a></div>` : ""}
        ${pageNo < pages ? html`<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="${link(pageNo + 1)}" rel="next">Next page</a></div>` : ""}
      </nav>`
      }`,
      wrong.length ? 400 : 200,
    );
  });
}
