// What a page's address carries, on the real app over a demo store: each parameter given once
// (a repeated one is a 400 page naming it, on every route that reads the query string, not a
// 404 or another authority's page), and the links that move between authorities and pages keep
// the period the user chose.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { tempDir, tempStore } from "../../test/fixtures.ts";
import { CSRF, demoApp, multipart } from "../../test/web-fixture.ts";
import { main } from "../cli/main.ts";
import type { Output } from "../cli/output.ts";
import type { Store } from "../store/port.ts";
import type { Role } from "./access.ts";
import { buildServer } from "./server.ts";

let app: FastifyInstance;
let store: Store;
let close: () => Promise<void>;

before(async () => {
  ({ app, store, close } = await demoApp());
});
after(async () => {
  await close();
});

const get = (url: string, user?: Role) => app.inject({ method: "GET", url, headers: user ? { "x-test-user": user } : {} });

/** The page's main text, without tags, as a person reads it. */
const words = (body: string) => body.replace(/<[^>]+>/g, " ").replaceAll("&quot;", '"').replace(/\s+/g, " ");

describe("a parameter given more than once", () => {
  // Every route that reads the query string, with the parameters it reads.
  const routes: readonly [string, Role, readonly string[]][] = [
    ["/", "member", ["la", "period"]],
    ["/indicators/referrals", "member", ["la", "period", "saved"]],
    ["/indicators/referrals.csv", "member", ["la", "period"]],
    ["/indicators/referrals/records", "analyst", ["la", "period", "part"]],
    ["/flow", "member", ["la", "period"]],
    ["/early-warning", "member", ["la", "period"]],
    ["/reports", "member", ["la", "period"]],
    ["/data", "analyst", ["la"]],
    ["/targets", "manager", ["la", "saved"]],
    ["/annotations", "manager", ["la", "saved"]],
  ];
  const values: Record<string, [string, string]> = { la: ["X001", "X002"], period: ["2026-09", "2026-08"], saved: ["comment", "published"], part: ["numerator", "denominator"] };

  for (const [path, role, params] of routes) {
    test(`GET ${path} with each of ${params.join(", ")} twice is a 400 page naming it and saying to give it once`, async () => {
      for (const name of params) {
        const [a, b] = values[name]!;
        const url = `${path}?${name}=${encodeURIComponent(a)}&${name}=${encodeURIComponent(b)}`;
        const res = await get(url, role);
        assert.equal(res.statusCode, 400, url);
        assert.match(String(res.headers["content-type"]), /^text\/html/, url);
        const text = words(res.body);
        assert.match(text, /That address could not be used/, url);
        assert.ok(text.includes(`The address gives "${name}" twice (${name}=${a}, ${name}=${b})`), `${url}: ${text}`);
        assert.ok(text.includes(`Give each parameter once: change the address so that it has one "${name}=…"`), url);
        assert.match(res.body, /<a class="govuk-link" href="\/">Go to the dashboard<\/a>/, url);
      }
    });
  }

  test("the same value twice, or two parameters repeated, are refused too, naming each", async () => {
    const same = await get("/?la=X001&la=X001", "member");
    assert.equal(same.statusCode, 400);
    assert.ok(words(same.body).includes('"la" twice (la=X001, la=X001)'));
    const both = await get("/?la=X001&period=2026-09&la=X001&period=2026-08&period=2026-07", "member");
    assert.equal(both.statusCode, 400);
    assert.ok(words(both.body).includes('"la" twice (la=X001, la=X001) and "period" 3 times (period=2026-09, period=2026-08, period=2026-07)'), words(both.body));
  });

  test("a comment's form whose address names the period twice saves nothing", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/indicators/referrals/comments?la=X001&period=2026-09&period=2026-08",
      headers: { "x-test-user": "analyst", "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ _csrf: CSRF, body: "Which month is this on?" }).toString(),
    });
    assert.equal(res.statusCode, 400);
    assert.ok(words(res.body).includes('"period" twice'));
    assert.deepEqual(await store.all(`SELECT 1 FROM lantern_commentary WHERE body = 'Which month is this on?'`), []);
  });

  test("each parameter once is still served", async () => {
    assert.equal((await get("/?la=X001&period=2026-08", "member")).statusCode, 200);
    assert.equal((await get("/indicators/referrals?la=X001&period=2026-08", "member")).statusCode, 200);
  });

  test("the sign-in and admin pages (the auth plugin's) refuse a repeated parameter the same way", async () => {
    const t = await tempStore();
    const real = await buildServer({ store: t.store, dataDir: t.dataDir, auth: { secureCookies: false } });
    try {
      for (const url of ["/sign-in?next=%2F&next=%2Fflow", "/admin/audit?user=ada&user=ann"]) {
        const res = await real.inject({ method: "GET", url });
        assert.equal(res.statusCode, 400, url);
        assert.match(String(res.headers["content-type"]), /^text\/html/, url);
        assert.match(words(res.body), /The address gives "(next|user)" twice/, url);
      }
    } finally {
      await real.close();
      await t.cleanup();
    }
  });
});

describe("links keep the authority and period chosen", () => {
  /** Every link's address on a page, as the browser reads it. */
  const hrefs = (body: string) => [...body.matchAll(/<a [^>]*href="([^"]*)"[^>]*>([^<]*)</g)].map((m) => ({ href: m[1]!.replaceAll("&amp;", "&"), text: m[2]! }));
  const nav = (body: string) => {
    const menu = /<ul class="govuk-service-navigation__list" id="navigation">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? "";
    return Object.fromEntries(hrefs(menu).map((l) => [l.text, l.href]));
  };

  before(async () => {
    // A second authority, X002, whose records cover 2024 only, uploaded as an analyst would.
    const out = tempDir("lantern-second-");
    const quiet: Output = { out: () => {}, err: () => {}, isTTY: false, color: false };
    assert.equal(await main(["generate", "--out", out.dir, "--population", "500", "--from", "2024-01", "--to", "2024-12", "--seed", "3"], quiet), 0);
    const folder = join(out.dir, "X001");
    const files = Object.fromEntries(readdirSync(folder).map((f) => [f, readFileSync(join(folder, f), "utf8")]));
    out.cleanup();
    const up = multipart({ _csrf: CSRF, authority: "X002" }, files);
    const res = await app.inject({ method: "POST", url: "/data/upload", headers: { ...up.headers, "x-test-user": "analyst" }, payload: up.payload });
    assert.equal(res.statusCode, 200, res.body.slice(0, 2000));
  });

  test("the dashboard's links to another authority keep the period shown, where that authority has figures for it", async () => {
    const page = await get("/?la=X001&period=2024-04", "member");
    assert.equal(page.statusCode, 200);
    const links = hrefs(page.body);
    assert.deepEqual(
      links.filter((l) => l.text === "X002" || l.text === "X001").map((l) => l.href),
      ["/?la=X001&period=2024-04", "/?la=X002&period=2024-04"],
    );
    // Followed, it shows the other authority for that month.
    const other = await get("/?la=X002&period=2024-04", "member");
    assert.equal(other.statusCode, 200);
    assert.match(other.body, /<span class="govuk-caption-l">[^<]*X002[^<]* · April 2024<\/span>/);
    assert.deepEqual(hrefs(other.body).filter((l) => l.text === "X001").map((l) => l.href), ["/?la=X001&period=2024-04"]);
  });

  test("an authority with no figures for the period shown is linked to its latest month, saying so", async () => {
    const page = await get("/?la=X001&period=2026-09", "member");
    assert.equal(page.statusCode, 200);
    assert.deepEqual(hrefs(page.body).filter((l) => l.text === "X002").map((l) => l.href), ["/?la=X002"]);
    assert.match(words(page.body), /X002 \(no figures for September 2026: its latest month\)/);
  });

  test("the menu keeps the authority and period: to the dashboard, flow and early warning the period, to reports a month, quarter or year, elsewhere the authority", async () => {
    const month = nav((await get("/indicators/referrals?la=X002&period=2024-05", "analyst")).body);
    assert.equal(month["Dashboard"], "/?la=X002&period=2024-05");
    assert.equal(month["System flow"], "/flow?la=X002&period=2024-05");
    assert.equal(month["Early warning"], "/early-warning?la=X002&period=2024-05");
    assert.equal(month["Reports"], "/reports?la=X002&period=2024-05", "a report can be made for a month");
    assert.equal(month["Data"], "/data?la=X002");
    assert.equal(month["Targets"], "/targets?la=X002");
    assert.equal(month["Annotations"], "/annotations?la=X002");
    const quarter = nav((await get("/flow?la=X001&period=2025-26-Q1", "analyst")).body);
    assert.equal(quarter["Early warning"], "/early-warning?la=X001&period=2025-26-Q1");
    assert.equal(quarter["Reports"], "/reports?la=X001&period=2025-26-Q1");
    // A calendar year is not a dashboard period: that link opens on the latest month.
    const [year] = await store.all<{ period_id: string }>(`SELECT period_id FROM lantern_indicator_value WHERE indicator_id = 'ehcp_20wk_pct' AND breakdown = '' AND length(period_id) = 4 AND value IS NOT NULL ORDER BY period_id DESC LIMIT 1`);
    assert.ok(year, "a calendar year of EHC plans");
    const calendar = nav((await get(`/indicators/ehcp_20wk_pct?la=X001&period=${year.period_id}`, "analyst")).body);
    assert.equal(calendar["Dashboard"], "/?la=X001");
    // Each link followed shows what it says.
    for (const href of Object.values(month)) assert.equal((await get(href, "admin")).statusCode, 200, href);
    const flow = await get(month["System flow"]!, "member");
    assert.match(flow.body, /May 2024/);
    // The report form opens on the month chosen, with no notice that it was not.
    const reports = await get(month["Reports"]!, "member");
    assert.match(reports.body, /<option value="2024-05" selected>May 2024<\/option>/);
    assert.doesNotMatch(reports.body, /id="report-notice"/);
    // A rolling year is no report's period: that link opens on the latest quarter.
    const rolling = nav((await get("/?la=X001&period=12m-2025-06", "analyst")).body);
    assert.equal(rolling["Reports"], "/reports?la=X001");
  });
});
