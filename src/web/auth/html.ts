/**
 * @module
 * Escaped HTML for the sign-in and admin pages. `html` is a tagged template that escapes every
 * interpolated value unless it is already {@link Html} (the result of another `html`), so text
 * from users, claims or the audit log can never become markup. `page()` is a small stand-in
 * layout (GOV.UK Frontend classes, the generic header, no inline script) that the shared layout
 * replaces when the web branch is merged.
 */

/** Markup that is already safe. */
export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape text for an HTML text node or a quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(v: Part): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

/** Tagged template: `html\`<p>${name}</p>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: readonly Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** A whole HTML document in the house layout. */
export function page(title: string, body: Html, opts: { readonly signedInAs?: string | null; readonly csrfToken?: string } = {}): string {
  const signOut =
    opts.signedInAs && opts.csrfToken
      ? html`<form method="post" action="/sign-out" class="lantern-sign-out">
          <input type="hidden" name="_csrf" value="${opts.csrfToken}">
          <span class="govuk-body-s">Signed in as ${opts.signedInAs}</span>
          <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">Sign out</button>
        </form>`
      : html``;
  return `<!DOCTYPE html>
${html`<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>${title} – Lantern</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/assets/govuk/govuk-frontend.min.css">
</head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link">Skip to main content</a>
  <header class="govuk-header" data-module="govuk-header">
    <div class="govuk-header__container govuk-width-container">
      <div class="govuk-header__logo"><a href="/" class="govuk-header__link govuk-header__service-name">Lantern</a></div>
      ${signOut}
    </div>
  </header>
  <div class="govuk-width-container">
    <main class="govuk-main-wrapper" id="main-content" role="main">
      ${body}
    </main>
  </div>
  <footer class="govuk-footer"><div class="govuk-width-container"><p class="govuk-body-s">Lantern: children's services performance. Nothing leaves this machine.</p></div></footer>
</body>
</html>`}`;
}
