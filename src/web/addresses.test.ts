// What a page's address carries, on the real app over a demo store: each parameter given once
// (a repeated one is a 400 page naming it, on every route that reads the query string, not a
// 404 or another authority's page), and the links that move between authorities and pages keep
// the period the user chose.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { tempStore } from "../../test/fixtures.ts";
import { CSRF, demoApp } from "../../test/web-fixture.ts";
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
