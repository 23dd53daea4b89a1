/**
 * @module
 * The page shown when a form is refused because its token no longer matches: most often the
 * session ended (30 minutes idle) while someone was typing a comment or a note. Nothing is saved
 * (the CSRF check refused the post before any route ran), but the text they typed is shown back,
 * escaped, in read-only boxes they can copy from, with a link to sign in and return to the page
 * the form was on (WCAG 2.2.1 and 3.3.1). Only the form's own text fields are shown, never a
 * password, a token or an uploaded file (an upload's body is streamed and never read here). A post
 * from another site never reaches this page: it is refused as before, showing nothing.
 */

import { safeNext } from "./access.ts";
import { type Html, html } from "./html.ts";

/** The fields shown back, by form field name, with their labels; long text gets a tall box. */
const SHOWN: Readonly<Record<string, { label: string; long?: boolean }>> = {
  body: { label: "Your comment", long: true },
  note: { label: "Note", long: true },
  indicator: { label: "Indicator" },
  area: { label: "Area" },
  date: { label: "Date" },
  kind: { label: "Kind" },
  year: { label: "Year" },
  target: { label: "Target" },
  tolerance: { label: "Tolerance" },
  polarity: { label: "Which way is better" },
  username: { label: "User name" },
  displayName: { label: "Full name" },
  role: { label: "Role" },
  areas: { label: "Areas" },
  committee: { label: "Committee" },
  period: { label: "Period" },
  authority: { label: "Authority code" },
};

/** What the refused form held that is worth showing back, and the page it came from. */
export interface LeftOver {
  /** The page the form was on, a local path. */
  readonly back: string;
  /** The text fields typed, by label, in the form's order. */
  readonly fields: readonly { readonly name: string; readonly label: string; readonly value: string; readonly long: boolean }[];
  /** The post was an upload: its files were not kept. */
  readonly upload: boolean;
}

const str = (v: unknown): string => (typeof v === "string" ? v : Array.isArray(v) ? v.filter((x) => typeof x === "string").join(", ") : "");

/**
 * The page a form posted to `url` was on, and the text fields of its parsed `body` worth showing
 * back (none of a multipart body, which is not parsed).
 */
export function leftOver(url: string, body: unknown, multipart: boolean): LeftOver {
  const u = new URL(url, "http://x");
  const b = (!multipart && body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const q = (k: string) => u.searchParams.get(k) ?? "";
  const withLa = (path: string, la: string, extra: Record<string, string> = {}) => {
    const s = new URLSearchParams({ ...(la ? { la } : {}), ...extra }).toString();
    return s ? `${path}?${s}` : path;
  };
  let back = "/";
  const comment = /^\/indicators\/([^/]+)\/comments(?:\/\d+)?$/.exec(u.pathname);
  if (comment) back = `${withLa(`/indicators/${comment[1]}`, q("la"), q("period") ? { period: q("period") } : {})}#commentary`;
  else if (u.pathname === "/annotations") back = withLa("/annotations", str(b["la"]));
  else if (u.pathname === "/reports") back = withLa("/reports", str(b["la"]));
  else if (u.pathname === "/data/upload") back = "/data";
  else if (["/targets", "/admin/users"].includes(u.pathname)) back = u.pathname;
  const fields = Object.entries(b)
    .filter(([k, v]) => k in SHOWN && !/password/i.test(k) && str(v).trim() !== "")
    .map(([k, v]) => ({ name: k, label: SHOWN[k]!.label, value: str(v), long: SHOWN[k]!.long ?? false }));
  return { back: safeNext(back), fields, upload: multipart };
}

/**
 * The body of the page: `signedIn` says whether the visitor still has a session (the form came
 * from an earlier one) or must sign in again; `idleMinutes` is how long a session lasts unused.
 */
export function sessionEndedBody(l: LeftOver, signedIn: boolean, idleMinutes = 30): Html {
  const signInHref = `/sign-in?next=${encodeURIComponent(l.back)}`;
  const saved = l.upload ? "Your files were not uploaded and nothing was loaded." : "Nothing you entered was saved.";
  const copy = l.fields.length
    ? html`<h2 class="govuk-heading-m">What you entered</h2>
<p class="govuk-body">Copy it from here, then paste it into the form again.</p>
${l.fields.map((f, i) =>
  f.long
    ? html`<div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="left-over-${String(i)}">${f.label}</label><textarea class="govuk-textarea" id="left-over-${String(i)}" rows="${String(Math.min(20, Math.max(4, f.value.split("\n").length + 1)))}" readonly>${f.value}</textarea></div>`
    : html`<div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="left-over-${String(i)}">${f.label}</label><input class="govuk-input" id="left-over-${String(i)}" type="text" value="${f.value}" readonly></div>`,
)}`
    : "";
  return signedIn
    ? html`<h1 class="govuk-heading-l">This form has expired</h1>
<p class="govuk-body">The form was opened in an earlier session, before you last signed in, so it could not be accepted. ${saved}</p>
<p class="govuk-body"><a class="govuk-link" href="${l.back}">Go back to the page the form was on</a> and send it again.</p>
${copy}`
    : html`<h1 class="govuk-heading-l">Your session has ended</h1>
<p class="govuk-body">You were signed out because Lantern had not heard from you for ${String(idleMinutes)} minutes, or you signed out elsewhere. ${saved}</p>
<p class="govuk-body"><a class="govuk-link" href="${signInHref}">Sign in and go back to the page you were on</a>${l.fields.length ? ", then paste what you entered into the form again" : l.upload ? ", then choose the files again" : ""}.</p>
${copy}`;
}
