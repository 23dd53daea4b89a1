import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { authTestServer } from "../../../test/auth-server.ts";
import { tempStore } from "../../../test/fixtures.ts";
import { anonymous, assertRouteAccess, cookieHeader, post, type RouteCase, signIn, visit, type Visitor } from "../../../test/web-access.ts";
import { verifyAuditChain } from "../../store/audit.ts";
import type { Store } from "../../store/port.ts";
import type { AuthPluginOptions } from "./plugin.ts";
import { DEMO_PASSWORD, ensureDemoUsers, findUserByUsername } from "./users.ts";

async function withServer(fn: (app: FastifyInstance, store: Store) => Promise<void>, opts: Omit<AuthPluginOptions, "store"> = { secureCookies: false }): Promise<void> {
  const { store, cleanup } = await tempStore();
  const app = await authTestServer(store, opts);
  try {
    await ensureDemoUsers(store);
    await fn(app, store);
  } finally {
    await app.close();
    await cleanup();
  }
}

const as = (app: FastifyInstance, username: string) => () => signIn(app, username, DEMO_PASSWORD);

/** Every route the auth module owns, and the dummy routes standing for each kind of page rule. */
const ROUTES: readonly RouteCase[] = [
  { method: "GET", url: "/sign-in", allowed: ["anonymous", "admin", "analyst", "manager", "member"] },
  { method: "GET", url: "/auth/oidc/start", allowed: ["anonymous", "admin", "analyst", "manager", "member"] },
  { method: "GET", url: "/auth/oidc/callback", allowed: ["anonymous", "admin", "analyst", "manager", "member"] },
  { method: "GET", url: "/admin/users", allowed: ["admin"] },
  { method: "POST", url: "/admin/users", allowed: ["admin"], form: { op: "none" } },
  { method: "GET", url: "/admin/audit", allowed: ["admin"] },
  { method: "GET", url: "/admin/audit?user=admin&action=auth.sign_in&from=2020-01-01&to=2099-12-31&page=2&verify=1", allowed: ["admin"] },
  { method: "GET", url: "/", allowed: ["admin", "analyst", "manager", "member"] },
  { method: "GET", url: "/dummy/analysis", allowed: ["admin", "analyst"] },
  { method: "POST", url: "/dummy/analysis", allowed: ["admin", "analyst"] },
  { method: "GET", url: "/dummy/records/front_door", allowed: ["admin", "analyst", "manager"] },
  { method: "GET", url: "/dummy/records/send", allowed: ["admin", "analyst"] },
  { method: "POST", url: "/sign-out", allowed: ["anonymous", "admin", "analyst", "manager", "member"], endsSession: true },
];

test("access table: every owned route refuses each role that should not reach it", async () => {
  await withServer(async (app) => {
    const { checked } = await assertRouteAccess(app, ROUTES, { admin: as(app, "admin"), analyst: as(app, "analyst"), manager: as(app, "manager"), member: as(app, "member") });
    assert.equal(checked, ROUTES.length * 5);
  });
});

test("the access table itself fails when a route lets in a role it should refuse", async () => {
  await withServer(async (app) => {
    await assert.rejects(
      assertRouteAccess(app, [{ method: "GET", url: "/dummy/analysis", allowed: ["admin"] }], { admin: as(app, "admin"), analyst: as(app, "analyst"), manager: as(app, "manager"), member: as(app, "member") }),
      /GET \/dummy\/analysis as analyst: should be refused, got 200/,
    );
  });
});

test("CSRF: posts without the token, with another visitor's token, or from another site are refused", async () => {
  await withServer(async (app, store) => {
    const admin = await signIn(app, "admin", DEMO_PASSWORD);
    const other = await signIn(app, "analyst", DEMO_PASSWORD);
    const form = { op: "create", username: "newbie", role: "member", password: "a long enough password" };
    const missing = await post(app, admin, "/admin/users", { ...form, _csrf: "" });
    assert.equal(missing.statusCode, 403);
    assert.match(missing.body, /This form has expired/);
    assert.equal((await post(app, admin, "/admin/users", { ...form, _csrf: other.csrf })).statusCode, 403);
    assert.equal((await post(app, admin, "/admin/users", form, { origin: "https://evil.example" })).statusCode, 403);
    // No body at all, and a JSON body, are refused too.
    const bare = await app.inject({ method: "POST", url: "/admin/users", headers: { cookie: cookieHeader(admin) } });
    assert.equal(bare.statusCode, 403);
    const json = await app.inject({ method: "POST", url: "/dummy/analysis", headers: { cookie: cookieHeader(admin), "content-type": "application/json" }, payload: "{}" });
    assert.equal(json.statusCode, 403);
    assert.equal(await findUserByUsername(store, "newbie"), null);
    // The header form works, as does the field.
    assert.equal((await app.inject({ method: "POST", url: "/dummy/analysis", headers: { cookie: cookieHeader(admin), "x-csrf-token": admin.csrf } })).statusCode, 200);
    assert.equal((await post(app, admin, "/admin/users", form)).statusCode, 200);
    assert.ok(await findUserByUsername(store, "newbie"));
    // Signing in needs the pre-session token too.
    const anon = await anonymous(app);
    assert.equal((await post(app, anon, "/sign-in", { username: "admin", password: DEMO_PASSWORD, _csrf: "x" })).statusCode, 403);
    assert.equal((await app.inject({ method: "POST", url: "/sign-in", payload: `username=admin&password=${DEMO_PASSWORD}`, headers: { "content-type": "application/x-www-form-urlencoded" } })).statusCode, 403);
  });
});

test("CSRF on multipart uploads (streamed bodies): the header or a _csrf query parameter, never skipped", async () => {
  await withServer(async (app) => {
    const analyst = await signIn(app, "analyst", DEMO_PASSWORD);
    const boundary = "----lantern";
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${analyst.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nx\r\n--${boundary}--\r\n`;
    const send = (url: string, headers: Record<string, string> = {}) =>
      app.inject({ method: "POST", url, payload, headers: { "content-type": `multipart/form-data; boundary=${boundary}`, cookie: cookieHeader(analyst), ...headers } });
    // The token inside the streamed body is not read by the plugin, so alone it is not enough.
    assert.equal((await send("/dummy/upload")).statusCode, 403);
    assert.equal((await send("/dummy/upload?_csrf=wrong")).statusCode, 403);
    assert.equal((await send(`/dummy/upload?_csrf=${encodeURIComponent(analyst.csrf)}`)).statusCode, 200);
    assert.equal((await send("/dummy/upload", { "x-csrf-token": analyst.csrf })).statusCode, 200);
    // A query token is not accepted on ordinary form posts (it would end up in logs and history).
    const form = await app.inject({ method: "POST", url: `/dummy/analysis?_csrf=${encodeURIComponent(analyst.csrf)}`, headers: { cookie: cookieHeader(analyst), "content-type": "application/x-www-form-urlencoded" }, payload: "a=1" });
    assert.equal(form.statusCode, 403);
  });
});

test("a forged, expired or signed-out session is no session", async () => {
  let clock = Date.parse("2026-06-01T09:00:00.000Z");
  await withServer(
    async (app) => {
      const forged: Visitor = { cookies: { lantern_session: "A".repeat(43) }, csrf: "", ip: "127.0.0.1" };
      const r1 = await visit(app, forged, "/dummy/analysis");
      assert.equal(r1.statusCode, 303);
      assert.equal(r1.headers.location, "/sign-in?next=%2Fdummy%2Fanalysis");

      const v = await signIn(app, "analyst", DEMO_PASSWORD);
      assert.equal((await visit(app, v, "/dummy/analysis")).statusCode, 200);
      const token = v.cookies["lantern_session"]!;
      // One character changed.
      const tampered: Visitor = { cookies: { lantern_session: (token[0] === "A" ? "B" : "A") + token.slice(1) }, csrf: "", ip: "127.0.0.1" };
      assert.equal((await visit(app, tampered, "/dummy/analysis")).statusCode, 303);
      // Idle for 31 minutes: expired.
      clock += 31 * 60_000;
      assert.equal((await visit(app, v, "/dummy/analysis")).statusCode, 303);

      const w = await signIn(app, "analyst", DEMO_PASSWORD);
      const kept = { ...w.cookies };
      assert.equal((await post(app, w, "/sign-out")).statusCode, 303);
      const replay: Visitor = { cookies: kept, csrf: "", ip: "127.0.0.1" };
      assert.equal((await visit(app, replay, "/dummy/analysis")).statusCode, 303);
    },
    { secureCookies: false, now: () => new Date(clock) },
  );
});

test("the sign-in rate limit holds per address and per account name", async () => {
  await withServer(
    async (app) => {
      const a = await anonymous(app, "10.9.9.1");
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await post(app, a, "/sign-in", { username: `nobody${i}`, password: "wrong password" })).statusCode);
      assert.deepEqual(codes, [401, 401, 401, 429]);
      // Another address is not held back by the first.
      const b = await anonymous(app, "10.9.9.2");
      assert.equal((await post(app, b, "/sign-in", { username: "member", password: DEMO_PASSWORD })).statusCode, 303);
      // One account name from many addresses: the third attempt inside the window is refused.
      const perAccount: number[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await anonymous(app, `10.8.0.${i}`);
        perAccount.push((await post(app, c, "/sign-in", { username: "analyst", password: "wrong password" })).statusCode);
      }
      assert.deepEqual(perAccount, [401, 401, 429]);
    },
    { secureCookies: false, rateLimit: { perIp: 3, perAccount: 2, windowMs: 60_000 } },
  );
});

test("behind a trusted reverse proxy the sign-in limit is per client (X-Forwarded-For); from anywhere else that header is not believed", async () => {
  const { store, cleanup } = await tempStore();
  const limit = { secureCookies: false, rateLimit: { perIp: 3, perAccount: 10, windowMs: 60_000 } } as const;
  const proxied = await authTestServer(store, limit, ["10.0.0.5"]);
  const direct = await authTestServer(store, limit);
  try {
    await ensureDemoUsers(store);
    const fail = (app: FastifyInstance, v: Visitor, client: string, i: number) => post(app, v, "/sign-in", { username: `nobody${i}`, password: "wrong password" }, { "x-forwarded-for": client });
    // Through the proxy: one client's failures hold back that client only.
    const a = await anonymous(proxied, "10.0.0.5");
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await fail(proxied, a, "203.0.113.7", i)).statusCode);
    assert.deepEqual(codes, [401, 401, 401, 429]);
    const b = await anonymous(proxied, "10.0.0.5");
    assert.equal((await post(proxied, b, "/sign-in", { username: "member", password: DEMO_PASSWORD }, { "x-forwarded-for": "198.51.100.2" })).statusCode, 303, "another client through the same proxy signs in");
    const signedIn = (await store.all<{ detail: string }>(`SELECT detail FROM lantern_audit WHERE action = 'auth.sign_in' ORDER BY audit_id DESC LIMIT 1`))[0]!;
    assert.equal(JSON.parse(signedIn.detail).ip, "198.51.100.2", "the audit log records the client");
    // Not through the proxy: a forwarded-for header changes nothing.
    const c = await anonymous(direct, "10.9.9.9");
    const direct4: number[] = [];
    for (let i = 0; i < 4; i++) direct4.push((await fail(direct, c, `192.0.2.${i}`, i)).statusCode);
    assert.deepEqual(direct4, [401, 401, 401, 429]);
  } finally {
    await proxied.close();
    await direct.close();
    await cleanup();
  }
});

test("LANTERN_TRUST_PROXY takes addresses and CIDR ranges; everything, or what is not an address, is refused", async () => {
  const { trustProxyFromEnv } = await import("../../cli/commands/serve.ts");
  assert.deepEqual(trustProxyFromEnv({}), []);
  assert.deepEqual(trustProxyFromEnv({ LANTERN_TRUST_PROXY: " 10.0.0.5, 10.1.0.0/16 ,::1 " }), ["10.0.0.5", "10.1.0.0/16", "::1"]);
  for (const bad of ["*", "true", "10.0.0.0/33", "proxy.local", "10.0.0.1/8/1"]) {
    assert.throws(() => trustProxyFromEnv({ LANTERN_TRUST_PROXY: bad }), /LANTERN_TRUST_PROXY holds .* which is not an address or CIDR range/, bad);
  }
});

test("a sign-in refused by the rate limit is a page (title, h1, what happened, when to try again), or JSON for a client asking for JSON", async () => {
  await withServer(
    async (app) => {
      const a = await anonymous(app, "10.9.8.1");
      for (let i = 0; i < 2; i++) assert.equal((await post(app, a, "/sign-in", { username: `nobody${i}`, password: "wrong password" })).statusCode, 401);
      const res = await post(app, a, "/sign-in", { username: "nobody", password: "wrong password" });
      assert.equal(res.statusCode, 429);
      assert.match(String(res.headers["content-type"]), /^text\/html/);
      assert.match(String(res.headers["retry-after"]), /^\d+$/);
      assert.match(res.body, /<title>Too many attempts to sign in – Lantern<\/title>/);
      assert.equal(res.body.match(/<h1\b/g)?.length, 1);
      assert.match(res.body, /<h1 class="govuk-heading-l">Too many attempts to sign in<\/h1>/);
      assert.match(res.body, /too many unsuccessful attempts to sign in from this address/i);
      assert.match(res.body, /Try again in (1 minute|\d+ minutes)/);
      assert.match(res.body, /<a class="govuk-link" href="\/sign-in">/);
      assert.match(res.body, /<header class="govuk-service-navigation/);
      assert.doesNotMatch(res.body, /"statusCode"/);
      const json = await post(app, a, "/sign-in", { username: "nobody", password: "wrong password" }, { accept: "application/json" });
      assert.equal(json.statusCode, 429);
      assert.match(String(json.headers["content-type"]), /^application\/json/);
      assert.equal(JSON.parse(json.body).statusCode, 429);
      // One account name from many addresses: the same page, naming the account.
      for (let i = 0; i < 2; i++) await post(app, await anonymous(app, `10.9.7.${i}`), "/sign-in", { username: "analyst", password: "wrong password" });
      const acc = await post(app, await anonymous(app, "10.9.7.9"), "/sign-in", { username: "analyst", password: "wrong password" });
      assert.equal(acc.statusCode, 429);
      assert.match(acc.body, /<h1 class="govuk-heading-l">Too many attempts to sign in<\/h1>/);
      assert.match(acc.body, /to this account/);
    },
    { secureCookies: false, rateLimit: { perIp: 2, perAccount: 2, windowMs: 60_000 } },
  );
});

test("successful sign-ins do not count towards the rate limits; failed ones do", async () => {
  await withServer(
    async (app) => {
      // Many sign-ins from one address, to one account: none refused.
      for (let i = 0; i < 6; i++) await signIn(app, "member", DEMO_PASSWORD, { ip: "10.9.6.1" });
      // Failures still count, after those successes.
      const a = await anonymous(app, "10.9.6.1");
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await post(app, a, "/sign-in", { username: `nobody${i}`, password: "wrong password" })).statusCode);
      assert.deepEqual(codes, [401, 401, 429]);
      // Attempts under way at once cannot all slip past the count.
      const b = await anonymous(app, "10.9.6.2");
      const at = await Promise.all(Array.from({ length: 6 }, (_, i) => post(app, b, "/sign-in", { username: `someone${i}`, password: "wrong password" })));
      assert.deepEqual(at.map((r) => r.statusCode).sort(), [401, 401, 429, 429, 429, 429]);
    },
    { secureCookies: false, rateLimit: { perIp: 2, perAccount: 2, windowMs: 60_000 } },
  );
});

test("lockout over HTTP: after five wrong passwords the right one gives no session", async () => {
  await withServer(async (app, store) => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const v = await anonymous(app, `10.7.0.${i}`);
      codes.push((await post(app, v, "/sign-in", { username: "manager", password: "not the password" })).statusCode);
    }
    assert.deepEqual(codes, [401, 401, 401, 401, 429]);
    const v = await anonymous(app, "10.7.1.1");
    const res = await post(app, v, "/sign-in", { username: "manager", password: DEMO_PASSWORD });
    assert.equal(res.statusCode, 429);
    assert.match(res.body, /Too many attempts/);
    assert.equal(v.cookies["lantern_session"], undefined);
    const [lock] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_audit WHERE action = 'auth.lockout' AND target = 'manager'`);
    assert.equal(lock!.n, 1);
  });
});

test("cookies: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/ when secure; plain names only when turned off", async () => {
  await withServer(
    async (app) => {
      const page = await app.inject({ method: "GET", url: "/sign-in" });
      const pre = String(page.headers["set-cookie"]);
      assert.match(pre, /^__Host-lantern_pre=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      const v = await signIn(app, "member", DEMO_PASSWORD, { csrfPage: "/" });
      assert.ok(v.cookies["__Host-lantern_session"]);
      const res = await app.inject({
        method: "POST",
        url: "/sign-in",
        payload: new URLSearchParams({ username: "admin", password: DEMO_PASSWORD, _csrf: (await anonymousSecure(app)).csrf }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: lastPre },
      });
      const set = ([] as string[]).concat(res.headers["set-cookie"] ?? []).find((c) => c.startsWith("__Host-lantern_session="))!;
      assert.match(set, /^__Host-lantern_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      assert.equal(res.headers["strict-transport-security"], "max-age=31536000; includeSubDomains");
    },
    { secureCookies: true },
  );
  await withServer(async (app) => {
    const v = await signIn(app, "member", DEMO_PASSWORD);
    assert.ok(v.cookies["lantern_session"]);
    assert.equal(v.cookies["__Host-lantern_session"], undefined);
  });
});

let lastPre = "";
async function anonymousSecure(app: FastifyInstance): Promise<{ csrf: string }> {
  const res = await app.inject({ method: "GET", url: "/sign-in" });
  lastPre = String(res.headers["set-cookie"]).split(";")[0]!;
  return { csrf: /name="_csrf" value="([^"]+)"/.exec(res.body)![1]! };
}

test("every page carries a strict CSP with no inline script and names no other host", async () => {
  await withServer(async (app) => {
    const admin = await signIn(app, "admin", DEMO_PASSWORD);
    const member = await signIn(app, "member", DEMO_PASSWORD);
    const pages: [Visitor, string][] = [
      [await anonymous(app), "/sign-in"],
      [admin, "/admin/users"],
      [admin, "/admin/audit?verify=1"],
      [member, "/admin/users"],
      [member, "/"],
    ];
    for (const [v, url] of pages) {
      const res = await visit(app, v, url);
      const csp = String(res.headers["content-security-policy"]);
      assert.match(csp, /(^|;)default-src '(none|self)';/, url);
      assert.match(csp, /script-src 'self';/, url);
      assert.match(csp, /object-src 'none'/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:/, url);
      assert.equal(res.headers["x-content-type-options"], "nosniff");
      assert.equal(res.headers["cache-control"], "no-store", url);
      assert.doesNotMatch(res.body, /<script(?![^>]*\ssrc=)/i, `${url} has an inline script`);
      assert.doesNotMatch(res.body, /\son[a-z]+\s*=/i, `${url} has an inline event handler`);
      assert.doesNotMatch(res.body, /(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i, `${url} names another host`);
    }
  });
});

test("the Users page says how many sessions a role change or password reset ended, as the audit log records them (none open: said so)", async () => {
  await withServer(async (app) => {
    const admin = await signIn(app, "admin", DEMO_PASSWORD);
    await visit(app, admin, "/admin/users");
    await post(app, admin, "/admin/users", { op: "create", username: "zed", displayName: "Zed", role: "manager", areas: ["send"], password: "zed's long password" });
    const none = await post(app, admin, "/admin/users", { op: "role", username: "zed", role: "member" });
    assert.match(none.body, /zed is now member; they had no session open\./);
    await signIn(app, "zed", "zed's long password");
    await signIn(app, "zed", "zed's long password");
    const reset = await post(app, admin, "/admin/users", { op: "reset", username: "zed", password: "zed's other long password" });
    assert.match(reset.body, /The password of zed is reset; their 2 sessions have ended\./);
  });
});

test("admin pages: create, change role (ending sessions), audit filters, and text is escaped", async () => {
  await withServer(async (app, store) => {
    const admin = await signIn(app, "admin", DEMO_PASSWORD);
    await visit(app, admin, "/admin/users");
    const created = await post(app, admin, "/admin/users", { op: "create", username: "zed", displayName: '<img src=x onerror="alert(1)">', role: "manager", areas: ["send", "missing"], password: "zed's long password" });
    assert.equal(created.statusCode, 200);
    assert.match(created.body, /Added zed\./);
    assert.match(created.body, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;/);
    assert.doesNotMatch(created.body, /<img src=x/);

    const zed = await signIn(app, "zed", "zed's long password");
    assert.equal((await visit(app, zed, "/dummy/records/send")).statusCode, 200);
    assert.equal((await visit(app, zed, "/dummy/records/front_door")).statusCode, 403);
    const changed = await post(app, admin, "/admin/users", { op: "role", username: "zed", role: "member" });
    assert.match(changed.body, /zed is now member; their session has ended\./);
    assert.equal((await visit(app, zed, "/dummy/records/send")).statusCode, 303);

    // Admins cannot demote or disable themselves; bad input is a 400 with the reason.
    assert.equal((await post(app, admin, "/admin/users", { op: "role", username: "admin", role: "member" })).statusCode, 400);
    const bad = await post(app, admin, "/admin/users", { op: "create", username: "x", role: "member", password: "a long enough password" });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /is not a usable user name/);

    const audit = await visit(app, admin, "/admin/audit?user=admin&action=user.role_change");
    assert.match(audit.body, /1 entry, page 1 of 1/);
    assert.match(audit.body, /user\.role_change/);
    const all = await visit(app, admin, "/admin/audit?action=auth.sign_in");
    assert.match(all.body, /2 entries/);
    // A page past the end shows the last page, with its entries.
    const past = await visit(app, admin, "/admin/audit?action=auth.sign_in&page=99999");
    assert.match(past.body, /2 entries, page 1 of 1/);
    assert.match(past.body, /<td class="govuk-table__cell">auth\.sign_in<\/td>/);
    assert.doesNotMatch(past.body, /Previous page/);
    // A date the filter cannot use is said, and kept as typed, rather than silently dropped
    // (which listed every entry as though filtered) or matching nothing (2026-02-30).
    const wrongDates = await visit(app, admin, "/admin/audit?action=auth.sign_in&from=24%2F11%2F2026&to=2026-02-30");
    assert.equal(wrongDates.statusCode, 400);
    assert.match(wrongDates.body, /<title>Error: Audit log/);
    assert.match(wrongDates.body, /<a href="#f-from">The From date &quot;24\/11\/2026&quot; is not a date written YYYY-MM-DD, such as 2025-04-01\.<\/a>/);
    assert.match(wrongDates.body, /<a href="#f-to">The To date &quot;2026-02-30&quot; is not a date written YYYY-MM-DD, such as 2025-04-01\.<\/a>/);
    assert.match(wrongDates.body, /id="f-from" name="from" type="text" inputmode="numeric" maxlength="10" value="24\/11\/2026" aria-describedby="f-from-error"/);
    assert.match(wrongDates.body, /<p class="govuk-error-message" id="f-to-error">/);
    assert.doesNotMatch(wrongDates.body, /entries, page/, "no list that looks filtered but is not");
    const verified = await visit(app, admin, "/admin/audit?verify=1");
    assert.match(verified.body, /The chain is intact/);
    await store.run(`UPDATE lantern_audit SET actor = 'nobody' WHERE audit_id = 3`);
    assert.match((await visit(app, admin, "/admin/audit?verify=1")).body, /The audit log has been altered.*Entry 3: its contents were changed/s);
  });
});

test("admin pages: enabling an active user (even yourself) ends no session and says so; passwords of spaces are refused with what is required", async () => {
  await withServer(async (app, store) => {
    const admin = await signIn(app, "admin", DEMO_PASSWORD);
    const analyst = await signIn(app, "analyst", DEMO_PASSWORD);
    assert.equal((await visit(app, analyst, "/dummy/analysis")).statusCode, 200);
    const other = await post(app, admin, "/admin/users", { op: "enable", username: "analyst" });
    assert.equal(other.statusCode, 200);
    assert.match(other.body, /analyst is already enabled; nothing was changed\./);
    assert.equal((await visit(app, analyst, "/dummy/analysis")).statusCode, 200, "the analyst is still signed in");
    // Enabling yourself is harmless: not refused, and you stay signed in.
    const self = await post(app, admin, "/admin/users", { op: "enable", username: "admin" });
    assert.equal(self.statusCode, 200);
    assert.match(self.body, /admin is already enabled; nothing was changed\./);
    assert.equal((await visit(app, admin, "/admin/users")).statusCode, 200, "the admin is still signed in");
    assert.equal((await store.all(`SELECT 1 FROM lantern_audit WHERE action = 'user.enable'`)).length, 0);

    const spaces = await post(app, admin, "/admin/users", { op: "create", username: "qa6", role: "member", password: " ".repeat(12) });
    assert.equal(spaces.statusCode, 400);
    assert.match(spaces.body, /The password is blank: it is only spaces\. Use 12 to 256 characters, not only spaces, not one character repeated, not the user name and not a common password/);
    assert.equal(await findUserByUsername(store, "qa6"), null);
    const common = await post(app, admin, "/admin/users", { op: "reset", username: "analyst", password: "Password1234" });
    assert.equal(common.statusCode, 400);
    assert.match(common.body, /one of the commonest passwords/);
    assert.equal((await visit(app, analyst, "/dummy/analysis")).statusCode, 200, "a refused reset ends no session");
    // The form says what is required before anything is typed.
    assert.match((await visit(app, admin, "/admin/users")).body, /id="new-password-hint">12 to 256 characters, not only spaces/);
  });
});

test("sign-in never sends the browser to another host, and a non-ASCII next is a valid redirect", async () => {
  await withServer(async (app) => {
    const signedIn = await signIn(app, "analyst", DEMO_PASSWORD);
    const cases: [string, string][] = [
      ["/%09/evil.example/phish", "/"],
      ["/%0A/evil.example", "/"],
      ["/%E2%80%A8/evil.example", "/"],
      ["/%5Cevil.example", "/"],
      ["%2F%2Fevil.example", "/"],
      ["/%E4%B8%AD", "/%E4%B8%AD"],
      ["/%C3%A9", "/%C3%A9"],
      ["/%F0%9F%98%80", "/%F0%9F%98%80"],
      ["/dummy/analysis%3Fx%3D1", "/dummy/analysis?x=1"],
    ];
    for (const [next, location] of cases) {
      const res = await visit(app, signedIn, `/sign-in?next=${next}`);
      assert.equal(res.statusCode, 303, next);
      assert.equal(res.headers.location, location, next);
    }
    // Signed out: the form carries the cleaned path in its hidden field, and posting it lands there.
    const v = await anonymous(app);
    const form = await visit(app, v, "/sign-in?next=/%09/evil.example/phish");
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<input type="hidden" name="next" value="\/">/);
    const accented = await visit(app, v, "/sign-in?next=/%C3%A9");
    assert.match(accented.body, /<input type="hidden" name="next" value="\/%C3%A9">/);
    const posted = await post(app, v, "/sign-in", { username: "member", password: DEMO_PASSWORD, next: "/\t/evil.example/phish" });
    assert.equal(posted.headers.location, "/");
  });
});

test("sign-in, failed sign-in and sign-out are audited, and sign-in returns to the page asked for (never another host)", async () => {
  await withServer(async (app, store) => {
    const v = await anonymous(app);
    assert.equal((await post(app, v, "/sign-in", { username: "analyst", password: "wrong password" })).statusCode, 401);
    const ok = await post(app, v, "/sign-in", { username: "analyst", password: DEMO_PASSWORD, next: "/dummy/analysis" });
    assert.equal(ok.headers.location, "/dummy/analysis");
    await visit(app, v, "/");
    await post(app, v, "/sign-out");
    const w = await anonymous(app);
    const evil = await post(app, w, "/sign-in", { username: "member", password: DEMO_PASSWORD, next: "//evil.example/x" });
    assert.equal(evil.headers.location, "/");
    const rows = await store.all<{ actor: string; action: string }>(`SELECT actor, action FROM lantern_audit WHERE action LIKE 'auth.%' ORDER BY audit_id`);
    assert.deepEqual(rows, [
      { actor: "analyst", action: "auth.sign_in_failed" },
      { actor: "analyst", action: "auth.sign_in" },
      { actor: "analyst", action: "auth.sign_out" },
      { actor: "member", action: "auth.sign_in" },
    ]);
    assert.equal((await verifyAuditChain(store)).ok, true);
  });
});

test("sign-in with a field left blank says which, beside the field; a wrong password stays a generic error; both are titled Error", async () => {
  await withServer(async (app, store) => {
    const v = await anonymous(app);
    const blank = await post(app, v, "/sign-in", { username: "", password: "" });
    assert.equal(blank.statusCode, 400);
    assert.match(blank.body, /<title>Error: Sign in – Lantern<\/title>/);
    assert.match(blank.body, /<li><a href="#username">Enter your user name<\/a><\/li><li><a href="#password">Enter your password<\/a><\/li>/);
    assert.match(blank.body, /<p class="govuk-error-message" id="username-error"><span class="govuk-visually-hidden">Error:<\/span> Enter your user name<\/p>/);
    assert.match(blank.body, /<p class="govuk-error-message" id="password-error"><span class="govuk-visually-hidden">Error:<\/span> Enter your password<\/p>/);
    assert.match(blank.body, /class="govuk-input govuk-input--error govuk-!-width-one-half" id="username"[^>]* aria-describedby="username-error">/);
    assert.match(blank.body, /class="govuk-input govuk-input--error govuk-!-width-one-half" id="password"[^>]* aria-describedby="password-error">/);
    const onlyPassword = await post(app, v, "/sign-in", { username: "analyst", password: "" });
    assert.equal(onlyPassword.statusCode, 400);
    assert.match(onlyPassword.body, /<a href="#password">Enter your password<\/a>/);
    assert.doesNotMatch(onlyPassword.body, /Enter your user name/);
    assert.match(onlyPassword.body, /id="username" name="username"[^>]*value="analyst"/, "the user name is kept");
    const wrong = await post(app, v, "/sign-in", { username: "analyst", password: "not the password at all" });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /<title>Error: Sign in – Lantern<\/title>/);
    assert.match(wrong.body, /<a href="#username">The user name or password is not right\.<\/a>/);
    assert.match(wrong.body, /id="username-error"/);
    assert.doesNotMatch(wrong.body, /id="password-error"/, "which of the two was wrong is not said");
    // Blank forms check nothing against an account; the wrong password is recorded as before.
    const failed = await store.all(`SELECT 1 FROM lantern_audit WHERE action = 'auth.sign_in_failed'`);
    assert.equal(failed.length, 1);
    assert.match((await visit(app, await anonymous(app), "/sign-in")).body, /<title>Sign in – Lantern<\/title>/);
  });
});

test("admin users: a refused form links its error to the field, marks it, keeps what was typed (never the password) and is titled Error", async () => {
  await withServer(async (app, store) => {
    const admin = await signIn(app, "admin", DEMO_PASSWORD, { csrfPage: "/admin/users" });
    const bad = await post(app, admin, "/admin/users", { op: "create", username: "x", displayName: "Xavier <Smith>", role: "manager", areas: ["send", "missing"], password: "a secret long password" });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /<title>Error: Users and roles – Lantern<\/title>/);
    assert.match(bad.body, /<li><a href="#new-username">The user was not added: &quot;x&quot; is not a usable user name/);
    assert.match(bad.body, /<div class="govuk-form-group govuk-form-group--error"><label class="govuk-label" for="new-username">User name<\/label><p class="govuk-error-message" id="new-username-error"><span class="govuk-visually-hidden">Error:<\/span> The user was not added/);
    assert.match(bad.body, /class="govuk-input govuk-input--error govuk-!-width-one-half" id="new-username" name="username" type="text" value="x" maxlength="64" spellcheck="false" aria-describedby="new-username-error">/);
    assert.match(bad.body, /id="new-name" name="displayName" type="text" value="Xavier &lt;Smith&gt;"/);
    assert.match(bad.body, /<select class="govuk-select" id="new-role" name="role"><option value="admin">admin<\/option><option value="analyst">analyst<\/option><option value="manager" selected>/);
    assert.match(bad.body, /id="new-send" name="areas" type="checkbox" value="send" checked>/);
    assert.match(bad.body, /id="new-missing" name="areas" type="checkbox" value="missing" checked>/);
    assert.doesNotMatch(bad.body, /a secret long password/);

    const weak = await post(app, admin, "/admin/users", { op: "create", username: "newcomer", role: "member", password: "short" });
    assert.match(weak.body, /<a href="#new-password">The user was not added: The password must be 12 to 256 characters/);
    assert.match(weak.body, /id="new-password" name="password" type="password" autocomplete="new-password" maxlength="256" aria-describedby="new-password-hint new-password-error">/);
    assert.match(weak.body, /id="new-username" name="username" type="text" value="newcomer"/);

    // A reset refused says whose, and opens that user's form with the error beside its field.
    const reset = await post(app, admin, "/admin/users", { op: "reset", username: "analyst", password: "Password1234" });
    assert.equal(reset.statusCode, 400);
    const row = /<tr class="govuk-table__row">\s*<td class="govuk-table__cell">analyst<\/td>[\s\S]*?<\/tr>/.exec(reset.body)?.[0] ?? "";
    const id = /for="(u\d+)-pw"/.exec(row)?.[1];
    assert.ok(id, "the analyst's row has a reset form");
    assert.match(reset.body, new RegExp(`<a href="#${id}-pw">The password of analyst was not reset: The password is one of the commonest passwords`));
    assert.match(row, /<details class="govuk-details" open>/);
    assert.match(row, new RegExp(`<p class="govuk-error-message" id="${id}-pw-error">`));
    assert.match(row, new RegExp(`aria-describedby="${id}-pw-hint ${id}-pw-error"`));
    assert.doesNotMatch(reset.body, /Password1234/);
    assert.equal(await findUserByUsername(store, "newcomer"), null);
  });
});
