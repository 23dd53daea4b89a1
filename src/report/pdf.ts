/**
 * @module
 * Printing the report's HTML to PDF with Chromium through playwright-core: A4, tagged for screen
 * readers (`tagged`), bookmarks from the section headings (`outline`), page numbers in the
 * footer, and the charts kept as vectors (they are inline SVG). Chromium is the system one
 * (`/usr/bin/chromium`, or LANTERN_CHROMIUM); nothing is downloaded, and the page is loaded with
 * `setContent` with every network request refused, so the document cannot reach out.
 */

import { existsSync } from "node:fs";
import { LanternError } from "../core/errors.ts";

/** Where Chromium is looked for. */
export function chromiumPath(): string {
  return process.env["LANTERN_CHROMIUM"] ?? "/usr/bin/chromium";
}

/** A browser kept open across several reports (launching costs more than printing). */
export interface PdfPrinter {
  print(html: string, opts: { title: string; footer?: string }): Promise<Buffer>;
  close(): Promise<void>;
}

function footerTemplate(text: string): string {
  const safe = text.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
  return `<div style="font-size:8px;width:100%;padding:0 14mm;display:flex;justify-content:space-between;font-family:Arial,sans-serif;color:#505a5f"><span>${safe}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}

/** Open Chromium; the caller closes the printer. */
export async function openPrinter(): Promise<PdfPrinter> {
  const path = chromiumPath();
  if (!existsSync(path)) {
    throw new LanternError("LANTERN_PDF_UNAVAILABLE", `Chromium was not found at ${path}, so a PDF cannot be printed.`, {
      hint: "Install it (apt-get install -y chromium fonts-liberation) or set LANTERN_CHROMIUM, or use --format html.",
    });
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: path, args: ["--no-sandbox", "--disable-gpu"] });
  return {
    async print(html, opts) {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      try {
        const page = await context.newPage();
        await page.route("**/*", (route) => route.abort());
        await page.setContent(html, { waitUntil: "load" });
        return await page.pdf({
          format: "A4",
          printBackground: true,
          preferCSSPageSize: true,
          tagged: true,
          outline: true,
          displayHeaderFooter: true,
          headerTemplate: "<span></span>",
          footerTemplate: footerTemplate(opts.footer ?? opts.title),
          margin: { top: "16mm", bottom: "18mm", left: "14mm", right: "14mm" },
        });
      } finally {
        await context.close();
      }
    },
    async close() {
      await browser.close();
    },
  };
}

/** Print one document. */
export async function htmlToPdf(html: string, opts: { title: string; footer?: string }): Promise<Buffer> {
  const p = await openPrinter();
  try {
    return await p.print(html, opts);
  } finally {
    await p.close();
  }
}
