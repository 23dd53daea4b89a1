/**
 * @module
 * `npm run screenshots`: remake the README's pictures of the dashboard and an indicator page from
 * the demo authority, so they always show the product as it is. Makes the demo store in a
 * temporary folder, starts the app on loopback, signs in as the demo analyst in Debian's
 * Chromium and saves PNGs to docs/screenshots. Nothing is fetched from any other host.
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { main } from "../src/cli/main.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import { DEMO_PASSWORD } from "../src/web/auth/users.ts";
import { buildServer } from "../src/web/server.ts";
import { tempDir } from "../test/fixtures.ts";

const out = join(import.meta.dirname, "..", "docs", "screenshots");
const t = tempDir("lantern-shots-");
try {
  const code = await main(["demo", "--data", t.dir, "--no-serve"], { out: () => {}, err: (s) => process.stderr.write(s), isTTY: false, color: false });
  if (code !== 0) throw new Error(`lantern demo exited ${code}`);
  const store = await openStore(storeConfig(t.dir, {}));
  const app = await buildServer({ store, dataDir: t.dir, auth: { secureCookies: false } });
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  const browser = await chromium.launch({ executablePath: process.env["LANTERN_CHROMIUM"] ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("User name").fill("analyst");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/`);
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, "dashboard.png") });
    await page.goto(`${base}/indicators/assess_45wd_pct`);
    await page.screenshot({ path: join(out, "indicator.png") });
    process.stdout.write(`Saved ${join(out, "dashboard.png")} and ${join(out, "indicator.png")}\n`);
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
} finally {
  t.cleanup();
}
