// The web app in-process (Fastify inject) on a small demo authority: every route refuses each role
// that should not reach it, forms without the CSRF token fail, members see small numbers
// suppressed and no child-level data, commentary is published to members only when marked,
// targets and annotations are saved with history, uploads are refused with their report or loaded,
// and no page names another host or carries inline script.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { needsPrograms, smallExport } from "../../test/fixtures.ts";
import { CSRF, demoApp, multipart } from "../../test/web-fixture.ts";
import { uncomputedForReport } from "../report/produce.ts";
import type { Store } from "../store/port.ts";
import type { Role } from "./access.ts";

let app: FastifyInstance;
let store: Store;
let close: () => Promise<void>;
let dataDir: string;

before(async () => {
  ({ app, store, close, dataDir } = await demoApp());
});
after(async () => {
  await close();
});

const get = (url: string, user?: Role) => app.inject({ method: "GET", url, headers: user ? { "x-test-user": user } : {} });
const post = (url: string, user: Role | undefined, form: Record<string, string>) =>
  app.inject({ method: "POST", url, headers: { ...(user ? { "x-test-user": user } : {}), "content-type": "application/x-www-form-urlencoded" }, payload: new URLSearchParams(form).toString() });

const ROLES: readonly (Role | undefined)[] = [undefined, "member", "manager", "analyst", "admin"];

describe("routes and roles", () => {
  // Expected status by role: [anonymous, member, manager, analyst, admin]; anonymous GETs are sent to sign in.
  const table: readonly [string, string, readonly number[]][] = [
    ["GET", "/", [303, 200, 200, 200, 200]],
    ["GET", "/indicators/referrals", [303, 200, 200, 200, 200]],
    ["GET", "/indicators/referrals.csv", [303, 200, 200, 200, 200]],
    ["GET", "/indicators/referrals/records", [303, 403, 200, 200, 200]],
    ["GET", "/indicators/cla_rate/records", [303, 403, 403, 200, 200]],
    ["GET", "/flow", [303, 200, 200, 200, 200]],
    ["GET", "/early-warning", [303, 200, 200, 200, 200]],
    ["GET", "/data", [303, 403, 403, 200, 200]],
    ["GET", "/targets", [303, 403, 200, 200, 200]],
    ["GET", "/annotations", [303, 403, 200, 200, 200]],
    ["POST", "/targets", [401, 403, 403, 400, 400]],
    ["POST", "/annotations", [401, 403, 403, 400, 400]],
    ["POST", "/indicators/referrals/comments", [401, 403, 403, 400, 400]],
    ["POST", "/data/upload", [401, 403, 403, 415, 415]],
  ];
  for (const [method, url, expected] of table) {
    test(`${method} ${url}`, async () => {
      const got: number[] = [];
      for (const role of ROLES) {
        const res = method === "GET" ? await get(url, role) : await post(url, role, { _csrf: CSRF });
        got.push(res.statusCode);
      }
      assert.deepEqual(got, expected);
    });
  }

  test("a breakdown with no records in the period says so, rather than a table of headings alone", async () => {
    const [zero] = await store.all<{ period_id: string }>(
      `SELECT period_id FROM lantern_indicator_value WHERE indicator_id = 'cla_uasc_at_end' AND breakdown = '' AND value = 0 AND period_id LIKE '____-__' ORDER BY period_id DESC LIMIT 1`,
    );
    assert.ok(zero, "a month with no child seeking asylum in care");
    const page = (await get(`/indicators/cla_uasc_at_end?period=${zero.period_id}`, "analyst")).body;
    assert.match(page, /No records in [^,<]+, so nothing to break down by age band\./);
    assert.doesNotMatch(page, /<caption[^>]*>By age band,/);
  });

  test("an unknown indicator or page is a 404 page", async () => {
    assert.equal((await get("/indicators/nope", "admin")).statusCode, 404);
    assert.equal((await get("/nowhere", "admin")).statusCode, 404);
  });
});

describe("security", () => {
  test("a post without the CSRF token, or with a wrong one, fails and saves nothing", async () => {
    const before = await store.all(`SELECT count(*) AS n FROM lantern_target`);
    for (const form of [{}, { _csrf: "forged" }] as Record<string, string>[]) {
      const res = await post("/targets", "admin", { ...form, indicator: "referrals", year: "2025-26", target: "10", tolerance: "1" });
      assert.equal(res.statusCode, 403);
    }
    assert.deepEqual(await store.all(`SELECT count(*) AS n FROM lantern_target`), before);
    const up = multipart({ _csrf: "forged", authority: "202" }, smallExport());
    const res = await app.inject({ method: "POST", url: "/data/upload", headers: { ...up.headers, "x-test-user": "admin" }, payload: up.payload });
    assert.equal(res.statusCode, 403);
  });

  test("every page has a strict CSP, no inline script or style, and names no other host", async () => {
    for (const url of ["/", "/indicators/assess_45wd_pct", "/flow", "/early-warning", "/data", "/targets", "/annotations", "/indicators/referrals/records"]) {
      const res = await get(url, "admin");
      assert.equal(res.statusCode, 200, url);
      const csp = String(res.headers["content-security-policy"]);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>/, `${url} has an inline script`);
      assert.doesNotMatch(res.body, /<style|\sstyle=/, `${url} has an inline style`);
      assert.doesNotMatch(res.body, /(src|href|action)=["']?(https?:)?\/\//i, `${url} refers to another host`);
      assert.doesNotMatch(res.body.replaceAll("http://www.w3.org/", ""), /https?:\/\//, `${url} names an address`);
    }
  });

  test("viewing records and downloading CSV are audited", async () => {
    await get("/indicators/assess_45wd_pct/records?part=denominator", "manager");
    await get("/indicators/referrals.csv", "member");
    const rows = await store.all<{ actor: string; action: string; detail: string }>(`SELECT actor, action, detail FROM lantern_audit WHERE action IN ('records.view', 'export.csv') ORDER BY audit_id`);
    assert.ok(rows.some((r) => r.actor === "max" && r.action === "records.view" && JSON.parse(r.detail).part === "denominator"));
    assert.ok(rows.some((r) => r.actor === "mel" && r.action === "export.csv" && JSON.parse(r.detail).suppressed === true));
  });
});

describe("records behind a figure", () => {
  test("a count or a rate offers no denominator, and asking for one is a 400 page saying why", async () => {
    const count = await get("/indicators/referrals/records", "analyst");
    assert.equal(count.statusCode, 200);
    assert.match(count.body, /Records behind the numerator/);
    assert.doesNotMatch(count.body, /Show the denominator|part=denominator/);
    const rate = await get("/indicators/cla_rate/records", "analyst");
    assert.doesNotMatch(rate.body, /Show the denominator|part=denominator/);
    for (const [id, why] of [
      ["referrals", "Referrals is a count: its figure has no denominator records."],
      ["cla_at_end", "is a count: its figure has no denominator records."],
      ["missing_episodes", "is a count: its figure has no denominator records."],
      ["cla_rate", "is a rate per 10,000 children: its denominator is the population of children aged 0–17, not records."],
    ] as const) {
      const res = await get(`/indicators/${id}/records?part=denominator`, "admin");
      assert.equal(res.statusCode, 400, id);
      assert.ok(res.body.includes(why), `${id}: ${why}`);
      assert.doesNotMatch(res.body, /Records behind the denominator/, id);
      assert.match(res.body, new RegExp(`href="/indicators/${id}/records\\?la=X001&amp;period=[^"]*&amp;part=numerator"`), id);
    }
    // A percentage has a denominator of records, linked both ways.
    const pct = await get("/indicators/assess_45wd_pct/records", "analyst");
    assert.match(pct.body, /Show the denominator/);
    const den = await get("/indicators/assess_45wd_pct/records?part=denominator", "analyst");
    assert.equal(den.statusCode, 200);
    assert.match(den.body, /Records behind the denominator/);
    assert.match(den.body, /Show the numerator/);
  });

  test("figures loaded from measures.csv have no records link, and their records address is a 404 page saying why", async () => {
    const before = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_audit WHERE action = 'records.view'`);
    for (const id of ["sw_vacancy_rate", "sw_caseload", "sw_turnover_rate", "sw_agency_rate", "ehe_children", "cme_children"]) {
      const detail = await get(`/indicators/${id}`, "admin");
      assert.equal(detail.statusCode, 200, id);
      assert.doesNotMatch(detail.body, /\/records/, id);
      assert.match(detail.body, /loaded as an aggregate figure \(from a measures\.csv file\), so there are no child records behind it/, id);
      for (const part of ["numerator", "denominator"]) {
        const res = await get(`/indicators/${id}/records?part=${part}`, "admin");
        assert.equal(res.statusCode, 404, `${id} ${part}`);
        assert.match(res.body, /There are no records behind this figure/);
        assert.match(res.body, /is loaded as an aggregate figure \(from a measures\.csv file\), not computed from child records/);
      }
    }
    assert.deepEqual(await store.all(`SELECT count(*) AS n FROM lantern_audit WHERE action = 'records.view'`), before, "a refused request shows no records and is not audited as a view");
  });
});

describe("what members see", () => {
  test("small counts are shown as c, in pages and CSV, and there is no link to records", async () => {
    // Find a month where a count is between 1 and 5, then check the member's view of it.
    const [small] = await store.all<{ indicator_id: string; period_id: string; value: number }>(
      `SELECT indicator_id, period_id, value FROM lantern_indicator_value WHERE breakdown = '' AND indicator_id = 'cla_started' AND value BETWEEN 1 AND 5 ORDER BY period_id DESC LIMIT 1`,
    );
    assert.ok(small, "the demo has a month with 1 to 5 children starting care");
    const url = `/indicators/cla_started?period=${small.period_id}`;
    const analyst = await get(url, "analyst");
    const member = await get(url, "member");
    const valueRow = (body: string) => /<dt class="govuk-summary-list__key">Value<\/dt><dd class="govuk-summary-list__value">([^<]*)</.exec(body)?.[1];
    assert.equal(valueRow(analyst.body), String(small.value));
    assert.equal(valueRow(member.body), "c");
    assert.doesNotMatch(member.body, /\/records/);
    // The page says what c means wherever it shows one, and only then.
    assert.match(member.body, /<p class="govuk-body-s" id="suppression-key">c: a small number \(1 to 5\), or a figure from which one could be worked out, not shown/);
    assert.doesNotMatch(analyst.body, /suppression-key/);
    const keyed = new Set<boolean>();
    for (const id of ["contacts", "referrals", "cla_started", "cpp_at_end", "sw_caseload"]) {
      const body = (await get(`/indicators/${id}?period=2026-09`, "member")).body;
      assert.equal(/suppression-key/.test(body), />c<\/(td|dd)>/.test(body), id);
      keyed.add(/suppression-key/.test(body));
    }
    assert.equal(keyed.size, 2, "pages with a c and pages without");
    assert.match(analyst.body, /\/indicators\/cla_started\/records/);
    const csv = await get("/indicators/cla_started.csv", "member");
    const line = csv.body.split("\n").find((l) => l.includes(`,${small.period_id},`));
    assert.match(line ?? "", new RegExp(`,${small.period_id},c,`));
    const dash = await get(`/?period=${small.period_id}`, "member");
    assert.match(dash.body, /c: a small number, not shown/);
  });
});

describe("yearly averages for members", () => {
  test("a year's average is c where one of its months is hidden, and shown as officers see it where none is", async () => {
    const { hidden } = await membersHide(store);
    const { financialYearOf } = await import("../calendar/periods.ts");
    const yearly = (body: string) => {
      const t = /<caption[^>]*>Mean of the monthly values in each financial year<\/caption>[\s\S]*?<\/table>/.exec(body)?.[0] ?? "";
      return new Map([...t.matchAll(/<th scope="row" class="govuk-table__header">([^<]*)<\/th><td[^>]*>([^<]*)<\/td>/g)].map((m) => [m[1]!, m[2]!]));
    };
    let withHidden = 0;
    let shownYears = 0;
    for (const id of ["cla_started", "cla_ceased", "icpc_15wd_pct"]) {
      const member = yearly((await get(`/indicators/${id}?period=2026-09`, "member")).body);
      const analyst = yearly((await get(`/indicators/${id}?period=2026-09`, "analyst")).body);
      assert.ok(analyst.size >= 5, id);
      for (const [year, value] of analyst) {
        const fy = Number(year.slice(0, 4));
        const anyHidden = [...hidden].some((k) => k.startsWith(`${id}|`) && /^\d{4}-\d{2}$/.test(k.split("|")[1]!) && financialYearOf(`${k.split("|")[1]}-01`) === fy);
        if (anyHidden) withHidden++;
        else shownYears++;
        assert.equal(member.get(year), anyHidden ? "c" : value, `${id} ${year}`);
      }
    }
    assert.ok(withHidden > 0 && shownYears > 0, `${withHidden} years hidden, ${shownYears} shown`);
  });
});

describe("what the figures say, for members", () => {
  test("the sentence describes the years since the last one hidden, claims no record on record over them, and says so when the latest is hidden", async () => {
    const { indicatorLibrary } = await import("../kpi/library/index.ts");
    const { hidden } = await membersHide(store);
    const years = ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25", "2025-26"];
    const said = (body: string) => /<h2 class="govuk-heading-m">What the figures say<\/h2>\s*<p class="govuk-body">([^<]*)<\/p>/.exec(body)?.[1] ?? "";
    const cases = { latestHidden: 0, earlierHidden: 0 };
    for (const def of indicatorLibrary().list()) {
      if (!def.periods.includes("year")) continue;
      const hiddenYears = years.filter((y) => hidden.has(`${def.id}|${y}`));
      if (!hiddenYears.length) continue;
      const text = said((await get(`/indicators/${def.id}?period=2025-26`, "member")).body);
      if (hiddenYears.includes("2025-26")) {
        cases.latestHidden++;
        assert.equal(text, "The figure for 2025-26 is not shown (c), so it is not described.", def.id);
        continue;
      }
      const since = years.indexOf(hiddenYears.at(-1)!);
      if (!text || text.startsWith("There is no figure")) continue;
      cases.earlierHidden++;
      assert.doesNotMatch(text, /on record/, def.id);
      for (const y of years.slice(0, since + 1)) assert.ok(!text.includes(y), `${def.id}: ${text} names ${y}, at or before a hidden year`);
    }
    assert.ok(cases.latestHidden > 0 && cases.earlierHidden > 0, JSON.stringify(cases));
  });
});

describe("the authority by name", () => {
  test("the dashboard and an indicator page name the authority as the report does, with its code", async () => {
    assert.match((await get("/", "member")).body, /<h1 class="govuk-heading-l">Dashboard <span class="govuk-caption-l">Lanternshire \(X001\) · /);
    assert.match((await get("/indicators/contacts", "member")).body, /<span class="govuk-caption-l">Lanternshire \(X001\) · /);
  });

  test("so do the system flow, early warning, Reports and records pages, not by its code alone", async () => {
    for (const [url, role, heading] of [
      ["/flow", "member", "System flow"],
      ["/early-warning", "member", "Early warning"],
      ["/reports", "member", "Reports"],
      ["/indicators/contacts/records?part=numerator", "analyst", "Records behind the numerator"],
    ] as const) {
      const res = await get(url, role);
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, new RegExp(`<h1 class="govuk-heading-l">${heading} <span class="govuk-caption-l">[^<]*Lanternshire \\(X001\\)`), url);
    }
  });
});

describe("the SPC chart's key", () => {
  test("under an SPC chart, words say what its lines and dots mean; a run chart has none", async () => {
    const page = (await get("/indicators/contacts", "analyst")).body;
    assert.match(page, /id="spc-chart"/);
    assert.match(page, /<p class="govuk-body-s" id="spc-key">How to read the chart: each point is a month's value; the solid black line is the mean; the grey dashed lines are the process limits/);
    assert.doesNotMatch((await get("/indicators/cla_at_end", "analyst")).body, /id="spc-key"/);
  });

  test("the chart's table names each month's signal in the words the chart's point does ('beyond a process limit', not the rule's id)", async () => {
    const page = (await get("/indicators/eh_ended?la=X001&period=2026-09", "analyst")).body;
    const svg = /<svg[^>]*id="spc-chart"[\s\S]*?<\/svg>/.exec(page)![0];
    const drawn = new Map([...svg.matchAll(/<title>(\w+ \d{4}): [^(<]*\(([^<]*)\)<\/title>/g)].map((m) => [m[1]!, m[2]!.replaceAll("&#39;", "'")]));
    const table = /<table[^>]*id="spc-table"[\s\S]*?<\/table>/.exec(page)![0];
    const rows = [...table.matchAll(/<tr class="govuk-table__row"><th scope="row"[^>]*>([^<]*)<\/th>(?:<td[^>]*>[^<]*<\/td>){4}<td[^>]*>([^<]*)<\/td><\/tr>/g)].map((m) => [m[1]!, m[2]!.replaceAll("&#39;", "'")] as const);
    assert.equal(rows.length, drawn.size);
    assert.ok(rows.some(([, s]) => s !== "common cause"), "the demo's early help cases ended have a special cause to name");
    for (const [month, signal] of rows) assert.equal(signal, drawn.get(month), month);
  });
});

describe("stocks and SPC", () => {
  test("a stock has no SPC icon on its tile and no SPC chart on its page, which says why and draws its months alone, as the early warning does not judge it", async () => {
    const body = (await get("/", "analyst")).body;
    const tileOf = (id: string) => {
      const t = body.split('<li class="lantern-tile">').find((x) => x.includes(`href="/indicators/${id}?`))!;
      return t.slice(0, t.indexOf("</li>"));
    };
    for (const id of ["cla_at_end", "cpp_at_end", "cp_visit_10wd_pct"]) assert.doesNotMatch(tileOf(id), /lantern-icon__word[^>]*>(common cause|improvement|concern|neutral)</, id);
    assert.match(tileOf("contacts"), /lantern-icon__word[^>]*>(common cause|improvement|concern|neutral)</);
    const page = (await get("/indicators/cp_visit_10wd_pct", "analyst")).body;
    assert.match(page, /There is no SPC chart: it is a figure taken on each month&#39;s last day, which carries most of the month before/);
    assert.match(page, /id="run-chart"/);
  });
});

describe("breakdowns as a reader reads them", () => {
  test("age bands youngest first, sources named from the CIN census codes", async () => {
    const page = (await get("/indicators/contacts?period=2024-25", "analyst")).body;
    const rows = (caption: string) => {
      const t = page.slice(page.indexOf(caption));
      return [...t.slice(0, t.indexOf("</table>")).matchAll(/<th scope="row"[^>]*>([^<]+)<\/th>/g)].map((m) => m[1]!);
    };
    const ages = rows("By age band");
    const order = ["unborn", "under 1", "1-4", "5-9", "10-15", "16-17", "18 and over", "not recorded"];
    assert.ok(ages.length >= 4, ages.join(" "));
    assert.deepEqual(ages, [...ages].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    const sources = rows("By source");
    assert.ok(sources.some((s) => /^2A Schools$/.test(s)), sources.join(" | "));
    assert.ok(sources.every((s) => !/^\d[A-F]?$/.test(s)), sources.join(" | "));
  });
});

describe("what the figures say about a stock", () => {
  test("a figure taken on the year's last day is said to be on that day, not in the year beside the year's average", async () => {
    const said = async (path: string) => /<h2 class="govuk-heading-m">What the figures say<\/h2>\s*<p class="govuk-body">([^<]*)<\/p>/.exec((await get(path, "analyst")).body)?.[1] ?? "";
    const text = await said("/indicators/cla_at_end?period=2025-26");
    assert.match(text, /^[\d,]+ children looked after on 31 March 2026, .* on 31 March 20\d\d/);
    assert.doesNotMatch(text, /\bin 20\d\d-\d\d/);
    assert.match(await said("/indicators/referrals?period=2025-26"), /referrals in 2025-26/);
    // A month's page describes that month beside the same month of earlier years, not the year.
    const month = await said("/indicators/referrals?period=2026-09");
    assert.match(month, /referrals in September 2026, .*September 20\d\d/);
    assert.doesNotMatch(month, /2025-26/);
    // The monthly SPC verdict is not one on a change between years: not set beside it.
    for (const id of ["referrals", "contacts", "assessments_completed"]) assert.doesNotMatch(await said(`/indicators/${id}?period=2026-09`), /normal variation/, id);
    assert.match(await said("/indicators/cla_at_end?period=2026-09"), /children looked after on 30 September 2026/);
  });
});

describe("benchmarks for members", () => {
  test("where the authority's own figure for the benchmark year is c, so are its rank and quartile band", async () => {
    const { indicatorLibrary } = await import("../kpi/library/index.ts");
    const { benchmark, BenchmarkProblem } = await import("../analysis/benchmarks.ts");
    const { benchmarkData } = await import("../analysis/benchmark-data.ts");
    const { hidden } = await membersHide(store);
    const [a] = await store.all<{ like_code: string | null }>(`SELECT like_code FROM lantern_authority WHERE la_code = 'X001'`);
    const like = a?.like_code ?? undefined;
    const row = (body: string, key: string) => new RegExp(`<th[^>]*>${key}</th><td[^>]*>([^<]*)<`).exec(body)?.[1];
    let hiddenChecked = 0;
    let shownChecked = 0;
    for (const def of indicatorLibrary().list()) {
      let year: string;
      try {
        year = benchmark({ authority: "X001", indicator: def.id, ...(like ? { like } : {}) }, benchmarkData()).year.lanternPeriod;
      } catch (e) {
        if (e instanceof BenchmarkProblem) continue;
        throw e;
      }
      const isHidden = hidden.has(`${def.id}|${year}`);
      if (!isHidden && shownChecked >= 2) continue;
      const member = (await get(`/indicators/${def.id}?period=2026-09`, "member")).body;
      const analyst = (await get(`/indicators/${def.id}?period=2026-09`, "analyst")).body;
      const rank = row(analyst, "Rank");
      if (!rank || rank === "–") continue;
      if (isHidden) {
        assert.equal(row(member, "Rank"), "c", `${def.id}: the rank of a hidden ${year} figure`);
        assert.equal(row(member, "Quartile band"), "c", `${def.id}: its band`);
        hiddenChecked++;
      } else {
        assert.equal(row(member, "Rank"), rank, `${def.id}: a figure members may see keeps its rank`);
        shownChecked++;
      }
    }
    assert.ok(hiddenChecked > 0, "the demo has a benchmarked figure members may not see");
    assert.ok(shownChecked > 0);
  });
});

describe("commentary, targets and annotations", () => {
  test("a form holding a NUL character is refused whole, on either store, and nothing is saved", async () => {
    const count = async () => Number((await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_commentary`))[0]!.n);
    const before = await count();
    const res = await post("/indicators/referrals/comments?la=X001&period=2026-09", "analyst", { _csrf: CSRF, body: "pasted\u0000text" });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /NUL character/);
    assert.equal(await count(), before);
  });

  test("a draft comment is hidden from members until published; each change is a version", async () => {
    const url = "/indicators/referrals/comments?la=X001&period=2026-09";
    const res = await post(url, "analyst", { _csrf: CSRF, body: "Referrals <rose> after the school term." });
    assert.equal(res.statusCode, 303);
    const id = Number(res.headers["x-comment-id"]);
    const page = (role: Role) => get("/indicators/referrals?la=X001&period=2026-09", role);
    assert.match((await page("analyst")).body, /Referrals &lt;rose&gt; after the school term\./);
    assert.doesNotMatch((await page("member")).body, /school term/);
    assert.equal((await post(`/indicators/referrals/comments/${id}?la=X001&period=2026-09`, "analyst", { _csrf: CSRF, action: "publish" })).statusCode, 303);
    assert.match((await page("member")).body, /Referrals &lt;rose&gt; after the school term\./);
    const versions = await store.all<{ version: number; published: boolean }>(`SELECT version, published FROM lantern_commentary WHERE comment_id = $1 ORDER BY version`, [id]);
    assert.deepEqual(versions, [
      { version: 1, published: false },
      { version: 2, published: true },
    ]);
  });

  test("a comment can be deleted from its page; an unknown action changes nothing, and a deleted comment cannot be published again", async () => {
    const res = await post("/indicators/referrals/comments?la=X001&period=2026-09", "analyst", { _csrf: CSRF, body: "Named a child by mistake.", published: "yes" });
    const id = Number(res.headers["x-comment-id"]);
    const at = `/indicators/referrals/comments/${id}?la=X001&period=2026-09`;
    const page = (role: Role) => get("/indicators/referrals?la=X001&period=2026-09", role);
    // The page offers each comment's deletion, as it offers publishing.
    assert.match((await page("analyst")).body, new RegExp(`<form method="post" action="${at.replaceAll("?", "\\?").replaceAll("&", "&amp;")}"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="action" value="delete"><button[^>]*>Delete comment ${id}</button>`));
    assert.doesNotMatch((await page("member")).body, /Delete comment/);
    const versions = async () => Number((await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_commentary WHERE comment_id = $1`, [id]))[0]!.n);
    // An action the form does not send (or none) is refused, not taken as "unpublish".
    for (const form of [{ _csrf: CSRF, action: "archive" }, { _csrf: CSRF }] as Record<string, string>[]) {
      const bad = await post(at, "analyst", form);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /publish, unpublish or delete/);
    }
    assert.equal(await versions(), 1);
    assert.match((await page("member")).body, /Named a child by mistake\./);
    assert.equal((await post(at, "analyst", { _csrf: CSRF, action: "delete" })).statusCode, 303);
    assert.doesNotMatch((await page("member")).body, /Named a child by mistake/);
    // A page opened before the deletion still has its Publish button: it must not bring the comment back.
    const again = await post(at, "analyst", { _csrf: CSRF, action: "publish" });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /deleted/);
    assert.doesNotMatch((await page("member")).body, /Named a child by mistake/);
    assert.equal(await versions(), 2);
  });

  test("a target set in the browser is kept with its history and gives the tile a RAG", async () => {
    for (const target of ["99", "0"]) {
      const res = await post("/targets", "analyst", { _csrf: CSRF, indicator: "assess_45wd_pct", year: "2026-27", target, tolerance: "5" });
      assert.equal(res.statusCode, 303);
    }
    const page = await get("/targets", "manager");
    assert.match(page.body, /id="targets-history"/);
    assert.doesNotMatch(page.body, /Save target/, "a manager sees targets but cannot change them");
    const history = await store.all<{ version: number; target: number }>(`SELECT version, target FROM lantern_target WHERE indicator_id = 'assess_45wd_pct' ORDER BY version`);
    assert.deepEqual(history, [
      { version: 1, target: 99 },
      { version: 2, target: 0 },
    ]);
    const detail = await get("/indicators/assess_45wd_pct?period=2026-09", "analyst");
    assert.match(detail.body, /Target<\/dt><dd class="govuk-summary-list__value">0\.0% \(tolerance 5\) <strong class="govuk-tag govuk-tag--green">Green/);
    const bad = await post("/targets", "analyst", { _csrf: CSRF, indicator: "assess_45wd_pct", year: "next year", target: "1" });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /govuk-error-summary/);
  });

  test("targets out of range, years that are not financial years and unknown indicators are refused with the form shown again", async () => {
    const count = async () => (await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_target`))[0]?.n;
    const before = await count();
    const cases: [Record<string, string>, RegExp, string][] = [
      [{ indicator: "referrals", year: "2025-26", target: "1e21" }, /The target &quot;1e21&quot; is not a plain number/, "target-value"],
      [{ indicator: "referrals", year: "2025-26", target: "0x10" }, /The target &quot;0x10&quot; is not a plain number/, "target-value"],
      [{ indicator: "referrals", year: "2025-26", target: "1e200" }, /is not a plain number/, "target-value"],
      [{ indicator: "referrals", year: "2025-26", target: "99999999999999999999" }, /is too large/, "target-value"],
      [{ indicator: "referrals", year: "2025-26", target: "Infinity" }, /The target &quot;Infinity&quot; is not a plain number/, "target-value"],
      [{ indicator: "referrals", year: "2025-26", target: "-5" }, /The target cannot be negative: -5 is below 0\. Write a number of at least 0\./, "target-value"],
      [{ indicator: "assess_45wd_pct", year: "2025-26", target: "150" }, /The target 150 is not a percentage from 0 to 100\./, "target-value"],
      [{ indicator: "assess_45wd_pct", year: "2025-26", target: "-1" }, /is not a percentage from 0 to 100/, "target-value"],
      [{ indicator: "referrals", year: "2025-26", target: "10", tolerance: "-1" }, /The tolerance cannot be negative/, "target-tolerance"],
      [{ indicator: "referrals", year: "2026-28", target: "10" }, /&quot;2026-28&quot; is not a financial year: its two years must follow each other, as in 2026-27\./, "target-year"],
      [{ indicator: "referrals", year: "2025-2026", target: "10" }, /is not a financial year or a calendar year\. Write a financial year such as 2025-26/, "target-year"],
      [{ indicator: "nope", year: "2025-26", target: "10" }, /There is no indicator &quot;nope&quot;\./, "target-indicator"],
    ];
    for (const [form, message, field] of cases) {
      const res = await post("/targets", "analyst", { _csrf: CSRF, tolerance: "0", ...form });
      assert.equal(res.statusCode, 400, JSON.stringify(form));
      assert.match(res.body, message, JSON.stringify(form));
      // The summary links to the field, which carries the message and keeps what was typed.
      assert.match(res.body, new RegExp(`<a href="#${field}">`), JSON.stringify(form));
      assert.match(res.body, new RegExp(`<p class="govuk-error-message" id="${field}-error">`), JSON.stringify(form));
      assert.match(res.body, new RegExp(`id="${field}"[^>]*aria-describedby="[^"]*${field}-error"`), JSON.stringify(form));
      if (field === "target-value") assert.match(res.body, new RegExp(`id="target-value" name="target" type="text" inputmode="decimal" value="${form["target"]!.replace("+", "\\+")}"`));
    }
    assert.equal(await count(), before, "nothing was saved");
    const ok = await post("/targets", "analyst", { _csrf: CSRF, indicator: "assess_45wd_pct", year: "2025-26", target: "100", tolerance: "0" });
    assert.equal(ok.statusCode, 303, "100% is a target");
  });

  test("a target with several mistakes shows every one at once, each linked and beside its field, titled Error", async () => {
    const before = await store.all(`SELECT count(*) AS n FROM lantern_target`);
    const res = await post("/targets", "analyst", { _csrf: CSRF, indicator: "referrals", year: "next year", target: "-5", tolerance: "lots" });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Error: Targets – Lantern<\/title>/);
    const summary = /<ul class="govuk-list govuk-error-summary__list">(.*?)<\/ul>/s.exec(res.body)?.[1] ?? "";
    assert.deepEqual([...summary.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1]), ["target-year", "target-value", "target-tolerance", "target-polarity"]);
    assert.match(summary, /&quot;next year&quot; is not a financial year or a calendar year/);
    assert.match(summary, /The target cannot be negative: -5 is below 0/);
    assert.match(summary, /The tolerance &quot;lots&quot; is not a plain number/);
    for (const id of ["target-year", "target-value", "target-tolerance"]) {
      assert.match(res.body, new RegExp(`<p class="govuk-error-message" id="${id}-error">`), id);
      assert.match(res.body, new RegExp(`id="${id}"[^>]*aria-describedby="${id}-hint ${id}-error"`), id);
    }
    assert.match(res.body, /id="target-tolerance" name="tolerance" type="text" inputmode="decimal" value="lots"/);
    const none = await post("/targets", "analyst", { _csrf: CSRF, indicator: "", year: "2025-26", target: "" });
    assert.deepEqual([...none.body.matchAll(/<li><a href="#([^"]+)">/g)].map((m) => m[1]), ["target-indicator", "target-value"]);
    assert.deepEqual(await store.all(`SELECT count(*) AS n FROM lantern_target`), before);
  });

  test("an annotation on an indicator that does not exist is refused and not saved", async () => {
    const before = await store.all(`SELECT count(*) AS n FROM lantern_annotation`);
    const res = await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", indicator: "nope", date: "2024-04-01", kind: "recording_change", note: "Nothing" });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /govuk-error-summary/);
    assert.match(res.body, /There is no indicator &quot;nope&quot;\. Choose the indicator from the list\./);
    assert.deepEqual(await store.all(`SELECT count(*) AS n FROM lantern_annotation`), before);
  });

  test("an annotation saved in the browser is listed and drawn on the indicator's chart", async () => {
    const res = await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", indicator: "contacts", date: "2024-04-01", kind: "recording_change", note: "New case system" });
    assert.equal(res.statusCode, 303);
    assert.match((await get("/annotations", "manager")).body, /New case system/);
    const detail = await get("/indicators/contacts?period=2026-09", "analyst");
    assert.match(detail.body, /<title>2024-04-01: recording change: New case system<\/title>/);
  });

  test("yearly averages across a recording change say that the years before it are not comparable with those after, and which year mixes the two", async () => {
    const page = async () => (await get("/indicators/cin_plans_started?la=X001&period=2026-09", "member")).body;
    const averages = (body: string) => body.slice(body.indexOf(">Yearly averages</h2>"), body.indexOf(">Compared with England and statistical neighbours</h2>"));
    assert.doesNotMatch(averages(await page()), /breaks this series/);
    const res = await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", indicator: "cin_plans_started", date: "2025-10-01", kind: "recording_change", note: "Plans recorded in the new case system." });
    assert.equal(res.statusCode, 303);
    assert.match(
      averages(await page()),
      /<\/table>[\s\S]*<p class="govuk-body">A recording change on 2025-10-01 \(Plans recorded in the new case system\) breaks this series: the averages of years before it are not comparable with those after it, and 2025-26(?:'|&#39;|&#x27;)s mixes figures recorded before and after it\.<\/p>/,
    );
  });

  test("a target on an indicator with no better direction is drawn on the SPC chart, and the chart's words say it is there, not that none is set", async () => {
    // The browser's form asks which way is better for such an indicator; targets.csv may leave it blank.
    const { writeFileSync, rmSync } = await import("node:fs");
    const file = join(dataDir, "targets.csv");
    writeFileSync(file, "indicator,year,target,tolerance,polarity\neh_started,2026-27,120,6,\n");
    // Any saved change starts the pages afresh, so they read the file.
    const touch = async () => assert.equal((await post("/targets", "analyst", { _csrf: CSRF, indicator: "assess_45wd_pct", year: "2020-21", target: "80", tolerance: "0" })).statusCode, 303);
    await touch();
    const page = (await get("/indicators/eh_started?la=X001&period=2026-09", "analyst")).body;
    rmSync(file, { force: true });
    await touch();
    const svg = /<svg[^>]*id="spc-chart"[\s\S]*?<\/svg>/.exec(page)![0];
    assert.match(svg, /<title>Target: 10<\/title>/, "a month's share of the year's 120 is drawn");
    const desc = /<desc id="spc-chart-desc">([^<]*)<\/desc>/.exec(svg)![1]!;
    assert.doesNotMatch(desc, /No target is set/);
    assert.match(desc, /The target of 10 gives no assurance because no direction of improvement is set\./);
    assert.match(page, /<p class="govuk-body">[^<]*The target of 10 gives no assurance/, "the words above the chart say the same");
  });

  test("a month's share of a year's target is shown with its tolerance as a person reads it, not as the float the division left (0.16666666666666666)", async () => {
    assert.equal((await post("/targets", "analyst", { _csrf: CSRF, indicator: "eh_ended", year: "2026-27", target: "100", tolerance: "2", polarity: "higher" })).statusCode, 303);
    const page = (await get("/indicators/eh_ended?la=X001&period=2026-09", "analyst")).body;
    const target = /<dt class="govuk-summary-list__key">Target<\/dt><dd class="govuk-summary-list__value">([^<]*)/.exec(page)![1]!;
    assert.equal(target.trim(), "8.3 (tolerance 0.2)");
  });

  test("each number a chart puts on an annotation is that annotation's number in the list under it; one dated before the months charted is listed apart, and the key speaks of no line the chart does not draw", async () => {
    const note = async (indicator: string, date: string, text: string) => assert.equal((await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", indicator, date, kind: "note", note: text })).statusCode, 303);
    // Charted numbers and the numbered list, as [number, note] pairs.
    const numbered = (body: string, chart: string) => {
      const svg = new RegExp(`<svg[^>]*id="${chart}"[\\s\\S]*?</svg>`).exec(body)![0];
      const drawn = [...svg.matchAll(/<text[^>]*>(\d+)<title>\d{4}-\d{2}-\d{2}: note: ([^<]*)<\/title><\/text>/g)].map((m) => [m[1], m[2]]);
      const list = /<ol class="govuk-list govuk-list--number"[^>]*>([\s\S]*?)<\/ol>/.exec(body)?.[1] ?? "";
      const listed = [...list.matchAll(/<li>\d{4}-\d{2}-\d{2}: ([^<]*) \(note\)<\/li>/g)].map((m, i) => [String(i + 1), m[1]]);
      return { drawn, listed };
    };
    // A run chart (a stock): one note years before its months, one among them.
    await note("cla_rate", "2021-06-01", "Old case system");
    await note("cla_rate", "2025-06-01", "New placements team");
    const run = (await get("/indicators/cla_rate?la=X001&period=2026-09", "analyst")).body;
    assert.match(run, /id="run-chart"/);
    const r = numbered(run, "run-chart");
    assert.deepEqual(r.drawn, [["1", "New placements team"]]);
    assert.deepEqual(r.listed, r.drawn, "the chart's 1 is the list's 1");
    assert.match(run, /2021-06-01: Old case system \(note\)/, "the earlier note is still listed");
    // An SPC chart with a note only before its months: no line drawn, so none spoken of, and no empty list.
    await note("eh_started", "2021-06-01", "Early help moved to the council");
    const spc = (await get("/indicators/eh_started?la=X001&period=2026-09", "analyst")).body;
    assert.match(spc, /id="spc-chart"/);
    assert.deepEqual(numbered(spc, "spc-chart").drawn, []);
    assert.doesNotMatch(spc, /A blue upright line marks/);
    assert.doesNotMatch(spc, /<ol class="govuk-list govuk-list--number"><\/ol>/);
    assert.match(spc, /2021-06-01: Early help moved to the council \(note\)/);
  });
});

describe("periods asked for", () => {
  const valueRow = (body: string) => /<dt class="govuk-summary-list__key">Value<\/dt><dd class="govuk-summary-list__value">([^<]*)</.exec(body)?.[1];

  test("an indicator published by calendar year offers calendar years and shows the calendar-year value; its records are served and audited for that year", async () => {
    const [year] = await store.all<{ period_id: string; value: number }>(
      `SELECT period_id, value FROM lantern_indicator_value WHERE breakdown = '' AND indicator_id = 'ehcp_20wk_pct' AND length(period_id) = 4 AND value IS NOT NULL ORDER BY period_id DESC LIMIT 1`,
    );
    assert.ok(year, "the demo has a calendar year of EHC plans");
    const res = await get(`/indicators/ehcp_20wk_pct?la=X001&period=${year.period_id}`, "analyst");
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(`<title>New EHC plans issued within 20 weeks, excluding exceptions, ${year.period_id} – Lantern</title>`));
    assert.match(res.body, new RegExp(`<optgroup label="Calendar years">[^]*?<option value="${year.period_id}" selected>${year.period_id}</option>`));
    assert.equal(valueRow(res.body), `${year.value.toFixed(1)}%`);
    assert.match(res.body, /<caption[^>]*>New EHC plans issued within 20 weeks, excluding exceptions by calendar year<\/caption>/);
    assert.match(res.body, /<a href="\/\?la=X001" class="govuk-back-link">/, "the dashboard has no calendar years: back to its latest month");
    assert.doesNotMatch((await get("/indicators/contacts", "analyst")).body, /Calendar years/, "contacts are not counted by calendar year");
    assert.doesNotMatch((await get("/", "analyst")).body, /Calendar years/);
    const records = await get(`/indicators/ehcp_20wk_pct/records?la=X001&period=${year.period_id}&part=denominator`, "analyst");
    assert.equal(records.statusCode, 200);
    assert.match(records.body, new RegExp(`· Lanternshire \\(X001\\) · ${year.period_id}</span>`));
    const [seen] = await store.all<{ detail: string }>(`SELECT detail FROM lantern_audit WHERE action = 'records.view' ORDER BY audit_id DESC LIMIT 1`);
    assert.equal(JSON.parse(seen!.detail).period, year.period_id);
  });

  test("a period that is not one, or has no figures on the page, is a 400 or 404 page naming it and the periods there are", async () => {
    const cases: [string, number, RegExp][] = [
      ["/?period=bogus", 400, /&quot;bogus&quot; is not a period\. Periods are written 2025-01 \(a month\)/],
      ["/indicators/ehcp_20wk_pct?period=2026-27-Q5", 400, /&quot;2026-27-Q5&quot; is not a period/],
      ["/indicators/contacts.csv?period=2025-13", 400, /&quot;2025-13&quot; is not a period/],
      ["/flow?period=12m-2099-01", 404, /There are no figures for 12 months to January 2099: the data loaded for X001 does not cover all of it\./],
      ["/early-warning?period=2099-01", 404, /There are no figures for January 2099/],
      ["/?period=2024", 404, /The dashboard has no figures by calendar year, so none for 2024\. Calendar years are shown on the pages of the indicators published by calendar year: [^<]*New EHC plans issued within 20 weeks, excluding exceptions/],
      ["/indicators/contacts?period=2024", 404, /Contacts has no figures by calendar year, so none for 2024\./],
      ["/indicators/referrals?period=2030-31", 404, /There are no figures for 2030-31/],
      ["/reports?period=bogus", 400, /&quot;bogus&quot; is not a period/],
      // A period written as people write it is named as Lantern writes it, never taken for it.
      ["/?period=2024%2F25", 400, /&quot;2024\/25&quot; is not a period: Lantern writes that period 2024-25\. Periods are written/],
      ["/?la=Z999", 404, /No data has been loaded for the authority &quot;Z999&quot;\. Data is loaded for: X001/],
    ];
    for (const [url, status, says] of cases) {
      const res = await get(url, "member");
      assert.equal(res.statusCode, status, url);
      assert.match(res.body, says, url);
      if (!url.includes("la=")) assert.match(res.body, /<ul class="govuk-list govuk-list--bullet" id="periods-available"><li>(Months: April 2020 to September 2026|Quarters: [^<]+)<\/li>/, url);
      // "Show the latest month" opens a page, never the CSV download the refused address was.
      if (!url.includes("la=")) assert.match(res.body, new RegExp(`<a class="govuk-link" href="${url.split("?")[0]!.replace(/\.csv$/, "")}\\?la=X001">Show the latest`), url);
    }
    const calendar = await get("/indicators/ehcp_20wk_pct?period=2099", "member");
    assert.match(calendar.body, /<li>Calendar years: \d{4} to \d{4}<\/li>/, "an indicator's own kinds are listed");
    // The report calendar links reports whose data has not arrived: the form says why another period is chosen.
    const due = await get("/reports?period=2026-27-Q3", "member");
    assert.equal(due.statusCode, 200);
    assert.match(due.body, /id="report-notice">The report for Q3 2026-27 cannot be produced from the data loaded: the data does not cover all of it yet\. The latest period the data covers is chosen below\./);
    // Only a missing period means the latest month.
    assert.match((await get("/", "member")).body, /<title>Dashboard, September 2026 – Lantern<\/title>/);
    assert.match((await get("/?period=", "member")).body, /<title>Dashboard, September 2026 – Lantern<\/title>/);
  });

  test("every page taking an authority answers a 404 page naming an unknown one and listing those loaded, instead of showing the first", async () => {
    for (const [url, role] of [
      ["/data?la=Z999", "analyst"],
      ["/targets?la=Z999", "manager"],
      ["/annotations?la=Z999", "manager"],
      ["/reports?la=Z999", "member"],
      ["/flow?la=Z999", "member"],
      ["/early-warning?la=Z999", "member"],
      ["/indicators/referrals?la=Z999", "member"],
      ["/indicators/referrals.csv?la=Z999", "member"],
    ] as const) {
      const res = await get(url, role);
      assert.equal(res.statusCode, 404, url);
      assert.match(res.body, /<h1 class="govuk-heading-l">No data for that authority<\/h1>/, url);
      assert.match(res.body, /No data has been loaded for the authority &quot;Z999&quot;\. Data is loaded for: [^<]*X001/, url);
    }
    // The authority loaded, or none named, is shown as before.
    for (const url of ["/data", "/data?la=X001", "/targets", "/targets?la=X001"]) assert.equal((await get(url, "analyst")).statusCode, 200, url);
    assert.match((await get("/data?la=X001", "analyst")).body, /id="authority" name="authority" type="text" value="X001"/);
  });

  test("records and comments for a period or authority with no figures are refused: no records audited, no comment saved", async () => {
    const count = async (sql: string) => Number((await store.all<{ n: number }>(sql))[0]?.n);
    const views = await count(`SELECT count(*) AS n FROM lantern_audit WHERE action = 'records.view'`);
    const comments = await count(`SELECT count(*) AS n FROM lantern_commentary`);
    for (const period of ["2099-01", "bogus", "2024", "12m-2099-01"]) {
      const records = await get(`/indicators/contacts/records?la=X001&period=${period}`, "analyst");
      assert.ok([400, 404].includes(records.statusCode), `${period}: ${records.statusCode}`);
      assert.doesNotMatch(records.body, /Records behind/);
      const posted = await post(`/indicators/contacts/comments?la=X001&period=${period}`, "analyst", { _csrf: CSRF, body: "Saved against the wrong month?" });
      assert.ok([400, 404].includes(posted.statusCode), `${period}: ${posted.statusCode}`);
      assert.match(posted.body, /The comment was not saved\./);
    }
    const noPeriod = await post("/indicators/contacts/comments?la=X001", "analyst", { _csrf: CSRF, body: "Which month?" });
    assert.equal(noPeriod.statusCode, 400);
    assert.match(noPeriod.body, /did not say which period the comment is on/);
    assert.equal((await post("/indicators/contacts/comments?la=Z999&period=2026-09", "analyst", { _csrf: CSRF, body: "Which authority?" })).statusCode, 404);
    assert.equal((await get("/indicators/contacts/records?la=Z999&period=2026-09", "analyst")).statusCode, 404);
    assert.equal(await count(`SELECT count(*) AS n FROM lantern_audit WHERE action = 'records.view'`), views);
    assert.equal(await count(`SELECT count(*) AS n FROM lantern_commentary`), comments);
  });
});

describe("saving says so", () => {
  const banner = /<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="saved-banner-title"[^>]*><div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="saved-banner-title">Success<\/h2><\/div><div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">([^<]*)<\/p>/;
  const follow = async (res: Awaited<ReturnType<typeof get>>) => {
    assert.equal(res.statusCode, 303);
    return get(String(res.headers.location).split("#")[0]!, "analyst");
  };

  test("a saved target, annotation or comment is confirmed by a success banner after the redirect", async () => {
    const target = await follow(await post("/targets", "analyst", { _csrf: CSRF, indicator: "referrals", year: "2027-28", target: "500", tolerance: "0", polarity: "lower" }));
    assert.equal(banner.exec(target.body)?.[1], "The target was saved. It is in force now, and listed below with its history.");
    const note = await follow(await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", indicator: "contacts", date: "2024-07-01", kind: "note", note: "Banner check" }));
    assert.equal(banner.exec(note.body)?.[1], "The annotation was saved. It is listed below and shown on its indicators&#39; pages.");
    const draft = await post("/indicators/referrals/comments?la=X001&period=2026-09", "analyst", { _csrf: CSRF, body: "Banner check comment." });
    assert.match(String(draft.headers.location), /&saved=comment#commentary$/);
    assert.equal(banner.exec((await follow(draft)).body)?.[1], "The comment was saved. It is a draft, seen only by staff, until it is published.");
    const id = String(draft.headers["x-comment-id"]);
    const published = await follow(await post(`/indicators/referrals/comments/${id}?la=X001&period=2026-09`, "analyst", { _csrf: CSRF, action: "publish" }));
    assert.equal(banner.exec(published.body)?.[1], "The comment was published: members can now see it.");
    // Publishing or unpublishing from an address without an authority or a period: the way back
    // leaves out what it was not given (no empty la=) and keeps what it was.
    const at = `/indicators/referrals/comments/${id}`;
    for (const [query, action, location] of [
      ["?period=2026-09", "unpublish", "/indicators/referrals?period=2026-09&saved=unpublished#commentary"],
      ["", "publish", "/indicators/referrals?saved=published#commentary"],
      ["?la=X001", "unpublish", "/indicators/referrals?la=X001&saved=unpublished#commentary"],
      ["?la=&period=", "publish", "/indicators/referrals?saved=published#commentary"],
      ["?la=X001&period=2026-09", "unpublish", "/indicators/referrals?la=X001&period=2026-09&saved=unpublished#commentary"],
    ] as const) {
      const res = await post(`${at}${query}`, "analyst", { _csrf: CSRF, action });
      assert.equal(res.headers.location, location, query);
      assert.match(banner.exec((await follow(res)).body)?.[1] ?? "", /^The comment was (published|unpublished)/, query);
    }
    // Only the words the server has: the address cannot put its own on the page.
    assert.doesNotMatch((await get("/targets?saved=%3Cb%3Ehello", "analyst")).body, /govuk-notification-banner|hello/);
    assert.doesNotMatch((await get("/indicators/referrals?la=X001&period=2026-09", "analyst")).body, /govuk-notification-banner/);
  });
});

describe("forms that refuse keep what was typed", () => {
  test("an empty or over-long comment re-shows the indicator page with the error beside the text, which is kept", async () => {
    const before = await store.all(`SELECT count(*) AS n FROM lantern_commentary`);
    const long = `Referrals rose. ${"x".repeat(60_000)}`;
    for (const [body, message] of [
      ["   ", "A comment needs some text."],
      [long, `A comment can be at most 5000 characters; this one has ${long.length}.`],
    ] as const) {
      const res = await post("/indicators/contacts/comments?la=X001&period=2026-09", "analyst", { _csrf: CSRF, body, published: "yes" });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /<title>Error: Contacts, September 2026 – Lantern<\/title>/);
      assert.match(res.body, /<h1 class="govuk-heading-l">Contacts <span class="govuk-caption-l">Lanternshire \(X001\) · September 2026<\/span><\/h1>/, "still the indicator page");
      assert.ok(res.body.includes(`<h2 class="govuk-error-summary__title">The comment was not saved</h2><div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list"><li><a href="#comment-body">${message}</a>`), message);
      assert.ok(res.body.includes(`<p class="govuk-error-message" id="comment-body-error"><span class="govuk-visually-hidden">Error:</span> ${message}</p>`));
      assert.ok(res.body.includes(`aria-describedby="comment-hint comment-body-error">${body}</textarea>`), "the text is kept as typed");
      assert.match(res.body, /id="comment-published" name="published" type="checkbox" value="yes" checked>/);
    }
    assert.deepEqual(await store.all(`SELECT count(*) AS n FROM lantern_commentary`), before);
  });

  test("a comment, note or form too long for the server to receive gets a page saying the limit in characters and linking back; nothing is saved", async () => {
    const count = async (table: string) => Number((await store.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
    const before = [await count("lantern_commentary"), await count("lantern_annotation"), await count("lantern_target")];
    const huge = `Referrals rose. ${"x".repeat(70_000)}`;
    const comment = await post("/indicators/contacts/comments?la=X001&period=2026-09", "analyst", { _csrf: CSRF, body: huge });
    assert.equal(comment.statusCode, 413);
    assert.match(comment.body, /<title>The comment was too long to send – Lantern<\/title>/);
    assert.match(comment.body, /<h1 class="govuk-heading-l">The comment was too long to send<\/h1>/);
    assert.match(comment.body, /Comments can be at most 5,000 characters\. Yours was too long for the server to receive at all \(a form can carry at most 64 KB\), so it was not saved and its text could not be kept to show again\. Use your browser&#39;s Back button, which usually keeps what you typed, then shorten it to 5,000 characters or fewer and save it again\./);
    assert.match(comment.body, /<a class="govuk-link" href="\/indicators\/contacts\?la=X001&amp;period=2026-09#commentary">Go back to the indicator page<\/a>/);
    const note = await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", indicator: "contacts", date: "2024-04-01", kind: "note", note: huge });
    assert.equal(note.statusCode, 413);
    assert.match(note.body, /An annotation&#39;s note can be at most 2,000 characters\. Yours was too long for the server to receive at all/);
    assert.match(note.body, /<a class="govuk-link" href="\/annotations">Go back to the annotations page<\/a>/);
    const target = await post("/targets", "analyst", { _csrf: CSRF, indicator: "referrals", year: "2025-26", target: huge });
    assert.equal(target.statusCode, 413);
    assert.match(target.body, /<h1 class="govuk-heading-l">The form was too long to send<\/h1>/);
    assert.match(target.body, /<a class="govuk-link" href="\/targets">Go back to the form<\/a>/);
    for (const res of [comment, note, target]) assert.doesNotMatch(res.body, /The request is larger than this server accepts|Too large/);
    assert.deepEqual([await count("lantern_commentary"), await count("lantern_annotation"), await count("lantern_target")], before);
  });

  test("the annotation form starts on a plain note, says what each kind does, and warns that everyone reads the note", async () => {
    const page = (await get("/annotations?la=X001", "analyst")).body;
    assert.match(page, /<select class="govuk-select" id="ann-kind" name="kind" aria-describedby="ann-kind-hint"><option value="note" selected>note<\/option><option value="service_change">service change<\/option><option value="recording_change">recording change \(restarts SPC limits, breaks comparisons\)<\/option><\/select>/);
    assert.match(page, /<div class="govuk-hint" id="ann-kind-hint">[^<]*A recording change \(the data was recorded differently from this date\) restarts the SPC chart&#39;s limits from that date and stops trends and year-on-year comparisons across it/);
    assert.match(page, /<div class="govuk-hint" id="ann-note-hint">Everyone who can see the indicator reads this note, including councillors \(members\) and readers of public committee reports, so do not name or describe children, families or staff\. At most 2,000 characters\.<\/div>/);
    assert.match(page, /<textarea class="govuk-textarea" id="ann-note" name="note" rows="3" aria-describedby="ann-note-hint">/);
    // A form sent without choosing a kind is saved as a note, never as a recording change.
    const res = await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", indicator: "contacts", date: "2024-06-01", kind: "", note: "Kind left unchosen" });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<option value="note" selected>/);
  });

  test("an annotation without a date asks for one; a wrong date is quoted", async () => {
    const res = await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", indicator: "contacts", date: "  ", kind: "note", note: "Dated later" });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<a href="#ann-date">Enter the date of the annotation, as YYYY-MM-DD\.<\/a>/);
    assert.match(res.body, /<p class="govuk-error-message" id="ann-date-error"><span class="govuk-visually-hidden">Error:<\/span> Enter the date of the annotation, as YYYY-MM-DD\.<\/p>/);
    assert.doesNotMatch(res.body, /is not a date/);
    const wrong = await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", indicator: "contacts", date: "1 April", kind: "note", note: "Dated later" });
    assert.match(wrong.body, /1 April is not a date; write it as YYYY-MM-DD\./);
  });

  test("a refused annotation keeps every field; an area can be annotated; long notes and implausible dates are refused, not cut", async () => {
    const count = async () => (await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_annotation`))[0]?.n;
    const before = await count();
    const note = "My long careful note about the new front door & its <rules>.";
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ indicator: "contacts", date: "2024-02-30", kind: "service_change", note }, "ann-date", /2024-02-30 is not a date; write it as YYYY-MM-DD\./],
      [{ indicator: "contacts", date: "1800-01-01", kind: "note", note }, "ann-date", /The date 1800-01-01 is not plausible: an annotation&#39;s date must be from 2000-01-01 to \d{4}-\d{2}-\d{2} \(a year from today\)\./],
      [{ indicator: "", area: "missing", date: "2999-01-01", kind: "recording_change", note }, "ann-date", /The date 2999-01-01 is not plausible/],
      [{ indicator: "", area: "", date: "2024-04-01", kind: "note", note }, "ann-indicator", /Say what the annotation is about: an indicator or an area\./],
      [{ indicator: "contacts", area: "front_door", date: "2024-04-01", kind: "note", note }, "ann-indicator", /An annotation is about an indicator or an area, not both\./],
      [{ indicator: "contacts", date: "2024-04-01", kind: "note", note: `${note}${"z".repeat(2000)}` }, "ann-note", /A note can be at most 2,000 characters; this one has 2,060\./],
    ];
    for (const [form, field, message] of cases) {
      const res = await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", ...form });
      assert.equal(res.statusCode, 400, JSON.stringify(form));
      assert.match(res.body, message, JSON.stringify(form));
      assert.match(res.body, new RegExp(`<a href="#${field}">`), JSON.stringify(form));
      assert.match(res.body, new RegExp(`<p class="govuk-error-message" id="${field}-error">`), JSON.stringify(form));
      // What was typed is all there again.
      assert.ok(res.body.includes(`id="ann-date" name="date" type="text" value="${form["date"]}"`), JSON.stringify(form));
      assert.ok(res.body.includes(`>${form["note"]!.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")}</textarea>`), JSON.stringify(form));
      if (form["indicator"]) assert.match(res.body, new RegExp(`<option value="${form["indicator"]}" selected>`));
      if (form["area"]) assert.match(res.body, new RegExp(`<option value="${form["area"]}" selected>`));
      assert.match(res.body, new RegExp(`<option value="${form["kind"]}" selected>`));
    }
    assert.equal(await count(), before, "nothing was saved");
    assert.equal((await post("/annotations", "analyst", { _csrf: CSRF, la: "Z999", indicator: "contacts", date: "2024-04-01", kind: "note", note })).statusCode, 404, "an authority not loaded");
    const area = await post("/annotations", "analyst", { _csrf: CSRF, la: "X001", indicator: "", area: "missing", date: "2024-05-01", kind: "recording_change", note: "The police changed how missing episodes are recorded." });
    assert.equal(area.statusCode, 303);
    const [saved] = await store.all<{ indicator_id: string | null; area: string | null }>(`SELECT indicator_id, area FROM lantern_annotation WHERE note LIKE 'The police changed%'`);
    assert.deepEqual({ ...saved }, { indicator_id: null, area: "missing" });
    assert.match((await get("/annotations", "manager")).body, /<td class="govuk-table__cell">Missing<\/td><td class="govuk-table__cell">recording change<\/td><td class="govuk-table__cell">The police changed how missing episodes are recorded\.<\/td>/);
    // An area's note applies to each of its indicators.
    // (Too few episodes a month in the small demo to chart, so it is listed rather than marked on the chart.)
    assert.match((await get("/indicators/missing_episodes?period=2026-09", "analyst")).body, /<li>2024-05-01: The police changed how missing episodes are recorded\. \(recording change\)<\/li>/);
  });
});

describe("figures with no value", () => {
  const tileOf = (body: string, title: string) => body.split('<li class="lantern-tile">').find((t) => t.includes(`>${title}</a></h3>`)) ?? "";

  test("a tile or an indicator page showing – says why, when nothing at all is stored for the period", async () => {
    const month = await get("/?period=2026-09", "member");
    for (const title of ["Social worker turnover rate", "Agency social worker rate", "Children electively home educated", "Children missing education", "Social worker vacancy rate"]) {
      const tile = tileOf(month.body, title);
      assert.match(tile, /<p class="lantern-tile__value">– /, title);
      assert.match(tile, /<p class="govuk-body-s lantern-tile__reason">not loaded: no figure in measures\.csv for September 2026<\/p>/, title);
    }
    const quarter = await get("/?period=2026-27-Q2", "member");
    assert.match(tileOf(quarter.body, "Average social worker caseload"), /not loaded: no figure in measures\.csv for Q2 2026-27/);
    // No tile anywhere shows a bare "–".
    for (const body of [month.body, quarter.body]) {
      const tiles = body.split('<li class="lantern-tile">').slice(1);
      for (const t of tiles.filter((x) => /<p class="lantern-tile__value">– /.test(x))) assert.match(t, /lantern-tile__reason/, t.slice(0, 200));
    }
    const page = await get("/indicators/sw_turnover_rate?period=2026-09", "member");
    assert.match(page.body, /<dt class="govuk-summary-list__key">Value<\/dt><dd class="govuk-summary-list__value">– \(not loaded: no figure in measures\.csv for September 2026\)<\/dd>/);
    assert.match(page.body, /No values for months: none has been loaded from measures\.csv\./);
  });

  test("the values CSV gives the reason for every value it leaves blank or shows as c, in a last column 'reason'", async () => {
    const [nulls] = await store.all<{ n: number }>(`SELECT COUNT(*) AS n FROM lantern_indicator_value WHERE breakdown = '' AND indicator_id = 'cl_contact_8wk_pct' AND value IS NULL`);
    assert.ok(Number(nulls!.n) > 0, "the demo's care leavers in contact has periods with no value");
    for (const [id, role] of [["cl_contact_8wk_pct", "analyst"], ["cla_started", "member"]] as const) {
      const lines = (await get(`/indicators/${id}.csv`, role)).body.trimEnd().split("\n");
      assert.equal(lines[0], "authority,indicator,period,value,numerator,denominator,unit,snapshot,reason", id);
      const rows = lines.slice(1).map((l) => /^([^,]*),([^,]*),([^,]*),([^,]*),([^,]*),([^,]*),([^,]*),([^,]*),(.*)$/.exec(l)!);
      assert.ok(rows.every(Boolean), id);
      const blank = rows.filter((r) => r[4] === "" || r[4] === "c");
      assert.ok(blank.length > 0, `${id} for a ${role} has values blank or c`);
      for (const r of blank) assert.notEqual(r[9], "", `${id} ${r[3]} (${r[4] || "blank"}) says why`);
      for (const r of rows.filter((x) => x[4] !== "" && x[4] !== "c" && x[5] !== "c" && x[6] !== "c")) assert.equal(r[9], "", `${id} ${r[3]} has a value and needs no reason`);
      if (role === "member") assert.ok(blank.some((r) => r[4] === "c" && /^"?c: a small number \(1 to 5\)/.test(r[9]!)), "c is explained");
      else assert.ok(blank.some((r) => r[4] === "" && /SSD holds only each care leaver/.test(r[9]!)), "a null gives its stored reason");
    }
  });
});

/**
 * What members may not see: every figure the members' rule hides (analysis/suppression.ts), from
 * the store; whether an indicator's series from `first` back 36 months to `last` holds one; and how
 * many months run up to `month` (at most 36) since the last hidden one: what a member's SPC for
 * that month rests on (0 when the month itself is hidden).
 */
async function membersHide(from: Store): Promise<{ hidden: Set<string>; hiddenSeries: (indicator: string, first: string, last?: string) => boolean; shownRun: (indicator: string, month: string) => number }> {
  const { indicatorLibrary } = await import("../kpi/library/index.ts");
  const { storedValues } = await import("../kpi/compute.ts");
  const { suppressedKeysEveryPeriod } = await import("../analysis/suppression.ts");
  const { parsePeriod, previousPeriod } = await import("../calendar/periods.ts");
  const hidden = suppressedKeysEveryPeriod(indicatorLibrary().list(), await storedValues(from, { snapshots: [1] }));
  const hiddenSeries = (indicator: string, first: string, last = first) => {
    let from = parsePeriod(first)!;
    for (let i = 0; i < 35; i++) from = previousPeriod(from);
    for (let p = parsePeriod(last)!; p.id >= from.id; p = previousPeriod(p)) if (hidden.has(`${indicator}|${p.id}`)) return true;
    return false;
  };
  const shownRun = (indicator: string, month: string) => {
    let n = 0;
    for (let p = parsePeriod(month)!; n < 36 && !hidden.has(`${indicator}|${p.id}`); p = previousPeriod(p)) n++;
    return n;
  };
  return { hidden, hiddenSeries, shownRun };
}

/** `s` matched literally inside a regular expression. */
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const spcRows = (body: string) => [...body.matchAll(/href="\/indicators\/([a-z0-9_]+)\?[^"]*">[^<]*<\/a><\/th><td class="govuk-table__cell">special cause[^<]*<\/td><td[^>]*>[^<]*<\/td><td[^>]*>([^<]*)</g)].map((m) => ({ indicator: m[1]!, text: m[2]! }));

describe("early warning for members", () => {
  test("a member's SPC signal rests only on months they see: withheld, and said so, where fewer than 12 follow the last hidden one (the demo)", async () => {
    const { indicatorLibrary } = await import("../kpi/library/index.ts");
    const { parsePeriod, previousPeriod } = await import("../calendar/periods.ts");
    const lib = indicatorLibrary();
    const { hiddenSeries, shownRun } = await membersHide(store);
    let withheldSeen = 0;
    let p = parsePeriod("2026-09")!;
    for (let i = 0; i < 12 && withheldSeen < 2; i++, p = previousPeriod(p)) {
      const analyst = spcRows((await get(`/early-warning?period=${p.id}`, "analyst")).body);
      const member = (await get(`/early-warning?period=${p.id}`, "member")).body;
      const seen = spcRows(member);
      const listed = (title: string) => new RegExp(`Not shown because of small numbers: SPC signals and process limits for (?:[^<]*; )?${escapeRegExp(title)}[;.]`).test(member);
      for (const s of analyst) {
        const title = lib.get(s.indicator)!.title;
        if (!hiddenSeries(s.indicator, p.id)) {
          // Nothing hidden in its series: judged exactly as an analyst's.
          assert.ok(seen.some((x) => x.indicator === s.indicator && x.text === s.text), `${p.id} ${s.indicator} is shown as an analyst sees it`);
        } else if (shownRun(s.indicator, p.id) < 12) {
          withheldSeen++;
          assert.ok(!seen.some((x) => x.indicator === s.indicator), `${p.id} ${s.indicator}: its signal is not shown`);
          assert.ok(!member.includes(s.text), `${p.id} ${s.indicator}: nor its limits`);
          assert.ok(listed(title), `${p.id} ${s.indicator}: the page says why`);
        } else {
          // Judged on the months since the last hidden one: never the analyst's limits, never withheld.
          assert.ok(!seen.some((x) => x.indicator === s.indicator && x.text === s.text), `${p.id} ${s.indicator}: not on limits resting on a hidden month`);
          assert.ok(!listed(title), `${p.id} ${s.indicator}: judged, so not withheld`);
        }
      }
    }
    assert.ok(withheldSeen > 0, "the demo has a month whose SPC signal rests on too few months a member sees");
  });

  test("a quarter is judged month by month: its months' signals are listed, and for a member those resting on hidden months are not (the demo)", async () => {
    const { indicatorLibrary } = await import("../kpi/library/index.ts");
    const { parsePeriod, periodsWithin, previousPeriod } = await import("../calendar/periods.ts");
    const lib = indicatorLibrary();
    const { hiddenSeries, shownRun } = await membersHide(store);
    let checked = 0;
    let q = parsePeriod("2026-27-Q2")!;
    for (let i = 0; i < 12 && checked < 2; i++, q = previousPeriod(q)) {
      const months = periodsWithin(q.start, q.end, ["month"]).map((m) => m.id);
      const analystPage = (await get(`/early-warning?period=${q.id}`, "analyst")).body;
      assert.doesNotMatch(analystPage, /computed for months|pick a month/, "a quarter's SPC is not refused");
      assert.match(analystPage, new RegExp(`SPC signals are monthly: ${parsePeriod(months[0]!)!.label} to ${parsePeriod(months[2]!)!.label}, each month judged against the months before it`));
      const analyst = spcRows(analystPage);
      // Each signal names the months of the quarter it came from.
      for (const s of analyst) assert.match(s.text, new RegExp(`\\(monthly SPC\\): .*(${months.map((m) => parsePeriod(m)!.label).join("|")})`), s.text);
      // Withheld in every month of the quarter: too few months a member sees up to each.
      const withheld = analyst.filter((s) => months.every((m) => shownRun(s.indicator, m) < 12));
      const kept = analyst.filter((s) => !hiddenSeries(s.indicator, months[0]!, months[2]!));
      if (!withheld.length) continue;
      checked++;
      const member = (await get(`/early-warning?period=${q.id}`, "member")).body;
      const seen = spcRows(member).map((s) => s.indicator);
      for (const s of withheld) {
        assert.ok(!seen.includes(s.indicator), `${q.id} ${s.indicator}: its signal is not shown`);
        assert.ok(!member.includes(s.text), `${q.id} ${s.indicator}: nor its text`);
        assert.match(member, new RegExp(`Not shown because of small numbers: SPC signals and process limits for (?:[^<]*; )?${escapeRegExp(lib.get(s.indicator)!.title)}[;.]`), `${q.id} ${s.indicator}: the page says why`);
      }
      for (const s of kept) assert.ok(seen.includes(s.indicator), `${q.id} ${s.indicator} is still shown`);
    }
    assert.ok(checked > 0, "the demo has a quarter with SPC signals on series with hidden months");
  });

  test("what SPC could not judge is named with the reason, never an all-clear; a calendar year is refused", async () => {
    // The first quarter of data: no month has 12 months before it.
    const first = (await get("/early-warning?period=2020-21-Q1", "analyst")).body;
    assert.match(first, /Not enough months to judge\./);
    assert.match(first, /SPC could judge no indicator/);
    assert.doesNotMatch(first, /Nothing unusual/);
    // A year later some are judged, and what is not is named with its reason.
    const later = (await get("/early-warning?period=2021-22", "analyst")).body;
    assert.match(later, /Nothing unusual in the \d+ indicators? judged|special cause/);
    const calendar = await get("/early-warning?period=2025", "member");
    assert.equal(calendar.statusCode, 404);
    assert.match(calendar.body, /The early warning is not given for a calendar year/);
    assert.match(calendar.body, /12m-2025-12/);
  });
});

describe("members cannot work out a hidden figure from the figures beside it", () => {
  // A store of its own, whose figures are set here before any page is cached.
  let app2: FastifyInstance;
  let store2: Store;
  let close2: () => Promise<void>;
  const get2 = (url: string, user: Role) => app2.inject({ method: "GET", url, headers: { "x-test-user": user } });
  const valueShown = (body: string) => /<dt class="govuk-summary-list__key">Value<\/dt><dd class="govuk-summary-list__value">([^<]*)</.exec(body)?.[1];
  const countsOf = (body: string) => [...body.matchAll(/<dt class="govuk-summary-list__key">(Numerator|Denominator)<\/dt><dd class="govuk-summary-list__value">([^<]*)</g)].map((m) => m[2]);
  /** A row of the values-by-period table: value, numerator, denominator. */
  const rowOf = (body: string, label: string) => {
    const table = /<table[^>]*id="values-table"[\s\S]*?<\/table>/.exec(body)?.[0] ?? "";
    const row = new RegExp(`<th scope="row" class="govuk-table__header">${label}</th>((?:<td[^>]*>[^<]*</td>)+)`).exec(table)?.[1] ?? "";
    return [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
  };
  const set = (indicator: string, period: string, value: number, numerator: number, denominator: number | null) =>
    store2.run(`UPDATE lantern_indicator_value SET value = $1, numerator = $2, denominator = $3 WHERE snapshot_id = 1 AND breakdown = '' AND indicator_id = $4 AND period_id = $5`, [value, numerator, denominator, indicator, period]);

  before(async () => {
    const { periodsWithin } = await import("../calendar/periods.ts");
    ({ app: app2, store: store2, close: close2 } = await demoApp());
    // EHC plan requests in 2024-25: April 3, May 10, June 12, then 20 a month. April alone
    // would be Q1 (25) less May and June, so May, the next smallest, is hidden as well.
    const months = ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"];
    const counts = [3, 10, 12, 20, 20, 20, 20, 20, 20, 20, 20, 20];
    for (const [i, m] of months.entries()) await set("ehcp_requests", m, counts[i]!, counts[i]!, null);
    // The year before, 20 a month too, so the months to May 2024 average enough to chart.
    for (const m of periodsWithin("2023-04-01", "2024-03-31", ["month"])) await set("ehcp_requests", m.id, 20, 20, null);
    for (const [q, n] of [["2024-25-Q1", 25], ["2024-25-Q2", 60], ["2024-25-Q3", 60], ["2024-25-Q4", 60], ["2024-25", 205]] as const) await set("ehcp_requests", q, n, n, null);
    // Care leavers in May 2024: 20 of 40 in education, employment or training, and 20 of 37
    // leaving out those unable to take part: the 3 unable are the difference.
    await set("cl_eet_pct", "2024-05", 50, 20, 40);
    await set("cl_eet_excl_unable_pct", "2024-05", (100 * 20) / 37, 20, 37);
    // Children looked after on 31 March 2025 by age band (1 under 1, so 1-4's 17 is c as well),
    // and the share of each band in other placements, whose denominators are those counts.
    const bandRow = `INSERT INTO lantern_indicator_value (snapshot_id, la_code, indicator_id, period_id, breakdown, category, value, numerator, denominator, reason) VALUES (1, 'X001', $1, '2025-03', 'age_band', $2, $3, $4, $5, NULL)`;
    await store2.run(`DELETE FROM lantern_indicator_value WHERE snapshot_id = 1 AND breakdown = 'age_band' AND period_id = '2025-03' AND indicator_id IN ('cla_at_end', 'cla_other_placements_pct')`);
    for (const [band, n, other] of [["under 1", 1, 0], ["1-4", 17, 0], ["5-9", 22, 6], ["10-15", 41, 8], ["16-17", 20, 6]] as const) {
      await store2.run(bandRow, ["cla_at_end", band, n, n, null]);
      await store2.run(bandRow, ["cla_other_placements_pct", band, (100 * other) / n, other, n]);
    }
    await set("cla_at_end", "2025-03", 101, 101, null);
    await set("cla_other_placements_pct", "2025-03", (100 * 20) / 101, 20, 101);
    // Contacts and referrals, every month of the data: about 100 a month, then 200 a month from
    // October to December 2025 (special cause in each month of 2025-26 Q3). Referrals alone has a
    // month of 3, in October 2024, within every Q3 month's 36 months of history.
    for (const [i, m] of periodsWithin("2020-04-01", "2026-09-30", ["month"]).entries()) {
      const n = m.id >= "2025-10" && m.id <= "2025-12" ? 200 : 100 + ((i * 7) % 11) - 5;
      await set("contacts", m.id, n, n, null);
      const r = m.id === "2024-10" ? 3 : n;
      await set("referrals", m.id, r, r, null);
      // The rate counts the same referrals (its numerator is the count), per 10,000 of about 60,000 children.
      await set("referral_rate", m.id, r / 6, r, 60_000);
    }
    // November 2025's flow, past the contacts and referrals set above (200 each): more assessments
    // than referrals (no share: 125.0 per 100), more conferences than enquiries (a share, but over
    // 100, so per 100 too), and plans a share of conferences under 100 (80.0%).
    for (const [id, n] of [["assessments_completed", 250], ["s47_started", 20], ["icpc", 25], ["cpp_started", 20]] as const) await set(id, "2025-11", n, n, null);
    // Counts add up over months, as computed ones do: every quarter, year and rolling or calendar
    // year of the counts set above is made the sum of its months (a member's protection over time
    // is for figures that add up).
    const { parsePeriod } = await import("../calendar/periods.ts");
    for (const id of ["ehcp_requests", "contacts", "referrals"]) {
      const rows = await store2.all<{ period_id: string; value: number }>(`SELECT period_id, value FROM lantern_indicator_value WHERE snapshot_id = 1 AND breakdown = '' AND indicator_id = $1`, [id]);
      const month = new Map(rows.filter((r) => parsePeriod(r.period_id)?.kind === "month").map((r) => [r.period_id, Number(r.value)]));
      for (const r of rows) {
        const p = parsePeriod(r.period_id);
        if (!p || p.kind === "month") continue;
        const n = periodsWithin(p.start, p.end, ["month"]).reduce((a, m) => a + (month.get(m.id) ?? 0), 0);
        await set(id, r.period_id, n, n, null);
      }
    }
    const check = await store2.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_indicator_value WHERE snapshot_id = 1 AND breakdown = '' AND ((indicator_id = 'ehcp_requests' AND value IN (3, 10, 12, 20, 25, 60, 205)) OR (indicator_id LIKE 'cl_eet%' AND numerator = 20))`);
    assert.ok(Number(check[0]!.n) >= 19, "the figures were set");
  });
  after(async () => {
    await close2();
  });

  test("a month that its quarter and the other months would give away is c for a member, on every page; an analyst sees it", async () => {
    const analyst = (await get2("/indicators/ehcp_requests?period=2024-05", "analyst")).body;
    assert.equal(valueShown(analyst), "10");
    const months = (body: string) => ["April 2024", "May 2024", "June 2024"].map((m) => rowOf(body, m)[0]);
    assert.deepEqual(months((await get2("/indicators/ehcp_requests?period=2024-06", "analyst")).body), ["3", "10", "12"]);
    const member = (await get2("/indicators/ehcp_requests?period=2024-05", "member")).body;
    assert.equal(valueShown(member), "c", "May is not small, but would give April away");
    assert.deepEqual(months((await get2("/indicators/ehcp_requests?period=2024-06", "member")).body), ["c", "c", "12"]);
    // The quarter is still shown: with May shown, April would be 25 − 10 − 12.
    assert.equal(valueShown((await get2("/indicators/ehcp_requests?period=2024-25-Q1", "member")).body), "25");
    // Nor does the chart plot it: a member's chart runs on the months after the last hidden one, none here.
    assert.doesNotMatch(member, /id="spc-chart"/);
    assert.match(analyst, /id="spc-chart"/);
    // The member sees the months drawn alone (a run chart), April and May as gaps, in the chart
    // and in its table; the analyst's page has the SPC chart instead.
    const run = /<svg[^>]*id="run-chart"[\s\S]*?<\/svg>/.exec(member)?.[0] ?? "";
    assert.match(run, /<title>March 2024: /);
    assert.doesNotMatch(run, /<title>(April|May) 2024:/);
    assert.match(run, /\(\d+ not shown\)/);
    const runTable = /<table[^>]*id="run-table"[\s\S]*?<\/table>/.exec(member)?.[0] ?? "";
    const runCell = (m: string) => new RegExp(`<th scope="row" class="govuk-table__header">${m}</th><td[^>]*>([^<]*)</td>`).exec(runTable)?.[1];
    assert.deepEqual(["March 2024", "April 2024", "May 2024"].map(runCell), [rowOf(analyst, "March 2024")[0], "c", "c"]);
    assert.doesNotMatch(analyst, /id="run-chart"/);
    // The CSV download and the dashboard tile say the same.
    const csv = (await get2("/indicators/ehcp_requests.csv", "member")).body;
    assert.match(csv, /,ehcp_requests,2024-05,c,c,,count,/);
    assert.match((await get2("/indicators/ehcp_requests.csv", "analyst")).body, /,ehcp_requests,2024-05,10,10,,count,/);
    const tile = (body: string) => /href="\/indicators\/ehcp_requests\?[^"]*">[^<]*<\/a><\/h3>\s*<p class="lantern-tile__value">([^ <]*)/.exec(body)?.[1];
    assert.equal(tile((await get2("/?period=2024-05", "member")).body), "c");
    assert.equal(tile((await get2("/?period=2024-05", "analyst")).body), "10");
    // The twelve months to May 2025 hold May 2024 no more: the rolling year to April 2025 would give it away with the months shown.
    assert.equal(valueShown((await get2("/indicators/ehcp_requests?period=12m-2025-04", "member")).body), "c");
  });

  test("an age band of children looked after that is c is c too as the denominator of the share of them in other placements", async () => {
    const rows = (body: string) => {
      const at = body.indexOf('">By age band');
      const t = at < 0 ? "" : body.slice(at, body.indexOf("</table>", at));
      return new Map([...t.matchAll(/<tr[^>]*><th scope="row"[^>]*>([^<]*)<\/th>((?:<td[^>]*>[^<]*<\/td>)+)<\/tr>/g)].map((m) => [m[1]!, [...m[2]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]!)]));
    };
    const page = async (id: string, user: Role) => rows((await get2(`/indicators/${id}?period=2025-03`, user)).body);
    const counted = await page("cla_at_end", "member");
    assert.deepEqual([counted.get("under 1")?.[0], counted.get("1-4")?.[0], counted.get("5-9")?.[0]], ["c", "c", "22"], "1 under 1, and 1-4 with it (the total is shown)");
    // 101 less 22, 41 and 20 is 18: the 1-4 band's 17, read off the share's denominator, would leave the 1 under 1.
    const share = await page("cla_other_placements_pct", "member");
    assert.deepEqual(share.get("1-4"), ["c", "c", "c"]);
    assert.equal(share.get("5-9")?.[2], "22", "a band shown where it is counted is shown here too");
    assert.deepEqual((await page("cla_other_placements_pct", "analyst")).get("1-4"), ["0.0%", "0", "17"], "an analyst sees it");
  });

  test("a quarter's early warning lists the signals of its months; a member's SPC runs only on the months after the last one hidden from them", async () => {
    const signals = (body: string) => spcRows(body).filter((s) => s.indicator === "contacts" || s.indicator === "referrals");
    const analyst = signals((await get2("/early-warning?period=2025-26-Q3", "analyst")).body);
    assert.deepEqual(analyst.map((s) => s.indicator).sort(), ["contacts", "referrals"]);
    for (const s of analyst) assert.match(s.text, /\(monthly SPC\): special cause[^:]* in October 2025, November 2025 and December 2025\. 200 in December 2025/, s.text);
    // Referrals' 3 in October 2024 is c for a member, and so is November 2024 (with the quarter
    // shown it would give October away). November and December 2025 have 12 months after it: the
    // member's SPC runs on those alone, so it signals in them, on limits of its own; October 2025
    // has 11, too few, so it is withheld there, and the page says so.
    const memberPage = (await get2("/early-warning?period=2025-26-Q3", "member")).body;
    const member = signals(memberPage);
    assert.deepEqual(member.map((s) => s.indicator).sort(), ["contacts", "referrals"]);
    assert.equal(member.find((s) => s.indicator === "contacts")!.text, analyst.find((s) => s.indicator === "contacts")!.text, "a series with nothing hidden is judged as an analyst's is");
    assert.match(member.find((s) => s.indicator === "referrals")!.text, /\(monthly SPC\): special cause[^:]* in November 2025 and December 2025\. 200 in December 2025: .*upper process limit of 129\.05.* Judged on the months from December 2024: an earlier month is not shown\.$/);
    assert.doesNotMatch(analyst.find((s) => s.indicator === "referrals")!.text, /129\.05/, "the analyst's limits rest on every month");
    const withheldReferrals = (months: string) => new RegExp(`Not shown because of small numbers: SPC signals and process limits for (?:[^<]*; )?Referrals${months}[;.]`);
    assert.match(memberPage, withheldReferrals(" \\(October 2025\\)"));
    assert.match(memberPage, /Here SPC is run only on the months since the last one not shown/);
    // July to September 2025 have 8 to 10 months after it: withheld in all three.
    const before = (await get2("/early-warning?period=2025-26-Q2", "member")).body;
    assert.deepEqual(signals(before).filter((s) => s.indicator === "referrals"), []);
    assert.match(before, withheldReferrals(""));
    // The indicator page charts the same months for a member, and says where its chart starts.
    const page = (await get2("/indicators/referrals?period=2025-12", "member")).body;
    assert.match(page, /id="spc-chart"/);
    assert.match(page, /The chart starts in December 2024: the months before it include November 2024, not shown/);
    assert.doesNotMatch((await get2("/indicators/referrals?period=2025-12", "analyst")).body, /id="spc-from"/);
    const september = (await get2("/indicators/referrals?period=2025-09", "member")).body;
    assert.match(september, /The SPC chart is not shown: it is drawn only on the months since the last one not shown \(November 2024: a small number, or a figure that would give one away\), and it needs 12 of them\. The chart below shows the monthly values alone, with no mean or process limits\./);
    assert.doesNotMatch(/<svg[^>]*id="run-chart"[\s\S]*?<\/svg>/.exec(september)?.[0] ?? "", /<title>(October|November) 2024:/);
  });

  test("the flow words a conversion as a percentage only where the stage is a share of the one before and at most 100, in the table and the chart; a member's hidden count hides its conversions", async () => {
    const flowTable = (body: string) => {
      const t = /<table[^>]*id="flow-table"[\s\S]*?<\/table>/.exec(body)?.[0] ?? "";
      return new Map([...t.matchAll(/<th scope="row" class="govuk-table__header"><a [^>]*>([^<]*)<\/a><\/th>((?:<td[^>]*>[^<]*<\/td>)+)/g)].map((m) => [m[1]!, [...m[2]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1])]));
    };
    const chart = (body: string) => /<div class="lantern-chart-wrap"[^>]*>[\s\S]*?<\/svg>/.exec(body)?.[0] ?? "";
    for (const url of ["/flow?period=2025-11", "/early-warning?period=2025-11"]) {
      const body = (await get2(url, "analyst")).body;
      const rows = flowTable(body);
      assert.match(body, /<th scope="col" class="govuk-table__header">Compared with the stage it comes from<\/th>/, url);
      assert.deepEqual(rows.get("Referrals")?.slice(0, 2), ["200", "100.0% of contacts"], url);
      assert.deepEqual(rows.get("Assessments completed")?.slice(0, 2), ["250", "125.0 per 100 referrals"], url);
      assert.deepEqual(rows.get("Initial conferences")?.slice(0, 2), ["25", "125.0 per 100 section 47 enquiries"], url);
      assert.deepEqual(rows.get("Child protection plans started")?.slice(0, 2), ["20", "80.0% of initial conferences"], url);
      assert.equal(rows.get("Contacts")?.[1], "–", url);
      // The year earlier is worded the same way: referrals equalled contacts in November 2024 too.
      assert.equal(rows.get("Referrals")?.[2], "100.0% of contacts", url);
      for (const words of ["100.0% of contacts", "125.0 per 100 referrals", "125.0 per 100 section 47 enquiries", "80.0% of initial conferences"]) assert.ok(chart(body).includes(words), `${url}: the chart says ${words}`);
      assert.doesNotMatch(body, /% of referrals|125\.0%/, `${url}: assessments are never a share of referrals, nor is a ratio over 100 a percentage`);
    }
    // October 2024 holds a month of 3 referrals: for a member the count is c and neither the
    // referrals' conversion nor the assessments' (over referrals) is shown, now or a year later.
    for (const [period, row, column] of [["2024-10", "Referrals", 1], ["2024-10", "Assessments completed", 1], ["2025-10", "Referrals", 2], ["2025-10", "Assessments completed", 2]] as const) {
      const analyst = flowTable((await get2(`/flow?period=${period}`, "analyst")).body).get(row)!;
      const member = flowTable((await get2(`/flow?period=${period}`, "member")).body).get(row)!;
      assert.match(analyst[column]!, /^\d+\.\d( per 100 |% of )/, `${period} ${row}: an analyst sees it`);
      assert.equal(member[column], "c", `${period} ${row}: a member sees it withheld (c), not as "no value"`);
    }
    assert.equal(flowTable((await get2("/flow?period=2024-10", "member")).body).get("Referrals")?.[0], "c");
    // With a c in the table the page says what c means; without one (an analyst's) it does not.
    assert.match((await get2("/flow?period=2024-10", "member")).body, /id="suppression-key">c: a small number/);
    assert.doesNotMatch((await get2("/flow?period=2024-10", "analyst")).body, /suppression-key/);
    for (const period of ["2025-11", "2026-09", "2024-25"]) {
      const body = (await get2(`/flow?period=${period}`, "member")).body;
      assert.equal(/suppression-key/.test(body), [...flowTable(body).values()].some((cells) => cells.includes("c")), period);
    }
    assert.ok(!chart((await get2("/flow?period=2024-10", "member")).body).includes("of contacts"), "nor does the chart");
  });

  test("two percentages over the same records whose denominators differ by 3 are both c for a member, with their counts; an analyst sees them", async () => {
    for (const [id, pct, den] of [["cl_eet_pct", "50.0%", "40"], ["cl_eet_excl_unable_pct", "54.1%", "37"]] as const) {
      const analyst = (await get2(`/indicators/${id}?period=2024-05`, "analyst")).body;
      assert.equal(valueShown(analyst), pct, id);
      assert.deepEqual(countsOf(analyst), ["20", den], id);
      const member = (await get2(`/indicators/${id}?period=2024-05`, "member")).body;
      assert.equal(valueShown(member), "c", `${id}: neither figure is small, but together they give the 3 away`);
      assert.deepEqual(countsOf(member), ["c", "c"], `${id}: nor its counts`);
      assert.deepEqual(rowOf(member, "May 2024"), ["c", "c", "c"], id);
      assert.match((await get2(`/indicators/${id}.csv`, "member")).body, new RegExp(`,${id},2024-05,c,c,c,percent,`));
    }
  });
});

describe("reports", () => {

  test("the Reports page shows the calendar and offers members the public report only", async () => {
    const member = await get("/reports", "member");
    assert.equal(member.statusCode, 200);
    assert.match(member.body, /<table[^>]*id="calendar-table"/);
    assert.match(member.body, /Quarterly 2026-27 Q1|Quarterly Q1 2026-27/);
    // The demo's data runs to 30 September 2026, so Q2 2026-27 (due 11 November) has its data.
    assert.match(member.body, /Quarterly Q2 2026-27<\/a><\/th><td class="govuk-table__cell">1 July 2026 to 30 September 2026<\/td><td class="govuk-table__cell">11 November 2026 \([^)]*\)<\/td>.*?<strong class="govuk-tag govuk-tag--green">Ready<\/strong>/s);
    assert.match(member.body, /<strong class="govuk-tag govuk-tag--(green|blue|yellow|red)">(Ready|On time|Due soon|Overdue)<\/strong>/);
    assert.match(member.body, /id="audience-public"/);
    assert.doesNotMatch(member.body, /id="audience-exempt"/);
    assert.match((await get("/reports", "analyst")).body, /id="audience-exempt"/);
  });

  test("a member asking for the exempt report is refused; the public HTML report is a download, audited", async () => {
    const form = { _csrf: CSRF, la: "X001", period: "2026-27-Q2", format: "html" };
    assert.equal((await post("/reports", "member", { ...form, audience: "exempt" })).statusCode, 403);
    const res = await post("/reports", "member", { ...form, audience: "public", committee: "Children's Scrutiny" });
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.equal(res.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(res.headers["content-disposition"], 'attachment; filename="lantern-X001-2026-27-Q2-public.html"');
    for (const heading of ["Key messages", "The system flow", "Data quality and recording notes", "Glossary", "Appendix: all values"]) assert.ok(res.body.includes(heading), heading);
    assert.match(res.body, /This is the public version/);
    assert.match(res.body, /Children&#39;s Scrutiny|Children's Scrutiny/);
    const [row] = await store.all<{ actor: string; detail: string }>(`SELECT actor, detail FROM lantern_audit WHERE action = 'export.report' ORDER BY audit_id DESC LIMIT 1`);
    assert.equal(row?.actor, "mel");
    assert.deepEqual(JSON.parse(row!.detail), { period: "2026-27-Q2", audience: "public", format: "html", snapshot: 1, via: "web", committee: "Children's Scrutiny" });
    const bad = await post("/reports", "analyst", { ...form, audience: "exempt", period: "2026-27-Q9", committee: "Corporate Parenting Board" });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /The report could not be made/);
    // The refused form keeps what was chosen and typed, and the title says there is an error.
    assert.match(bad.body, /<title>Error: Reports/);
    assert.match(bad.body, /id="committee" name="committee" type="text" maxlength="120" spellcheck="true" value="Corporate Parenting Board"/);
    assert.match(bad.body, /id="audience-exempt" name="audience" type="radio" value="exempt" checked/);
    assert.match(bad.body, /id="format-html" name="format" type="radio" value="html" checked/);
    assert.doesNotMatch(bad.body, /value="pdf" checked/);
  });

  test("a report for a period before the data starts, or after it ends, is refused saying what the data covers", async () => {
    for (const period of ["2010-11", "2010-11-Q4", "2030-31"]) {
      const res = await post("/reports", "analyst", { _csrf: CSRF, la: "X001", period, format: "html", audience: "public" });
      assert.equal(res.statusCode, 400, period);
      assert.match(res.body, /The data \(snapshot \d+\) covers \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}, which does not include all of/, period);
      assert.doesNotMatch(res.body, /lantern report --calendar/, `${period}: the page points at its own calendar, not the CLI`);
    }
  });

  test("a report whose snapshot has no computed figures yet computes them first, then is produced", async () => {
    await store.run(`DELETE FROM lantern_compute WHERE snapshot_id = 1`);
    assert.deepEqual(await uncomputedForReport(store, "X001"), [1]);
    const res = await post("/reports", "analyst", { _csrf: CSRF, la: "X001", period: "2026-27-Q2", format: "html", audience: "exempt" });
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.match(res.body, /EXEMPT: NOT FOR PUBLICATION/);
    assert.deepEqual(await uncomputedForReport(store, "X001"), []);
  });

  test("the exempt PDF for analysts is printed by Chromium", { skip: needsPrograms(["chromium"]) }, async () => {
    const res = await post("/reports", "analyst", { _csrf: CSRF, la: "X001", period: "2026-27-Q2", format: "pdf", audience: "exempt" });
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.equal(res.headers["content-type"], "application/pdf");
    assert.equal(res.rawPayload.subarray(0, 5).toString(), "%PDF-");
  });
});

describe("landmarks", () => {
  test("every page, for every role, has one banner (the service header) and one h1", async () => {
    const urls = ["/", "/indicators/referrals", "/flow", "/early-warning", "/reports", "/data", "/targets", "/annotations", "/nowhere", "/?period=1999-01"];
    for (const role of ["admin", "member"] as const) {
      for (const url of urls) {
        const res = await get(url, role);
        const where = `${role} ${url} (${res.statusCode})`;
        assert.equal(res.body.match(/<header\b/g)?.length, 1, where);
        assert.match(res.body, /<body[^>]*>\s*<a [^>]*govuk-skip-link[^>]*>[^<]*<\/a>\s*<header class="govuk-service-navigation/, where);
        assert.equal(res.body.match(/<h1\b/g)?.length, 1, where);
      }
    }
  });
});

describe("tile wording", () => {
  const tile = (body: string, id: string) => {
    const found = body.split('<li class="lantern-tile">').find((t) => t.includes(`href="/indicators/${id}?`));
    assert.ok(found, `no tile for ${id}`);
    return found.slice(0, found.indexOf("</li>")).replace(/<svg[\s\S]*?<\/svg>/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
  };
  test("a count's page does not set it beside England's total or other councils' counts; it points to the rate", async () => {
    const body = (await get("/indicators/referrals", "analyst")).body;
    assert.match(body, /A count depends on the size of the area, so it is not set beside England's total or other councils' counts\. Compare <a class="govuk-link" href="\/indicators\/referral_rate\?la=X001&amp;period=[^"]+">Referrals per 10,000 children<\/a> instead\./);
    assert.doesNotMatch(body, /Statistical neighbours(?:'|&#39;|&#x27;) mean/);
    assert.match((await get("/indicators/referral_rate", "analyst")).body, /Statistical neighbours(?:'|&#39;|&#x27;) mean/);
  });
  test("a comparison on a snapshot date says 'on' the date; a median in days and a percentage say their unit once", async () => {
    const body = (await get("/", "analyst")).body;
    const cla = tile(body, "cla_rate");
    assert.match(cla, /England [\d.]+ · neighbours [\d.]+ \(\d+ of \d+\) on 31 March \d{4} \(\d{4}-\d\d\)/);
    assert.doesNotMatch(cla, / in 31 March/);
    assert.match(tile(body, "cla_started"), /\d+ number/, "a count keeps its word");
    const median = tile(body, "assess_median_wd");
    assert.match(median, /\d+(\.\d)? days \(median\)/);
    assert.doesNotMatch(median, /days median days/);
    const pct = tile(body, "assess_45wd_pct");
    assert.match(pct, /\d+\.\d% /);
    assert.doesNotMatch(pct, /% per cent/);
    assert.doesNotMatch(body, / in 30 September/);
  });
  test("a rate of events in a month is not left beside England's rate for a year without saying so; a year's is", async () => {
    const month = tile((await get("/", "analyst")).body, "referral_rate");
    const m = /England [\d.]+ · neighbours [\d.]+ \(\d+ of \d+\) in (\d{4}-\d\d) \(year to 31 March \d{4}\), for a whole year\. This figure is for one month: compare England's with the figure for \1 ?\./.exec(month);
    assert.ok(m, month);
    assert.match((await get("/", "analyst")).body, new RegExp(`<a class="govuk-link" href="/indicators/referral_rate\\?la=X001&amp;period=${m[1]}">the figure for ${m[1]}</a>`));
    const year = tile((await get("/?period=2024-25", "analyst")).body, "referral_rate");
    assert.match(year, /England [\d.]+/);
    assert.doesNotMatch(year, /for a whole year/);
    assert.doesNotMatch(tile((await get("/", "analyst")).body, "cla_rate"), /for a whole year/, "a rate on a day is a rate on a day");
  });
  test("the share of children looked after who went missing in a month or a quarter is not left beside England's share for a whole year without saying so", async () => {
    // A longer period holds more children who went missing: 3.6% in a month beside England's 11% for a year read as far better than England.
    for (const id of ["cla_missing_pct", "cla_away_pct"]) {
      for (const [period, kind] of [["", "month"], ["?period=2024-25-Q3", "quarter"]] as const) {
        const t = tile((await get(`/${period}`, "analyst")).body, id);
        assert.match(t, new RegExp(`England [\\d.]+% · neighbours [\\d.]+% \\(\\d+ of \\d+\\) in (\\d{4}-\\d\\d) \\(year to 31 March \\d{4}\\), for a whole year\\. This figure is for one ${kind}: compare England's with the figure for \\1 ?\\.`), `${id} ${kind}: ${t}`);
      }
      assert.doesNotMatch(tile((await get("/?period=2024-25", "analyst")).body, id), /for a whole year/, `${id}: a year's share is a year's`);
    }
    assert.doesNotMatch(tile((await get("/", "analyst")).body, "rereferral_pct"), /for a whole year/, "a share of referrals does not grow with the period");
  });
});

describe("targets for a whole year", () => {
  test("the share of children looked after who went missing in a month is given no RAG against a year's target, saying why, on the tile and the page; twelve months to the month are judged", async () => {
    const { writeFileSync, rmSync } = await import("node:fs");
    const file = join(dataDir, "targets.csv");
    // A row that sets which way is better, for the demo's latest year.
    writeFileSync(file, "indicator,year,target,tolerance,polarity\ncla_missing_pct,2026-27,0.1,0,lower\n");
    // Any saved change starts the pages afresh, so they read the file.
    const touch = async () => assert.equal((await post("/targets", "analyst", { _csrf: CSRF, indicator: "cla_away_pct", year: "2020-21", target: "5", tolerance: "1", polarity: "lower" })).statusCode, 303);
    try {
      await touch();
      const why = /No RAG: the target \(0\.1% for 2026-27\) is for a whole year: the share of children with an episode at any time in a month is smaller than a year(?:'|&#39;|&#x27;)s, by no fixed fraction, so only a whole year \(2026-27, or the twelve months to one of its months\) is judged against it\./;
      const dash = (await get("/?la=X001&period=2026-09", "analyst")).body;
      const tile = dash.split('<li class="lantern-tile">').find((t) => t.includes('href="/indicators/cla_missing_pct?'))!;
      assert.match(tile, why);
      assert.doesNotMatch(tile, /govuk-tag--(green|yellow|red)|Target 0\.1%/, "no RAG, and no target beside the month's figure");
      const month = (await get("/indicators/cla_missing_pct?la=X001&period=2026-09", "analyst")).body;
      assert.match(month, /<dt class="govuk-summary-list__key">Target<\/dt><dd class="govuk-summary-list__value">No RAG: the target \(0\.1% for 2026-27\) is for a whole year/);
      const svg = /<svg[^>]*id="(?:spc|run)-chart"[\s\S]*?<\/svg>/.exec(month)?.[0] ?? "";
      assert.doesNotMatch(svg, /<title>Target/, "no month is measured against the year's target, so none is drawn among them");
      const year = (await get("/indicators/cla_missing_pct?la=X001&period=12m-2026-09", "analyst")).body;
      assert.match(year, /<dt class="govuk-summary-list__key">Target<\/dt><dd class="govuk-summary-list__value">0\.1% \(tolerance 0\)/);
      assert.doesNotMatch(year, /No RAG/);
      assert.match(year, /class="govuk-tag govuk-tag--(?:green|yellow|red)"/, "the twelve months are judged against the year's target");
    } finally {
      rmSync(file, { force: true });
      await touch();
    }
  });
});

describe("the flow chart for members", () => {
  test("a stage hidden from a member has no bar in the chart and is labelled c there as in the table", async () => {
    const body = (await get("/flow", "member")).body;
    const chart = body.slice(body.indexOf('<svg'), body.indexOf("</svg>") + 6);
    const table = body.slice(body.indexOf('id="flow-table"'), body.indexOf("</table>"));
    const hidden = [...table.matchAll(/<a class="govuk-link" href="\/indicators\/[^"]+">([^<]+)<\/a><\/th><td class="govuk-table__cell govuk-table__cell--numeric">c<\/td>/g)].map((m) => m[1]!);
    assert.ok(hidden.length > 0, "the demo hides at least one stage from members");
    assert.doesNotMatch(chart, /no value/);
    for (const stage of hidden) assert.match(chart, new RegExp(`${stage}: c — not shown to protect the children`), stage);
    const bars = [...chart.matchAll(/<rect\b[^>]*><title>([^<:]+):/g)].map((m) => m[1]!);
    assert.equal(bars.length, 8 - hidden.length, "one bar per stage shown");
    for (const stage of hidden) assert.ok(!bars.includes(stage), `${stage} has a bar`);
    // A comparison the table hides is c in the chart too.
    const hiddenConversion = [...table.matchAll(/<a class="govuk-link" href="\/indicators\/[^"]+">([^<]+)<\/a><\/th><td class="govuk-table__cell govuk-table__cell--numeric">(\d[\d,]*)<\/td><td class="govuk-table__cell">c<\/td>/g)];
    assert.ok(hiddenConversion.length > 0, "the demo hides a comparison beside a count shown");
    for (const [, stage, n] of hiddenConversion) assert.match(chart, new RegExp(`${stage}: ${n} · c[;.]`), stage);
  });
});

describe("assets", () => {
  test("the GOV.UK stylesheet is served with no @font-face pointing at /assets/fonts (the GOV.UK typeface is not served)", async () => {
    const res = await get("/assets/govuk/govuk-frontend.min.css");
    assert.equal(res.statusCode, 200);
    assert.match(res.headers["content-type"] ?? "", /^text\/css/);
    assert.match(res.body, /\.govuk-template/);
    assert.doesNotMatch(res.body, /@font-face[^}]*\/assets\/fonts/);
    assert.doesNotMatch(res.body, /\/assets\/fonts\//);
  });
});

describe("SPC icons in words", () => {
  test("each SPC icon on the dashboard and the indicator page has its word beside it, not only its colour", async () => {
    const words = /<span class="lantern-icon__word"[^>]*>(common cause|improvement|concern|neutral|passing|failing|hit and miss)<\/span>/g;
    const dash = (await get("/", "analyst")).body;
    const icons = dash.match(/<span class="lantern-icon"/g)?.length ?? 0;
    assert.ok(icons > 5, String(icons));
    assert.equal(dash.match(words)?.length, icons, "one word per icon on the dashboard");
    const page = (await get("/indicators/referrals", "analyst")).body;
    assert.ok((page.match(words)?.length ?? 0) >= 1);
    assert.equal(page.match(words)?.length, page.match(/<span class="lantern-icon"/g)?.length);
  });
});

describe("SPC words beside a longer period's figure", () => {
  test("a quarter's or a year's indicator page names the month the SPC text's value is for, not 'the latest value'", async () => {
    // The figure of the quarter (or year) is beside words about September's alone: they say whose.
    for (const [period, month] of [["2026-27-Q2", "September 2026"], ["2025-26", "March 2026"], ["12m-2026-09", "September 2026"]] as const) {
      const page = (await get(`/indicators/contacts?la=X001&period=${period}`, "analyst")).body;
      assert.match(page, new RegExp(`<p class="govuk-body">(Common cause variation: the value for ${month} \\([\\d,]+\\)|Special cause variation — [a-z]+: the value for ${month} )`), period);
      assert.doesNotMatch(page, /the latest value/, period);
    }
  });
});

describe("uploads", () => {
  test("a bad file is refused with its validation report and nothing is loaded", async () => {
    const files = { ...smallExport(), "ssd_cin_episodes.csv": "cine_referral_id,cine_person_id,cine_referral_date\nR1,P1,31/31/2024\n" };
    const up = multipart({ _csrf: CSRF, authority: "202" }, files);
    const res = await app.inject({ method: "POST", url: "/data/upload", headers: { ...up.headers, "x-test-user": "analyst" }, payload: up.payload });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /The upload was refused/);
    assert.match(res.body, /id="validation-report"/);
    assert.match(res.body, /ssd_cin_episodes\.csv, row 2, column cine_referral_date/);
    assert.deepEqual(await store.all(`SELECT snapshot_id FROM lantern_snapshot WHERE la_code = '202'`), []);
    const notCsv = multipart({ _csrf: CSRF, authority: "202" }, { "export.exe": "MZ" });
    const res2 = await app.inject({ method: "POST", url: "/data/upload", headers: { ...notCsv.headers, "x-test-user": "analyst" }, payload: notCsv.payload });
    assert.equal(res2.statusCode, 422);
    assert.match(res2.body, /Only CSV, XML and Excel \(\.xlsx\) files can be uploaded; these were not: export\.exe/);
    // Titled as an error, and the progress bar on the form has a name.
    assert.match(res2.body, /<title>Error: Upload refused – Lantern<\/title>/);
    assert.match((await app.inject({ method: "GET", url: "/data", headers: { "x-test-user": "analyst" } })).body, /<progress class="lantern-progress" id="upload-progress" max="100" value="0" aria-label="Upload progress" hidden>/);
  });

  /** An upload of files in order, names repeated as the browser would send them. */
  const uploadList = (files: readonly (readonly [string, string])[], fields: Record<string, string> = { authority: "X001" }) => {
    const boundary = "----lanternTestBoundaryList";
    const parts = Object.entries({ _csrf: CSRF, ...fields }).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    for (const [name, text] of files) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${text}\r\n`);
    parts.push(`--${boundary}--\r\n`);
    return app.inject({ method: "POST", url: "/data/upload", headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "x-test-user": "analyst" }, payload: Buffer.from(parts.join("")) });
  };
  const snapshotCount = async () => Number((await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_snapshot`))[0]!.n);

  test("two files of the same name in one upload are refused, naming it, rather than one overwriting the other", async () => {
    const before = await snapshotCount();
    const res = await uploadList([
      ["workforce.csv", "indicator,authority,period,value\nsw_vacancy_rate,X001,2026-09,91.5\n"],
      ["workforce.csv", "indicator,authority,period,value\nsw_vacancy_rate,X001,2026-09,11.5\n"],
    ]);
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /The upload has more than one file with the same name: &quot;workforce\.csv&quot; \(2 times\)\. Files with the same name would overwrite each other, so only the last would be loaded\./);
    assert.match(res.body, /Give each file in an upload a different name/);
    assert.equal(await snapshotCount(), before, "nothing was loaded");
  });

  test("files named as people name them are accepted; a name that cannot be used is refused for its name, not its type", async () => {
    // A figures file with a bad row: read (so recognised by its content) under its own name, and refused, storing nothing.
    const before = await snapshotCount();
    const odd = "Children's list – 1 [2024] & B.csv";
    const read = await uploadList([[odd, "indicator,authority,period,value\nsw_vacancy_rate,X001,2026-09,lots\n"]]);
    assert.equal(read.statusCode, 422);
    assert.ok(read.body.includes("Children&#39;s list – 1 [2024] &amp; B.csv, row 2, column value"), read.body.slice(-3000));
    assert.doesNotMatch(read.body, /Only CSV, XML and Excel/);
    const bad = await uploadList([["__.csv", "indicator,authority,period,value\n"]]);
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /This file&#39;s name cannot be used: __\.csv \(its name has no letters or digits before the extension\)\./);
    assert.match(bad.body, /Rename the file with letters or digits before its extension/);
    assert.equal(await snapshotCount(), before);
    assert.doesNotMatch(bad.body, /Only CSV, XML and Excel/);
  });

  test("refusals are worded for the form, not the command line", async () => {
    const send = async (fields: Record<string, string>, files: Record<string, string>) => {
      const up = multipart({ _csrf: CSRF, ...fields }, files);
      return app.inject({ method: "POST", url: "/data/upload", headers: { ...up.headers, "x-test-user": "analyst" }, payload: up.payload });
    };
    const noAuthority = await send({ authority: "" }, smallExport());
    assert.equal(noAuthority.statusCode, 422);
    assert.match(noAuthority.body, /Fill in the Authority code field/);
    const bad = await send({ authority: "202" }, { ...smallExport(), "ssd_cin_episodes.csv": "cine_referral_id,cine_person_id,cine_referral_date\nR1,P1,31/31/2024\n" });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Correct the rows listed and upload again\./);
    const junk = await send({ authority: "202" }, { "junk.xlsx": "\u0000\u00af\u00cb*\u00f9_\u00d5L\u00eb~n\u0016\r\u00c4tC" });
    assert.equal(junk.statusCode, 422);
    assert.match(junk.body, /binary data\)/);
    const badCode = await send({ authority: "Camden (202)" }, smallExport());
    assert.equal(badCode.statusCode, 422);
    assert.match(badCode.body, /The Authority code field holds &quot;Camden \(202\)&quot;, which is not an authority code\./);
    for (const res of [noAuthority, bad, junk, badCode]) {
      assert.doesNotMatch(res.body, /--authority|--dry-run|lantern import/);
      assert.doesNotMatch(res.body.replaceAll("...", ""), /[a-z)]\.\.(?!\.)/, "no doubled full stop");
    }
  });

  test("an upload over the number of files or form fields says which limit it reached", async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 105; i++) files[`f${i}.csv`] = "a\n";
    const many = multipart({ _csrf: CSRF, authority: "202" }, files);
    const res = await app.inject({ method: "POST", url: "/data/upload", headers: { ...many.headers, "x-test-user": "analyst" }, payload: many.payload });
    assert.equal(res.statusCode, 413);
    assert.match(res.body, /The upload has more than 100 files, the most this server accepts at once\./);
    assert.doesNotMatch(res.body, /larger than/);
    const fields: Record<string, string> = { _csrf: CSRF };
    for (let i = 1; i <= 30; i++) fields[`x${i}`] = "1";
    const wide = multipart(fields, {});
    const res2 = await app.inject({ method: "POST", url: "/data/upload", headers: { ...wide.headers, "x-test-user": "analyst" }, payload: wide.payload });
    assert.equal(res2.statusCode, 413);
    assert.match(res2.body, /The upload has more parts \(files and form fields\) than this server accepts: at most 100 files and 10 fields\./);
  });

  test("a good upload is loaded, computed and listed with who loaded it", async () => {
    const up = multipart({ _csrf: CSRF, authority: "202" }, smallExport());
    const res = await app.inject({ method: "POST", url: "/data/upload", headers: { ...up.headers, "x-test-user": "analyst" }, payload: up.payload });
    assert.equal(res.statusCode, 200, res.body.slice(0, 2000));
    assert.match(res.body, /202: loaded as snapshot \d+/);
    const data = await get("/data", "admin");
    assert.match(data.body, /<td class="govuk-table__cell">202<\/td><td class="govuk-table__cell">[^<]+<\/td><td class="govuk-table__cell">ann<\/td>/);
    const [snap] = await store.all<{ loaded_by: string }>(`SELECT loaded_by FROM lantern_snapshot WHERE la_code = '202'`);
    assert.equal(snap?.loaded_by, "ann");
  });

  test("a bank holidays file Lantern cannot read refuses a load before anything is stored, not after (SSD export, return, figures file)", async () => {
    const { writeFileSync, rmSync } = await import("node:fs");
    const file = join(dataDir, "bank-holidays.csv");
    writeFileSync(file, "date,name\n07/06/2027,Extra\nJune 8th,Another\n");
    try {
      // The census sample is LEA 201's: a copy naming 207, the authority uploaded to.
      const xml = readFileSync(join(import.meta.dirname, "../../../shared/samples/cin_census_fake/CIN_Census_2024.xml"), "utf8").replace("<LEA>201</LEA>", "<LEA>207</LEA>");
      const uploads = [
        multipart({ _csrf: CSRF, authority: "207" }, smallExport()),
        multipart({ _csrf: CSRF, authority: "207", dfe_errors_as_queries: "yes" }, { "census return.xml": xml }),
        multipart({ _csrf: CSRF }, { "measures.csv": "indicator,authority,period,value\nsw_caseload,207,2025-03,17.5\n" }),
      ];
      for (const up of uploads) {
        const res = await app.inject({ method: "POST", url: "/data/upload", headers: { ...up.headers, "x-test-user": "analyst" }, payload: up.payload });
        assert.equal(res.statusCode, 422, res.body.slice(0, 2000));
        assert.match(res.body, /bank-holidays\.csv has a line whose date Lantern cannot read/);
        assert.match(res.body, /bank-holidays\.csv, row 3, column date/);
        assert.match(res.body, /June 8th/);
      }
      assert.deepEqual(await store.all(`SELECT snapshot_id FROM lantern_snapshot WHERE la_code = '207'`), [], "nothing was loaded");
      // The records behind a figure are found with working days too: the page says which line.
      const records = await get("/indicators/referrals/records?la=X001&period=2026-09", "analyst");
      assert.equal(records.statusCode, 400);
      assert.match(records.body, /bank-holidays\.csv has a line whose date Lantern cannot read \(row 3: &quot;June 8th&quot;\)/);
    } finally {
      rmSync(file, { force: true });
    }
  });

  test("return files are recognised by content: a CIN census with DfE errors is refused with its report, then loaded with them as queries", async () => {
    // The census sample is LEA 201's: a copy naming 206, the authority uploaded to.
    const xml = readFileSync(join(import.meta.dirname, "../../../shared/samples/cin_census_fake/CIN_Census_2024.xml"), "utf8").replace("<LEA>201</LEA>", "<LEA>206</LEA>");
    const send = (fields: Record<string, string>) => {
      const up = multipart({ _csrf: CSRF, authority: "206", ...fields }, { "census return.xml": xml });
      return app.inject({ method: "POST", url: "/data/upload", headers: { ...up.headers, "x-test-user": "analyst" }, payload: up.payload });
    };
    const refused = await send({});
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /The load was refused: \d+ error\(s\) in the data/);
    assert.match(refused.body, /census return\.xml, row 62, column CPPstartDate/);
    assert.match(refused.body, /or tick the box to load the DfE&#39;s validation errors as queries/);
    assert.match(refused.body, /DfE error 1105: The child protection plan start date cannot be before the referral date/);
    assert.deepEqual(await store.all(`SELECT snapshot_id FROM lantern_snapshot WHERE la_code = '206'`), []);
    const loaded = await send({ dfe_errors_as_queries: "yes" });
    assert.equal(loaded.statusCode, 200, loaded.body.slice(0, 2000));
    assert.match(loaded.body, /206: loaded as snapshot \d+/);
    assert.match(loaded.body, /DfE error 1105/, "the queries are shown with the load");
    const [snap] = await store.all<{ source_format: string; loaded_by: string }>(`SELECT source_format, loaded_by FROM lantern_snapshot WHERE la_code = '206'`);
    assert.equal(snap?.loaded_by, "ann");
    // The load's own page keeps its validation report: the DfE queries, located.
    const [{ snapshot_id: id } = { snapshot_id: 0 }] = await store.all<{ snapshot_id: number }>(`SELECT snapshot_id FROM lantern_snapshot WHERE la_code = '206'`);
    const viewsOf = async () => (await store.all<{ actor: string; la_code: string; detail: string }>(`SELECT actor, la_code, detail FROM lantern_audit WHERE action = 'records.view' ORDER BY audit_id`)).filter((r) => JSON.parse(r.detail).snapshot === id);
    assert.deepEqual(await viewsOf(), []);
    const page = await get(`/data/snapshots/${id}`, "analyst");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /census return\.xml, row 62, column CPPstartDate<\/th><td class="govuk-table__cell">CIN-1105<\/td>/);
    assert.match(page.body, /<code class="lantern-hash">[0-9a-f]{64}<\/code>/);
    // The issues quote the values found (dates, ids): a child-level view, audited.
    const [seen, ...more] = await viewsOf();
    assert.equal(more.length, 0);
    assert.equal(seen?.actor, "ann");
    assert.equal(seen?.la_code, "206");
    assert.deepEqual({ ...JSON.parse(seen!.detail), rows: 0, values: 0 }, { snapshot: id, part: "validation issues", rows: 0, values: 0, via: "web" });
    assert.ok(JSON.parse(seen!.detail).values > 0);
    assert.equal((await get(`/data/snapshots/${id}`, "member")).statusCode, 403);
    assert.equal((await get(`/data/snapshots/${id}`, "manager")).statusCode, 403);
    assert.equal((await get("/data/snapshots/99999", "analyst")).statusCode, 404);
    assert.equal((await viewsOf()).length, 1, "a refused request is not a view");
    const values = await store.all(`SELECT count(*) AS n FROM lantern_indicator_value v JOIN lantern_snapshot s ON s.snapshot_id = v.snapshot_id WHERE s.la_code = '206'`);
    assert.ok(Number((values[0] as { n: number }).n) > 0, "the load was computed");
  });

  describe("figures files (measures.csv)", () => {
    const upload = (user: Role, fields: Record<string, string>, files: Record<string, string>) => {
      const up = multipart({ _csrf: CSRF, ...fields }, files);
      return app.inject({ method: "POST", url: "/data/upload", headers: { ...up.headers, "x-test-user": user }, payload: up.payload });
    };
    /** The figures X001's latest load holds. */
    const held = async () =>
      (
        await store.all<{ indicator_id: string; period_id: string; value: number }>(
          `SELECT m.indicator_id, m.period_id, m.value FROM lantern_latest_snapshot l
           JOIN lantern_snapshot_table st ON st.snapshot_id = l.snapshot_id AND st.table_name = 'lantern_measure'
           JOIN lantern_measure m ON m.snapshot_id = st.rows_snapshot_id AND m.la_code = l.la_code
           WHERE l.la_code = 'X001' ORDER BY m.indicator_id, m.period_id`,
        )
      ).map((r) => [r.indicator_id, r.period_id, Number(r.value)]);
    const snapshots = async () => Number((await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_snapshot`))[0]!.n);
    const shownValue = async (id: string, period: string) => /<dt class="govuk-summary-list__key">Value<\/dt><dd class="govuk-summary-list__value">([^<]*)</.exec((await get(`/indicators/${id}?la=X001&period=${period}`, "analyst")).body)?.[1];
    const lastAudit = async () => (await store.all<{ actor: string; action: string; la_code: string | null; detail: string }>(`SELECT actor, action, la_code, detail FROM lantern_audit WHERE action LIKE 'data.upload%' ORDER BY audit_id DESC LIMIT 1`))[0]!;

    test("the upload form says a figures file can be uploaded, and offers the box to replace every figure", async () => {
      const page = (await get("/data", "analyst")).body;
      assert.match(page, /id="figures-upload">Workforce and education figures[^<]*<code>measures\.csv<\/code>/);
      assert.match(page, /<input class="govuk-checkboxes__input" id="replace-figures" name="replace" type="checkbox" value="yes"/);
      assert.match(page, /<label class="govuk-label govuk-checkboxes__label" for="replace-figures">Replace every figure loaded before \(figures files only\)<\/label>/);
    });

    test("a bad figures file is refused with every issue's file, row and column, audited, and nothing changes", async () => {
      const before = [await snapshots(), await held()] as const;
      const res = await upload("analyst", { authority: "X001" }, { "workforce.csv": "indicator,authority,period,value\nsw_vacancy_rate,X001,2026-06,12\nsw_caseload,X001,2026-06,lots\nsw_agency_rate,X001,2026-06,150\n" });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /The upload was refused/);
      assert.match(res.body, /2 error\(s\) in the figures/);
      assert.match(res.body, /<th scope="row" class="govuk-table__header">workforce\.csv, row 3, column value<\/th><td class="govuk-table__cell">value &quot;lots&quot; is not a number\.<\/td>/);
      assert.match(res.body, /<th scope="row" class="govuk-table__header">workforce\.csv, row 4, column value<\/th>/);
      assert.match(res.body, /Correct the rows listed and upload again\./);
      assert.doesNotMatch(res.body, /[\s(]--[a-z]|lantern import/);
      assert.deepEqual([await snapshots(), await held()], before);
      assert.doesNotMatch((await shownValue("sw_vacancy_rate", "2026-06")) ?? "", /12/, "the good row was not loaded either");
      const audited = await lastAudit();
      assert.equal(audited.action, "data.upload.refused");
      assert.equal(audited.actor, "ann");
      assert.deepEqual(JSON.parse(audited.detail), { files: 1, format: "measures", replace: false, code: "LANTERN_DATA_REJECTED", issues: 2, via: "web" });
    });

    test("a figures file with SSD files, or the replace box with SSD files, is refused saying to upload them separately; nothing is loaded", async () => {
      const before = await snapshots();
      const mixed = await upload("analyst", { authority: "X001" }, { ...smallExport(), "workforce.csv": "indicator,authority,period,value\nsw_vacancy_rate,X001,2026-09,14.2\n" });
      assert.equal(mixed.statusCode, 422);
      assert.match(mixed.body, /workforce\.csv is a figures file \(workforce and education figures, as measures\.csv\), which cannot be uploaded with other files: ssd_/);
      assert.match(mixed.body, /Upload them separately: the figures file by itself, and the SSD export or return files in another upload\./);
      const boxed = await upload("analyst", { authority: "202", replace: "yes" }, smallExport());
      assert.equal(boxed.statusCode, 422);
      assert.match(boxed.body, /The box &quot;Replace every figure loaded before \(figures files only\)&quot; is for figures files \(measures\.csv\) only/);
      assert.equal(await snapshots(), before);
    });

    test("a member or a manager cannot upload a figures file (403), and nothing changes", async () => {
      const before = [await snapshots(), await held()] as const;
      for (const role of ["member", "manager"] as const) {
        const res = await upload(role, { authority: "X001" }, { "workforce.csv": "indicator,authority,period,value\nsw_vacancy_rate,X001,2026-09,14.2\n" });
        assert.equal(res.statusCode, 403, role);
      }
      assert.deepEqual([await snapshots(), await held()], before);
    });

    test("a good figures file is loaded, computed and shown on its indicator page, audited; the next adds to it; with the box ticked a file is the whole set", async () => {
      assert.match((await shownValue("sw_vacancy_rate", "2026-09")) ?? "", /not loaded/);
      const first = await upload("analyst", { authority: "" }, { "workforce.csv": "indicator,authority,period,value\nsw_vacancy_rate,X001,2026-09,14.2\nsw_caseload,X001,2026-09,17.5\n" });
      assert.equal(first.statusCode, 200, first.body.slice(0, 3000));
      const id = Number(/X001: loaded as snapshot (\d+), 2 figures\./.exec(first.body)?.[1]);
      assert.ok(id > 0, "the page names the load and counts the figures");
      assert.match(first.body, /href="\/indicators\/sw_vacancy_rate\?la=X001">Social worker vacancy rate<\/a>/);
      assert.equal(await shownValue("sw_vacancy_rate", "2026-09"), "14.2%");
      assert.equal(await shownValue("sw_caseload", "2026-09"), "17.5");
      const audited = await lastAudit();
      assert.deepEqual([audited.action, audited.actor, audited.la_code], ["data.upload", "ann", "X001"]);
      assert.deepEqual(JSON.parse(audited.detail), { files: 1, format: "measures", replace: false, rows: 2, authorities: ["X001"], snapshots: [id], via: "web" });
      // This quarter's education figure adds to them: the workforce figures are kept, and the page says so in the form's words.
      const second = await upload("analyst", {}, { "education.csv": "indicator,authority,period,value\nehe_children,X001,2026-09,40\n" });
      assert.equal(second.statusCode, 200, second.body.slice(0, 3000));
      assert.match(second.body, /X001: 2 figure\(s\) loaded before and not in education\.csv are kept/);
      assert.match(second.body, /To drop them, upload a file holding every figure with the box &quot;Replace every figure loaded before \(figures files only\)&quot; ticked\./);
      assert.doesNotMatch(second.body, /--replace/);
      assert.equal(await shownValue("sw_vacancy_rate", "2026-09"), "14.2%");
      assert.deepEqual(await held(), [["ehe_children", "2026-09", 40], ["sw_caseload", "2026-09", 17.5], ["sw_vacancy_rate", "2026-09", 14.2]]);
      // With the box ticked the file is the whole set.
      const whole = { "workforce-all.csv": "indicator,authority,period,value\nsw_caseload,X001,2026-09,18\n" };
      const third = await upload("analyst", { replace: "yes" }, whole);
      assert.equal(third.statusCode, 200, third.body.slice(0, 3000));
      assert.doesNotMatch(third.body, /are kept/);
      assert.deepEqual(await held(), [["sw_caseload", "2026-09", 18]]);
      assert.match((await shownValue("sw_vacancy_rate", "2026-09")) ?? "", /not loaded/);
      assert.equal(JSON.parse((await lastAudit()).detail).replace, true);
      // The same file again adds nothing, and says so.
      const again = await upload("analyst", { replace: "yes" }, whole);
      assert.equal(again.statusCode, 200);
      assert.match(again.body, /<h2 class="govuk-panel__title">Nothing new<\/h2>/);
      assert.match(again.body, /X001: these files are identical to snapshot \d+, loaded \d{4}-\d\d-\d\d \d\d:\d\d UK time \((GMT|BST)\); nothing was added\./);
    });
  });

  test("a load whose figures then fail to compute is kept, audited and said to be stored but not computed", async () => {
    // The compute's record table renamed away: the compute fails as it stores, after the load committed.
    await store.run(`ALTER TABLE lantern_compute RENAME TO lantern_compute_away`);
    let res: Awaited<ReturnType<typeof app.inject>>;
    try {
      const up = multipart({ _csrf: CSRF, authority: "209" }, smallExport());
      res = await app.inject({ method: "POST", url: "/data/upload", headers: { ...up.headers, "x-test-user": "analyst" }, payload: up.payload });
    } finally {
      await store.run(`ALTER TABLE lantern_compute_away RENAME TO lantern_compute`);
    }
    assert.equal(res.statusCode, 200, res.body.slice(0, 2000));
    assert.match(res.body, /209: loaded as snapshot \d+/);
    assert.match(res.body, /id="not-computed"[\s\S]*The data is stored, but its figures could not be computed: [^<]*lantern_compute[^<]*\. Until they are, pages show the figures as not computed\. Lantern computes them when it next starts/);
    const [snap] = await store.all<{ snapshot_id: number }>(`SELECT snapshot_id FROM lantern_snapshot WHERE la_code = '209'`);
    assert.ok(snap, "the load is kept");
    assert.equal((await store.all(`SELECT 1 FROM lantern_indicator_value WHERE snapshot_id = $1`, [snap.snapshot_id])).length, 0, "and nothing of a half compute is stored");
    const audits = await store.all<{ action: string; la_code: string }>(`SELECT action, la_code FROM lantern_audit WHERE la_code = '209'`);
    assert.ok(audits.some((a) => a.action === "data.upload"), "audited as an upload");
    assert.ok(!audits.some((a) => a.action === "data.upload.refused"), "never as refused: it is stored");
  });

  test("a new load of the same authority is computed and its revisions are listed", async () => {
    // The demo export again, less its last contact: contacts in that contact's periods go down by one.
    const folder = join(dataDir, "demo-export", "X001");
    const files: Record<string, string> = {};
    for (const f of readdirSync(folder)) files[f] = readFileSync(join(folder, f), "utf8");
    const lines = files["ssd_contacts.csv"]!.trimEnd().split("\n");
    files["ssd_contacts.csv"] = lines.slice(0, -1).join("\n") + "\n";
    const up = multipart({ _csrf: CSRF, authority: "X001" }, files);
    const res = await app.inject({ method: "POST", url: "/data/upload", headers: { ...up.headers, "x-test-user": "analyst" }, payload: up.payload });
    assert.equal(res.statusCode, 200, res.body.slice(0, 3000));
    assert.match(res.body, /X001: loaded as snapshot \d+/);
    const data = await get("/data?la=X001", "analyst");
    const revised = /<table[^>]*id="revisions-table"[\s\S]*?<\/table>/.exec(data.body)?.[0] ?? "";
    assert.match(revised, /Contacts<\/th><td class="govuk-table__cell">\d{4}-\d{2}(-Q\d)?<\/td><td class="govuk-table__cell govuk-table__cell--numeric">[\d,]+<\/td>/);
  });
});

test("/readyz answers 503 when the store does not, for a load balancer; /healthz says only that the process answers", async () => {
  const { buildServer } = await import("./server.ts");
  const { tempStore } = await import("../../test/fixtures.ts");
  const t = await tempStore();
  const server = await buildServer({ store: t.store, dataDir: t.dataDir, auth: { secureCookies: false } });
  try {
    assert.deepEqual(JSON.parse((await server.inject({ method: "GET", url: "/readyz" })).body), { ok: true });
    await t.store.close();
    const down = await server.inject({ method: "GET", url: "/readyz" });
    assert.equal(down.statusCode, 503);
    assert.deepEqual(JSON.parse(down.body), { ok: false, reason: "the store did not answer" });
    assert.equal((await server.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
  } finally {
    await server.close();
    await t.cleanup().catch(() => undefined);
  }
});

describe("which way is better, chosen in the targets form", () => {
  test("a referrals target set in the browser with Lower is better gives the indicator page a RAG; with the indicator's own it is refused, the error linked to the choice, and the form keeps what was chosen", async () => {
    const ragOf = async () => /<dt class="govuk-summary-list__key">Target<\/dt><dd class="govuk-summary-list__value">[^<]*(?:<strong class="govuk-tag govuk-tag--(\w+)">)?/.exec((await get("/indicators/referrals?la=X001&period=2026-09", "analyst")).body);
    assert.equal((await ragOf())?.[1], undefined, "no RAG before a target is set");
    // The form offers the choice, the indicator's own first and chosen, in a fieldset named by its legend.
    const form = (await get("/targets", "analyst")).body;
    assert.match(form, /<fieldset class="govuk-fieldset" aria-describedby="target-polarity-hint">\s*<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Which way is better<\/legend>/);
    assert.match(form, /id="target-polarity" name="polarity" type="radio" value="own" checked>/);
    assert.match(form, /id="target-polarity-higher" name="polarity" type="radio" value="higher">[\s\S]*?>Higher is better<\/label>/);
    assert.match(form, /id="target-polarity-lower" name="polarity" type="radio" value="lower">[\s\S]*?>Lower is better<\/label>/);
    const count = async () => Number((await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_target`))[0]!.n);
    const before = await count();
    // Referrals has no better direction of its own: the indicator's own (as a form without the field sends) is refused.
    for (const form of [{ polarity: "own" }, {}, { polarity: "sideways" }] as Record<string, string>[]) {
      const res = await post("/targets", "analyst", { _csrf: CSRF, indicator: "referrals", year: "2026-27", target: "100000", tolerance: "0", ...form });
      assert.equal(res.statusCode, 400, JSON.stringify(form));
      assert.match(res.body, /<li><a href="#target-polarity">Choose (whether higher or lower is better: Referrals has no better direction of its own|which way is better)/, JSON.stringify(form));
      assert.match(res.body, /<p class="govuk-error-message" id="target-polarity-error">/);
      assert.match(res.body, /<div class="govuk-form-group govuk-form-group--error"><fieldset class="govuk-fieldset" aria-describedby="target-polarity-hint target-polarity-error">/);
      assert.match(res.body, /id="target-value" name="target" type="text" inputmode="decimal" value="100000"/, "what was typed is kept");
    }
    // A choice made is kept when another field is refused.
    const kept = await post("/targets", "analyst", { _csrf: CSRF, indicator: "referrals", year: "next year", target: "100000", tolerance: "0", polarity: "lower" });
    assert.equal(kept.statusCode, 400);
    assert.match(kept.body, /id="target-polarity-lower" name="polarity" type="radio" value="lower" checked>/);
    assert.doesNotMatch(kept.body, /value="own" checked/);
    assert.doesNotMatch(kept.body, /target-polarity-error/);
    assert.equal(await count(), before, "nothing was saved");
    // Lower is better: stored as a targets.csv row's polarity is, listed, and judged.
    assert.equal((await post("/targets", "analyst", { _csrf: CSRF, indicator: "referrals", year: "2026-27", target: "100000", tolerance: "0", polarity: "lower" })).statusCode, 303);
    const [saved] = await store.all<{ polarity: string | null }>(`SELECT polarity FROM lantern_target WHERE indicator_id = 'referrals' AND year = '2026-27' ORDER BY version DESC LIMIT 1`);
    assert.equal(saved?.polarity, "lower");
    const list = (await get("/targets", "manager")).body;
    assert.match(list, /Referrals<\/t[hd]><td class="govuk-table__cell">2026-27<\/td>(?:<td[^>]*>[^<]*<\/td>){2}<td class="govuk-table__cell">Lower is better<\/td>/);
    assert.equal((await ragOf())?.[1], "green", "a month's share of 100,000 is far above the month's referrals, and lower is better");
    // An indicator with a direction of its own may keep it: the form's default is accepted.
    assert.equal((await post("/targets", "analyst", { _csrf: CSRF, indicator: "assess_45wd_pct", year: "2021-22", target: "80", tolerance: "0", polarity: "own" })).statusCode, 303);
    const [own] = await store.all<{ polarity: string | null }>(`SELECT polarity FROM lantern_target WHERE indicator_id = 'assess_45wd_pct' AND year = '2021-22'`);
    assert.equal(own?.polarity, null);
    assert.match((await get("/targets", "manager")).body, /The indicator(?:'|&#39;|&#x27;)s own \(higher is better\)/);
  });
});
