// The web application as `lantern serve` runs it, with real sign-in (the auth plugin, the demo
// accounts made by `lantern demo`, sessions in the store): every route of the whole app refuses
// each role that should not reach it (the table below, checked for anonymous and all four roles),
// forms and uploads without their CSRF token fail and save nothing, a forged session is no
// session, a member sees no child-level data anywhere, and no page names another host.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Store } from "../src/store/port.ts";
import { buildServer } from "../src/web/server.ts";
import { DEMO_PASSWORD } from "../src/web/auth/users.ts";
import { smallExport } from "./fixtures.ts";
import { anonymous, assertRouteAccess, cookieHeader, post, type RouteCase, signIn, visit, type Visitor } from "./web-access.ts";
import { demoApp, multipart } from "./web-fixture.ts";

let app: FastifyInstance;
let store: Store;
let close: () => Promise<void>;
let dataDir: string;

before(async () => {
  ({ app, store, close, dataDir } = await demoApp({ signIn: true }));
});
after(async () => {
  await close();
});

const ALL = ["admin", "analyst", "manager", "member"] as const;
const STAFF = ["admin", "analyst", "manager"] as const;
const ANALYSTS = ["admin", "analyst"] as const;
const EVERYONE = ["anonymous", ...ALL] as const;

/**
 * Every route of the app. The demo manager may see child-level records for the front door and
 * children in need only; members never.
 */
const ROUTES: readonly RouteCase[] = [
  { method: "GET", url: "/healthz", allowed: EVERYONE },
  { method: "GET", url: "/readyz", allowed: EVERYONE },
  { method: "GET", url: "/assets/lantern.css", allowed: EVERYONE },
  { method: "GET", url: "/assets/govuk/govuk-frontend.min.css", allowed: EVERYONE },
  { method: "GET", url: "/sign-in", allowed: EVERYONE },
  { method: "GET", url: "/auth/oidc/start", allowed: EVERYONE },
  { method: "GET", url: "/auth/oidc/callback", allowed: EVERYONE },
  { method: "GET", url: "/auth/session", allowed: EVERYONE },
  { method: "GET", url: "/", allowed: ALL },
  { method: "GET", url: "/?period=2025-26", allowed: ALL },
  { method: "GET", url: "/indicators/referrals", allowed: ALL },
  { method: "GET", url: "/indicators/referrals.csv", allowed: ALL },
  { method: "GET", url: "/indicators/referrals/records", allowed: STAFF },
  { method: "GET", url: "/indicators/assess_45wd_pct/records?part=denominator", allowed: STAFF },
  { method: "GET", url: "/indicators/cin_at_end/records", allowed: STAFF },
  { method: "GET", url: "/indicators/cla_rate/records", allowed: ANALYSTS },
  { method: "GET", url: "/indicators/cpp_at_end/records", allowed: ANALYSTS },
  { method: "POST", url: "/indicators/referrals/comments", allowed: ANALYSTS, form: { body: "" } },
  { method: "POST", url: "/indicators/referrals/comments/999999", allowed: ANALYSTS, form: { action: "publish" } },
  { method: "GET", url: "/flow", allowed: ALL },
  { method: "GET", url: "/reports", allowed: ALL },
  { method: "POST", url: "/reports", allowed: ALL, form: { la: "X001", period: "2026-27-Q2", audience: "public", format: "neither" } },
  // The exempt paper: members are refused before anything is made (the bad format stops the rest).
  { method: "POST", url: "/reports", allowed: STAFF, form: { la: "X001", period: "2026-27-Q2", audience: "exempt", format: "neither" } },
  { method: "GET", url: "/early-warning", allowed: ALL },
  { method: "GET", url: "/data", allowed: ANALYSTS },
  { method: "POST", url: "/data/upload", allowed: ANALYSTS },
  { method: "GET", url: "/data/snapshots/1", allowed: ANALYSTS },
  { method: "GET", url: "/targets", allowed: STAFF },
  { method: "POST", url: "/targets", allowed: ANALYSTS, form: { indicator: "referrals", year: "not a year", target: "1" } },
  { method: "GET", url: "/annotations", allowed: STAFF },
  { method: "POST", url: "/annotations", allowed: ANALYSTS, form: { la: "X001", date: "not a date", kind: "other", note: "x" } },
  { method: "GET", url: "/admin/users", allowed: ["admin"] },
  { method: "POST", url: "/admin/users", allowed: ["admin"], form: { op: "none" } },
  { method: "GET", url: "/admin/audit", allowed: ["admin"] },
  { method: "GET", url: "/admin/audit?action=records.view&verify=1", allowed: ["admin"] },
  { method: "POST", url: "/sign-out", allowed: EVERYONE, endsSession: true },
];

const as = (username: string) => () => signIn(app, username, DEMO_PASSWORD);

describe("access", () => {
  test("every route refuses each role that should not reach it (anonymous and all four roles)", async () => {
    const { checked } = await assertRouteAccess(app, ROUTES, { admin: as("admin"), analyst: as("analyst"), manager: as("manager"), member: as("member") });
    assert.equal(checked, ROUTES.length * 5);
  });

  test("the table above holds every route the server has, so a new route cannot go unchecked", () => {
    // The routes as Fastify prints its tree (one node a line, four characters a level; a child's
    // path is its parent's plus its own), each method but HEAD (Fastify adds it to every GET).
    const routes: { method: string; path: string }[] = [];
    const parents: string[] = [];
    for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
      const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
      if (!m) continue;
      const depth = m[1]!.length / 4;
      const path = depth === 0 ? m[2]! : `${parents[depth - 1]}${m[2]}`;
      parents[depth] = path;
      for (const method of (m[3] ?? "").split(", ").filter((x) => x && x !== "HEAD")) routes.push({ method, path });
    }
    assert.ok(routes.length >= 20, `read ${routes.length} routes from the server`);
    // Signing in itself is every visitor's, tested with the sign-in form (src/web/auth/plugin.test.ts).
    const untested = new Set(["POST /sign-in"]);
    const pattern = (path: string) => new RegExp(`^${path.replace(/[.]/g, "\\.").replace(/:[a-z_]+/g, "[^/]+").replace("*", ".+")}$`);
    const missing = routes.filter((r) => !untested.has(`${r.method} ${r.path}`) && !ROUTES.some((c) => c.method === r.method && pattern(r.path).test(c.url.split("?")[0]!)));
    assert.deepEqual(missing, [], "every route of the server has a row in ROUTES (or is named in `untested` with why)");
  });

  test("a forged or tampered session cookie is no session", async () => {
    const forged: Visitor = { cookies: { lantern_session: "A".repeat(43) }, csrf: "", ip: "127.0.0.1" };
    const res = await visit(app, forged, "/indicators/referrals/records");
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, "/sign-in?next=%2Findicators%2Freferrals%2Frecords");
    const v = await signIn(app, "analyst", DEMO_PASSWORD);
    const token = v.cookies["lantern_session"]!;
    const tampered: Visitor = { cookies: { lantern_session: `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}` }, csrf: v.csrf, ip: "127.0.0.1" };
    assert.equal((await visit(app, tampered, "/data")).statusCode, 303);
    assert.equal((await visit(app, v, "/data")).statusCode, 200);
  });
});

describe("CSRF", () => {
  test("a form post without the token, with another user's, or from another site fails and saves nothing", async () => {
    const analyst = await signIn(app, "analyst", DEMO_PASSWORD);
    const other = await signIn(app, "admin", DEMO_PASSWORD);
    const count = async () => (await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_target`))[0]!.n;
    const before = await count();
    const form = { indicator: "referrals", year: "2025-26", target: "10", tolerance: "1", polarity: "lower" };
    for (const res of [
      await post(app, analyst, "/targets", { ...form, _csrf: "" }),
      await post(app, analyst, "/targets", { ...form, _csrf: other.csrf }),
      await post(app, analyst, "/targets", form, { origin: "https://evil.example" }),
    ]) {
      assert.equal(res.statusCode, 403);
    }
    assert.equal(await count(), before);
    assert.equal((await post(app, analyst, "/targets", form)).statusCode, 303);
    assert.equal(await count(), before + 1);
  });

  test("an upload's token is accepted in any one of the header, the address or the form's first field, and checked; without it nothing is loaded", async () => {
    const analyst = await signIn(app, "analyst", DEMO_PASSWORD, { csrfPage: "/data" });
    const page = await visit(app, analyst, "/data");
    const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(page.body)?.[1]?.replaceAll("&amp;", "&");
    assert.equal(action, `/data/upload?_csrf=${encodeURIComponent(analyst.csrf)}`);
    const snapshots = async () => (await store.all(`SELECT snapshot_id FROM lantern_snapshot WHERE la_code = '203'`)).length;
    const withField = multipart({ _csrf: analyst.csrf, authority: "203" }, smallExport());
    const noField = (la: string) => multipart({ authority: la }, smallExport());
    const send = (url: string, up: { payload: Buffer; headers: Record<string, string> }, headers: Record<string, string> = {}) =>
      app.inject({ method: "POST", url, payload: up.payload, headers: { ...up.headers, cookie: cookieHeader(analyst), ...headers } });
    const loaded = async (res: { statusCode: number; body: string }, la: string) => {
      assert.equal(res.statusCode, 200, res.body.slice(0, 2000));
      assert.match(res.body, new RegExp(`${la}: loaded as snapshot \\d+`));
    };
    // Refused, and nothing loaded: no token anywhere; a forged one in the address or the header
    // (the first given is the one checked, whatever the form says); a forged field alone.
    assert.equal((await send("/data/upload", noField("203"))).statusCode, 403);
    assert.equal((await send("/data/upload?_csrf=forged", withField)).statusCode, 403);
    assert.equal((await send("/data/upload", withField, { "x-csrf-token": "forged" })).statusCode, 403);
    assert.equal((await send("/data/upload", multipart({ _csrf: "forged", authority: "203" }, smallExport()))).statusCode, 403);
    assert.equal(await snapshots(), 0);
    // The form's own address (and field), as the browser sends it.
    await loaded(await send(action!, withField), "203");
    assert.equal(await snapshots(), 1);
    const [audit] = await store.all<{ actor: string }>(`SELECT actor FROM lantern_audit WHERE action = 'data.upload' ORDER BY audit_id DESC LIMIT 1`);
    assert.equal(audit?.actor, "analyst");
    // Each alone, as docs/security.md says: the address or the header with no field (both were
    // refused by the route before), and the field alone.
    await loaded(await send(`/data/upload?_csrf=${encodeURIComponent(analyst.csrf)}`, noField("211")), "211");
    await loaded(await send("/data/upload", noField("212"), { "x-csrf-token": analyst.csrf }), "212");
    await loaded(await send("/data/upload", multipart({ _csrf: analyst.csrf, authority: "213" }, smallExport())), "213");
  });
});

describe("a session that ends while a form is being filled in", () => {
  // The same app on the same store, with a clock the test moves on.
  let clock = Date.now();
  let timed: FastifyInstance;
  before(async () => {
    timed = await buildServer({ store, dataDir, auth: { secureCookies: false, now: () => new Date(clock) } });
  });
  after(async () => {
    await timed.close();
  });
  const count = async (table: string) => (await store.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n;

  test("a comment or an annotation sent after 30 minutes idle saves nothing, and what was typed is shown back with a way to sign in and return", async () => {
    const analyst = await signIn(timed, "analyst", DEMO_PASSWORD, { csrfPage: "/annotations" });
    const [comments, annotations] = [await count("lantern_commentary"), await count("lantern_annotation")];
    clock += 31 * 60_000;
    const typed = 'The rise in <b>referrals</b> follows the "front door" change & the school term.\nSecond line.';
    const res = await post(timed, analyst, "/indicators/referrals/comments?la=X001&period=2025-26-Q1", { body: typed, published: "yes" });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /<title>Your session has ended – Lantern<\/title>/);
    assert.match(res.body, /Nothing you entered was saved/);
    assert.ok(res.body.includes(`readonly>The rise in &lt;b&gt;referrals&lt;/b&gt; follows the &quot;front door&quot; change &amp; the school term.\nSecond line.</textarea>`), res.body);
    assert.ok(res.body.includes(`href="/sign-in?next=${encodeURIComponent("/indicators/referrals?la=X001&period=2025-26-Q1#commentary")}"`));
    assert.equal(res.headers["cache-control"], "no-store");
    const note = await post(timed, analyst, "/annotations", { la: "X001", indicator: "referrals", date: "2025-04-01", kind: "note", note: "New front door from April" });
    assert.equal(note.statusCode, 401);
    assert.match(note.body, /readonly>New front door from April<\/textarea>/);
    assert.match(note.body, /value="2025-04-01" readonly/);
    assert.ok(note.body.includes(`href="/sign-in?next=${encodeURIComponent("/annotations?la=X001")}"`));
    assert.equal(await count("lantern_commentary"), comments);
    assert.equal(await count("lantern_annotation"), annotations);
  });

  test("a password is never shown back, nor an uploaded file's contents", async () => {
    const admin = await signIn(timed, "admin", DEMO_PASSWORD, { csrfPage: "/admin/users" });
    clock += 31 * 60_000;
    const res = await post(timed, admin, "/admin/users", { op: "create", username: "latecomer", displayName: "Late Comer", role: "member", password: "secret horse battery staple" });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /value="latecomer" readonly/);
    assert.doesNotMatch(res.body, /secret horse/);
    assert.equal((await store.all(`SELECT 1 FROM lantern_user WHERE username = 'latecomer'`)).length, 0);
    const up = multipart({ _csrf: admin.csrf, authority: "205" }, { "ssd_person.csv": "pers_person_id,secret-child-name\n1,Alice Example\n" });
    const upload = await timed.inject({ method: "POST", url: `/data/upload?_csrf=${encodeURIComponent(admin.csrf)}`, payload: up.payload, headers: { ...up.headers, "sec-fetch-site": "same-origin", cookie: cookieHeader(admin) } });
    assert.equal(upload.statusCode, 401);
    assert.match(upload.body, /Your files were not uploaded/);
    assert.doesNotMatch(upload.body, /Alice Example|secret-child-name/);
    assert.equal((await store.all(`SELECT 1 FROM lantern_snapshot WHERE la_code = '205'`)).length, 0);
  });

  test("a form opened before signing in again is shown back too; one from another site still shows nothing and saves nothing", async () => {
    const analyst = await signIn(timed, "analyst", DEMO_PASSWORD, { csrfPage: "/targets" });
    const old = analyst.csrf;
    clock += 31 * 60_000;
    const again = await signIn(timed, "analyst", DEMO_PASSWORD, { csrfPage: "/targets" });
    const targets = await count("lantern_target");
    const stale = await post(timed, again, "/targets", { _csrf: old, indicator: "referrals", year: "2025-26", target: "123.5", tolerance: "2" });
    assert.equal(stale.statusCode, 403);
    assert.match(stale.body, /<h1 class="govuk-heading-l">This form has expired<\/h1>/);
    assert.match(stale.body, /value="123.5" readonly/);
    assert.match(stale.body, /href="\/targets"/);
    const forged = await post(timed, again, "/targets", { indicator: "referrals", year: "2025-26", target: "987.5" }, { origin: "https://evil.example" });
    assert.equal(forged.statusCode, 403);
    assert.doesNotMatch(forged.body, /987/);
    // An opaque origin (a sandboxed frame, a data: URL) is not this site, with or without a
    // session cookie: words it sent are never displayed as Lantern's.
    const annotations = await count("lantern_annotation");
    for (const headers of [{ origin: "null", "sec-fetch-site": "cross-site" }, { origin: "null", "sec-fetch-site": "cross-site", cookie: "" }] as Record<string, string>[]) {
      const opaque = await post(timed, again, "/annotations", { _csrf: "", la: "X001", note: "Call 0800 000 000 to verify your password" }, headers);
      assert.equal(opaque.statusCode, 403);
      assert.doesNotMatch(opaque.body, /0800/);
    }
    assert.equal(await count("lantern_annotation"), annotations);
    const noCookie = await timed.inject({ method: "POST", url: "/annotations", payload: "la=X001&note=Call%200800", headers: { "content-type": "application/x-www-form-urlencoded", origin: "null" } });
    assert.equal(noCookie.statusCode, 403);
    assert.doesNotMatch(noCookie.body, /0800/);
    assert.equal(await count("lantern_target"), targets);
  });

  test("pages with forms carry the warning script; /auth/session says how long is left without using the session, and ?stay=1 keeps it alive", async () => {
    const analyst = await signIn(timed, "analyst", DEMO_PASSWORD);
    const left = async () => JSON.parse((await visit(timed, analyst, "/auth/session")).body) as { signedIn: boolean; endsInSeconds?: number };
    assert.deepEqual(await left(), { signedIn: true, endsInSeconds: 1800, ends: "idle" });
    clock += 10 * 60_000;
    assert.deepEqual(await left(), { signedIn: true, endsInSeconds: 1200, ends: "idle" });
    // Asking is not using it: past half the idle time the end stays where it was, and asking
    // again and again never keeps an unattended page signed in.
    clock += 16 * 60_000;
    assert.deepEqual(await left(), { signedIn: true, endsInSeconds: 240, ends: "idle" });
    clock += 239 * 1000;
    assert.deepEqual(await left(), { signedIn: true, endsInSeconds: 1, ends: "idle" });
    clock += 1000;
    assert.deepEqual(await left(), { signedIn: false });
    // "Stay signed in" is a use of it: 30 minutes again.
    const again = await signIn(timed, "analyst", DEMO_PASSWORD);
    clock += 20 * 60_000;
    assert.deepEqual(JSON.parse((await visit(timed, again, "/auth/session?stay=1")).body), { signedIn: true, endsInSeconds: 1800, ends: "idle" });
    clock += 29 * 60_000;
    assert.deepEqual(JSON.parse((await visit(timed, again, "/auth/session")).body), { signedIn: true, endsInSeconds: 60, ends: "idle" });
    assert.deepEqual(JSON.parse((await visit(timed, await anonymous(timed), "/auth/session")).body), { signedIn: false });
    assert.match((await visit(timed, again, "/annotations")).body, /<script src="\/assets\/session.js" defer><\/script>/);
    assert.doesNotMatch((await visit(timed, again, "/")).body, /session\.js/);
    assert.equal((await visit(timed, again, "/assets/session.js")).statusCode, 200);
    // Kept in use all day: within 30 minutes of its 12 hours, the end is the maximum, which staying
    // cannot put off, and the script words its warning so (no "Stay signed in" then).
    const allDay = await signIn(timed, "analyst", DEMO_PASSWORD);
    for (let m = 25; m <= 700; m += 25) {
      clock += 25 * 60_000;
      await visit(timed, allDay, "/auth/session?stay=1");
    }
    assert.deepEqual(JSON.parse((await visit(timed, allDay, "/auth/session?stay=1")).body), { signedIn: true, endsInSeconds: 20 * 60, ends: "maximum" });
    const script = (await visit(timed, allDay, "/assets/session.js")).body;
    assert.match(script, /maximum = ends === "maximum"/);
    assert.match(script, /the longest a session may last, which staying cannot extend/);
  });
});

describe("members", () => {
  test("a member sees no child-level data anywhere and small numbers suppressed", async () => {
    const member = await signIn(app, "member", DEMO_PASSWORD);
    const [small] = await store.all<{ period_id: string; value: number }>(
      `SELECT period_id, value FROM lantern_indicator_value WHERE breakdown = '' AND indicator_id = 'cla_started' AND la_code = 'X001' AND value BETWEEN 1 AND 5 ORDER BY period_id DESC LIMIT 1`,
    );
    assert.ok(small, "the demo has a month with 1 to 5 children starting care");
    const pages = ["/", `/?period=${small.period_id}`, "/indicators/referrals", `/indicators/cla_started?period=${small.period_id}`, "/indicators/cpp_at_end", "/flow", "/early-warning"];
    const ids = new Set((await store.all<{ id: string }>(`SELECT DISTINCT pers_person_id AS id FROM ssd_person WHERE la_code = 'X001' LIMIT 200`)).map((r) => r.id));
    for (const url of pages) {
      const res = await visit(app, member, url);
      assert.equal(res.statusCode, 200, url);
      assert.doesNotMatch(res.body, /\/records/, `${url} links to records`);
      assert.doesNotMatch(res.body, /href="\/(data|targets|annotations|admin)/, `${url} links to a page members cannot use`);
      const words = new Set(res.body.match(/[A-Za-z0-9_-]{4,}/g) ?? []);
      assert.deepEqual([...ids].filter((id) => words.has(id)), [], `${url} shows a child's id`);
    }
    const detail = await visit(app, member, `/indicators/cla_started?period=${small.period_id}`);
    assert.match(detail.body, /<dt class="govuk-summary-list__key">Value<\/dt><dd class="govuk-summary-list__value">c</);
    const csv = await visit(app, member, "/indicators/cla_started.csv");
    assert.match(csv.body, new RegExp(`,${small.period_id},c,`));
    for (const url of ["/indicators/referrals/records", "/indicators/cla_started/records?part=denominator"]) assert.equal((await visit(app, member, url)).statusCode, 403, url);
  });
});

test("no page names another host, and every page carries the strict CSP", async () => {
  const admin = await signIn(app, "admin", DEMO_PASSWORD);
  const anon = await anonymous(app);
  const pages: [Visitor, string][] = [
    [anon, "/sign-in"],
    ...["/", "/indicators/assess_45wd_pct", "/indicators/referrals/records", "/flow", "/early-warning", "/data", "/targets", "/annotations", "/admin/users", "/admin/audit"].map((u) => [admin, u] as [Visitor, string]),
  ];
  for (const [who, url] of pages) {
    const res = await visit(app, who, url);
    assert.equal(res.statusCode, 200, url);
    const csp = String(res.headers["content-security-policy"]);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>/, `${url} has an inline script`);
    assert.doesNotMatch(res.body.replaceAll("http://www.w3.org/", ""), /https?:\/\//, `${url} names an address`);
    assert.equal(res.headers["cache-control"], "no-store", url);
  }
});
