// An unexpected error is written to the server's log (stderr by default, even with Fastify's
// logger off, as `lantern serve` runs it) as one line with the method, the path, an error id and
// the stack, and the 500 page shows the same id. Query strings and quoted values, which can carry
// a child's details, are never written.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { tempStore } from "../../test/fixtures.ts";
import { USERS } from "../../test/web-fixture.ts";
import type { Role } from "./access.ts";
import { buildServer, errorLine } from "./server.ts";

let app: FastifyInstance;
let cleanup: () => Promise<void>;
const lines: string[] = [];

before(async () => {
  const t = await tempStore();
  app = await buildServer({
    store: t.store,
    dataDir: t.dataDir,
    authenticate: (req) => USERS[String(req.headers["x-test-user"] ?? "") as Role] ?? null,
    csrfToken: () => "t",
    errorLog: (line) => lines.push(line),
  });
  // Stands for a page failing on something unforeseen (a database error quoting the value it failed on).
  app.get("/boom", async () => {
    throw new Error(`Conversion Error: Could not convert string 'Jane Doe P123' to INT32`);
  });
  cleanup = async () => {
    await app.close();
    await t.cleanup();
  };
});
after(async () => {
  await cleanup();
});

test("an unexpected error is logged on one line with method, path, id and stack, and the page shows the id", async () => {
  lines.length = 0;
  const res = await app.inject({ method: "GET", url: "/boom?child=P123&name=Jane", headers: { "x-test-user": "analyst" } });
  assert.equal(res.statusCode, 500);
  assert.equal(lines.length, 1);
  const line = lines[0]!;
  assert.doesNotMatch(line, /\n/);
  const m = /^\d{4}-\d{2}-\d{2}T\S+ lantern error ([0-9a-f]{12}) GET \/boom "(.*)"$/.exec(line);
  assert.ok(m, line);
  assert.match(m[2]!, /^Error: Conversion Error: Could not convert string '…' to INT32\\nat /);
  assert.match(m[2]!, /errors\.test\.ts/, "the stack is there");
  assert.doesNotMatch(line, /P123|Jane|child=/, "no query string and no quoted value");
  assert.match(res.body, new RegExp(`The error has been logged with the reference <strong>${m[1]}</strong>`));
  assert.doesNotMatch(res.body, /P123|Jane/);
});

test("each error has its own id", async () => {
  lines.length = 0;
  const a = await app.inject({ method: "GET", url: "/boom", headers: { "x-test-user": "member" } });
  const b = await app.inject({ method: "GET", url: "/boom", headers: { "x-test-user": "member" } });
  const id = (body: string) => /reference <strong>([0-9a-f]+)<\/strong>/.exec(body)?.[1];
  assert.ok(id(a.body) && id(b.body) && id(a.body) !== id(b.body));
  assert.equal(lines.length, 2);
});

test("errorLine leaves out the query string and blanks quoted text, keeping the error's code", () => {
  const e = Object.assign(new Error(`duplicate key "X001|P9" violates unique constraint`), { code: "23505" });
  const line = errorLine("abc123", "POST", "/targets?x=secret", e);
  assert.match(line, / lantern error abc123 POST \/targets "Error \[23505\]: duplicate key \\"…\\" violates unique constraint/);
  assert.doesNotMatch(line, /secret|X001\|P9/);
});

// The sign-in and admin routes are the auth plugin's: their errors go through the same handler
// as every other page's (an HTML page saying what to do, a logged id), not Fastify's bare JSON.
test("errors on the sign-in and admin routes get the server's pages, not Fastify's JSON", async () => {
  const t = await tempStore();
  const logged: string[] = [];
  const real = await buildServer({ store: t.store, dataDir: t.dataDir, auth: { secureCookies: false }, errorLog: (line) => logged.push(line) });
  try {
    const nul = await real.inject({ method: "GET", url: "/sign-in?next=%00" });
    assert.equal(nul.statusCode, 400);
    assert.match(String(nul.headers["content-type"]), /^text\/html/);
    assert.match(nul.body, /NUL character/);
    assert.doesNotMatch(nul.body, /"statusCode"/);
    const big = await real.inject({ method: "POST", url: "/sign-in", headers: { "content-type": "application/x-www-form-urlencoded" }, payload: `username=a&password=${"x".repeat(20_000)}` });
    assert.equal(big.statusCode, 413);
    assert.match(String(big.headers["content-type"]), /^text\/html/);
    assert.match(big.body, /The form was too long to send/);
    assert.match(big.body, /at most 16 KB/, "the sign-in form's own limit, not the other forms' 64 KB");
    assert.match(big.body, /href="\/sign-in"/);
  } finally {
    await real.close();
    await t.cleanup();
  }
});
