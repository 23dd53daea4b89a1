/**
 * @module
 * The page frame and the handful of GOV.UK Frontend components the pages use, re-created as
 * functions that output the Design System's markup and classes: the generic service header
 * (service navigation only, in a `<header>`, the banner landmark: no crown, no GOV.UK logotype;
 * Arial, not GDS Transport), tables, summary lists, tags, error summaries, the period picker and
 * the SPC icons. No inline script or style anywhere, so the Content-Security-Policy stays strict.
 */

import type { SpcIcon } from "../analysis/spc.ts";
import type { Period, PeriodKind } from "../calendar/periods.ts";
import type { Target } from "../kpi/engine.ts";
import type { SessionUser } from "./access.ts";
import { type Html, html, type Renderable, raw, textOf } from "./html.ts";
import { PAGE_KINDS, periodOptions } from "./model.ts";
import { REPORT_KINDS } from "./pages/reports.ts";

/**
 * What a navigation link carries over from the page it is on (see {@link navHref}): the authority
 * and the period, where the page it goes to shows that kind of period ("period"; reports a month,
 * quarter or year, not a rolling year), or the authority only ("la").
 */
type Keeps = "period" | "report-period" | "la";

/** The navigation, in order; `roles` limits who sees the link (the routes check again). */
export const NAV: readonly { href: string; label: string; roles?: readonly string[]; keeps?: Keeps }[] = [
  { href: "/", label: "Dashboard", keeps: "period" },
  { href: "/flow", label: "System flow", keeps: "period" },
  { href: "/early-warning", label: "Early warning", keeps: "period" },
  { href: "/reports", label: "Reports", keeps: "report-period" },
  { href: "/data", label: "Data", roles: ["admin", "analyst"], keeps: "la" },
  { href: "/targets", label: "Targets", roles: ["admin", "analyst", "manager"], keeps: "la" },
  { href: "/annotations", label: "Annotations", roles: ["admin", "analyst", "manager"], keeps: "la" },
  { href: "/admin/users", label: "Users", roles: ["admin"] },
  { href: "/admin/audit", label: "Audit log", roles: ["admin"] },
];

/** What every page passes to the frame. */
export interface PageOptions {
  readonly title: string;
  readonly user: SessionUser | null;
  /** The path of the current section, to mark it in the navigation. */
  readonly section: string;
  readonly body: Renderable;
  /** Extra scripts from /assets (never inline). */
  readonly scripts?: readonly string[];
  /** The signed-in user's CSRF token, for the sign-out form in the header. */
  readonly csrf?: string;
  /** The authority and period the page shows, which the navigation's links keep (see {@link navHref}). */
  readonly here?: Here;
}

/** The authority and period a page shows. */
export interface Here {
  readonly la: string;
  readonly period?: Period;
}

/**
 * Period kinds the dashboard, flow and early warning show, and those the Reports form offers
 * (REPORT_KINDS: a month, quarter or year), so the menu's Reports link from a month's page opens
 * the form on that month, as its other links keep it.
 * A function, not a constant: model.ts reaches this module again through access.ts, so a page
 * module (or test) importing model.ts first evaluates this one before PAGE_KINDS is set (and
 * pages/reports.ts imports this module, so REPORT_KINDS too is read only when a page is drawn).
 */
function navKinds(keeps: "period" | "report-period"): readonly PeriodKind[] {
  return keeps === "period" ? PAGE_KINDS : REPORT_KINDS;
}

/**
 * A navigation link's address from a page showing `here`: the user moving from an indicator's
 * September 2025 to the system flow sees the flow for September 2025 of the same authority, not
 * the latest month of the first authority. A period the page linked to does not show (a calendar
 * year, on the dashboard) is left out, so that page opens on its latest.
 */
export function navHref(href: string, keeps: Keeps | undefined, here: Here | undefined): string {
  if (!keeps || !here) return href;
  const q: Record<string, string> = { la: here.la };
  if (keeps !== "la" && here.period && navKinds(keeps).includes(here.period.kind)) q["period"] = here.period.id;
  return `${href}?${new URLSearchParams(q).toString()}`;
}

/** A whole HTML document. */
export function page(o: PageOptions): string {
  const nav = NAV.filter((n) => !n.roles || (o.user && n.roles.includes(o.user.role)));
  const body = html`${o.body}`;
  // A signed-in page with a form of its own is warned before the session ends (assets/session.js).
  const scripts = [...(o.scripts ?? []), ...(o.user && o.csrf && body.value.includes('method="post"') ? ["/assets/session.js"] : [])];
  return `<!DOCTYPE html>${
    html`<html lang="en-GB" class="govuk-template">
<head>
<meta charset="utf-8">
<title>${o.title} – Lantern</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/govuk/govuk-frontend.min.css">
<link rel="stylesheet" href="/assets/lantern.css">
</head>
<body class="govuk-template__body">
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
<header class="govuk-service-navigation lantern-header">
<div class="govuk-width-container">
<div class="govuk-service-navigation__container">
<span class="govuk-service-navigation__service-name"><a href="/" class="govuk-service-navigation__link">Lantern</a></span>
<nav aria-label="Menu" class="govuk-service-navigation__wrapper">
<ul class="govuk-service-navigation__list" id="navigation">
${nav.map((n) => {
  const active = n.href === o.section;
  return html`<li class="govuk-service-navigation__item${active ? " govuk-service-navigation__item--active" : ""}"><a class="govuk-service-navigation__link" href="${navHref(n.href, n.keeps, o.here)}"${active ? html` aria-current="page"` : ""}>${n.label}</a></li>`;
})}
</ul>
</nav>
${
  o.user
    ? html`<form method="post" action="/sign-out" class="lantern-user"><p class="govuk-body-s lantern-user__name">Signed in as ${o.user.displayName} (${o.user.role})</p>${
        o.csrf ? html`${csrfField(o.csrf)}<button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0 lantern-sign-out" data-module="govuk-button">Sign out</button>` : ""
      }</form>`
    : html`<p class="govuk-body-s lantern-user"><a class="govuk-link" href="/sign-in">Sign in</a></p>`
}
</div>
</div>
</header>
<div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
${body}
</main>
</div>
<footer class="govuk-footer">
<div class="govuk-width-container"><p class="govuk-footer__meta-custom">Lantern: children's services performance from your own data. Nothing on this page was fetched from any other site.</p></div>
</footer>
${scripts.map((s) => html`<script src="${s}" defer></script>`)}
</body>
</html>`.value
  }`;
}

/** A GOV.UK table; `numeric` marks right-aligned columns by index. */
export function table(o: { caption?: Renderable; head: readonly Renderable[]; rows: readonly (readonly Renderable[])[]; numeric?: readonly number[]; id?: string; small?: boolean }): Html {
  const num = new Set(o.numeric ?? []);
  const cls = (i: number, kind: "header" | "cell") => `govuk-table__${kind}${num.has(i) ? ` govuk-table__${kind}--numeric` : ""}`;
  return scrollable(
    o.caption,
    html`<table class="govuk-table${o.small ? " govuk-table--small-text-until-tablet lantern-table-small" : ""}"${o.id ? html` id="${o.id}"` : ""}>
${o.caption ? html`<caption class="govuk-table__caption govuk-table__caption--s">${o.caption}</caption>` : ""}
<thead class="govuk-table__head"><tr class="govuk-table__row">${o.head.map((h, i) => html`<th scope="col" class="${cls(i, "header")}">${h}</th>`)}</tr></thead>
<tbody class="govuk-table__body">${o.rows.map((r) => html`<tr class="govuk-table__row">${r.map((c, i) => (i === 0 ? html`<th scope="row" class="${cls(i, "header")}">${c}</th>` : html`<td class="${cls(i, "cell")}">${c}</td>`))}</tr>`)}</tbody>
</table>`,
  );
}

/**
 * A table in a box of its own that scrolls sideways when the table is wider than the screen, so
 * the page itself never does (WCAG 1.4.10 Reflow, at 320 px wide or 400% zoom): focusable, so the
 * keyboard can scroll it, and named by the table's caption.
 */
export function scrollable(caption: Renderable, table: Html): Html {
  return html`<div class="lantern-table-wrap" tabindex="0" role="region" aria-label="${textOf(caption) || "Table"}">${table}</div>`;
}

/**
 * A chart (an SVG string) in a box of its own, as {@link scrollable} does for a table: on a narrow
 * screen (320 px, 400% zoom) the chart keeps a width at which its words can be read (lantern.css)
 * and scrolls sideways in the box, which the keyboard reaches and which is named by `label`.
 */
export function chartBox(label: string, svg: string): Html {
  return html`<div class="lantern-chart-wrap" tabindex="0" role="region" aria-label="${label}">${raw(svg)}</div>`;
}

/** A summary list of key and value pairs. */
export function summaryList(rows: readonly (readonly [Renderable, Renderable])[]): Html {
  return html`<dl class="govuk-summary-list">${rows.map(([k, v]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${k}</dt><dd class="govuk-summary-list__value">${v}</dd></div>`)}</dl>`;
}

/** The key to `c`, for a page that shows a member one. */
export function suppressionKey(): Html {
  return html`<p class="govuk-body-s" id="suppression-key">c: a small number (1 to 5), or a figure from which one could be worked out, not shown to protect the children it counts.</p>`;
}

const RAG_CLASS = { green: "govuk-tag--green", amber: "govuk-tag--yellow", red: "govuk-tag--red" } as const;

/** A RAG status as a tag (its word, never colour alone). */
export function ragTag(r: "green" | "amber" | "red" | null): Html {
  if (!r) return html``;
  return html`<strong class="govuk-tag ${RAG_CLASS[r]}">${r === "amber" ? "Amber" : r === "green" ? "Green" : "Red"}</strong>`;
}

/**
 * A Making Data Count icon: a coloured disc with a dark outline and its letter (colours from the
 * icon data), labelled for screen readers, and its word beside it ("concern", "improvement") so
 * that the colour is never the only way to tell them apart; the word is hidden from screen
 * readers, which hear the full label.
 */
export function spcIcon(icon: SpcIcon | null, kind: "variation" | "assurance"): Html {
  if (!icon) return html``;
  return html`<span class="lantern-icon" title="${icon.label}"><svg width="28" height="28" viewBox="0 0 28 28" role="img" aria-label="${kind === "variation" ? "Variation" : "Assurance"}: ${icon.label}" focusable="false"><circle cx="14" cy="14" r="12.5" fill="${icon.colour}" stroke="${icon.outline}" stroke-width="2"/>${icon.letter ? html`<text x="14" y="19" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-size="14" font-weight="bold" fill="${icon.letterColour}">${icon.letter}</text>` : ""}</svg><span class="lantern-icon__word" aria-hidden="true">${icon.word}</span></span>`;
}

/** An error summary listing problems (the validation report, a form's mistakes). */
export function errorSummary(title: string, items: readonly Renderable[]): Html {
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert"><h2 class="govuk-error-summary__title">${title}</h2><div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">${items.map((i) => html`<li>${i}</li>`)}</ul></div></div></div>`;
}

/**
 * A field's error message (GOV.UK's pattern), with the id `<id>-error` that its control names in
 * `aria-describedby`; nothing without a message.
 */
export function fieldErrorMessage(id: string, message: Renderable | undefined): Html | "" {
  return message ? html`<p class="govuk-error-message" id="${id}-error"><span class="govuk-visually-hidden">Error:</span> ${message}</p>` : "";
}

/**
 * What was just saved, after the redirect that follows a form (GOV.UK's success notification
 * banner): `saved` is the page's `?saved=` value and `said` the words for each value it may take.
 * Nothing for any other value, so the address cannot put words of its own on the page.
 */
export function savedBanner(saved: unknown, said: Readonly<Record<string, string>>): Html | "" {
  const text = typeof saved === "string" && Object.hasOwn(said, saved) ? said[saved] : undefined;
  if (!text) return "";
  return html`<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="saved-banner-title" data-module="govuk-notification-banner" id="saved-banner"><div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="saved-banner-title">Success</h2></div><div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">${text}</p></div></div>`;
}

/** The hidden CSRF field every form carries. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** The period picker: a GET form that works without JavaScript; `kinds` those the page shows (default all but calendar years). */
export function periodPicker(t: Target, current: Period, action: string, extra: Record<string, string> = {}, kinds?: readonly PeriodKind[]): Html {
  const groups = periodOptions(t, kinds);
  return html`<form method="get" action="${action}" class="lantern-picker">
${Object.entries(extra).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<input type="hidden" name="la" value="${t.la_code}">
<div class="govuk-form-group lantern-inline">
<label class="govuk-label govuk-label--s" for="period">Period</label>
<select class="govuk-select" id="period" name="period">
${groups.map((g) => html`<optgroup label="${g.title}">${g.periods.map((p) => html`<option value="${p.id}"${p.id === current.id ? html` selected` : ""}>${p.label}</option>`)}</optgroup>`)}
</select>
<button type="submit" class="govuk-button govuk-button--secondary lantern-inline-button" data-module="govuk-button">Show</button>
</div>
<p class="govuk-body-s">Latest: ${groups.map((g, i) => {
    const p = g.periods[0];
    return p ? html`${i ? " · " : ""}<a class="govuk-link" href="${action}?${new URLSearchParams({ ...extra, la: t.la_code, period: p.id }).toString()}">${g.title.replace(/s$/, "").toLowerCase()}</a>` : "";
  })}</p>
</form>`;
}

/** Query string that keeps the authority and period. */
export function qs(t: Target, period: Period, more: Record<string, string> = {}): string {
  return new URLSearchParams({ la: t.la_code, period: period.id, ...more }).toString();
}
