// Several `lantern serve` processes on one PostgreSQL database, as behind a load balancer: real
// child processes (bin/lantern.mjs serve) sharing LANTERN_DATABASE_URL and LANTERN_SECRET. Both
// start at once on an empty database and exactly one makes the first administrator; a session
// signed in through the form on one instance is honoured by the other, and a form token issued by
// one is accepted by the other; what one instance writes the other shows (its page caches follow
// the database, not only their own writes); and the session outlives the instance that made it.
// Below it, the store's change notifications themselves (what the page caches follow).
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { generateToDirectory } from "../src/generate/index.ts";
import { importSsd } from "../src/ingest/ssd-import.ts";
import { computeAndStore } from "../src/kpi/compute.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import pg from "pg";
import { tempDir, tempStore } from "./fixtures.ts";
import { clusterUrl, freshDatabase, pgSkipReason } from "./postgres-cluster.ts";
import { signInOverHttp } from "./web-access.ts";

const bin = fileURLToPath(new URL("../bin/lantern.mjs", import.meta.url));

interface Instance {
  readonly child: ChildProcessWithoutNullStreams;
  readonly address: string;
  /** The first administrator's password, when this instance made it. */
  readonly password: string | null;
  stop(): Promise<number | null>;
}

/** Start `lantern serve` on a free port; resolves once it listens (and has printed any first password). */
function serve(env: NodeJS.ProcessEnv, dataDir: string): Promise<Instance> {
  const child = spawn(process.execPath, [bin, "serve", "--data", dataDir, "--port", "0"], { env, stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  return new Promise<Instance>((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      const running = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (!running) return;
      const first = /No one could sign in yet/.test(out);
      const password = /password: +(\S+)\n/.exec(out)?.[1] ?? null;
      // The password is printed just after the address; wait for it when it is announced.
      if (first && !password) return;
      resolve({ child, address: running[1]!, password, stop });
    });
    child.on("exit", (code) => reject(new Error(`lantern serve exited ${code}: ${out}${err}`)));
  });
}

async function page(base: string, path: string, cookie: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
  return { status: res.status, text: await res.text() };
}

function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token, "the page carries a form token");
  return token;
}

/** The authority the test loads (set once generated). */
let la = "";

function annotate(base: string, cookie: string, token: string, note: string): Promise<Response> {
  return fetch(`${base}/annotations`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: token, la, indicator: "assess_45wd_pct", date: "2024-04-01", kind: "note", note }).toString(),
  });
}

/** Ask until `ok` holds (a change made elsewhere reaches a page's cache shortly after its commit). */
async function eventually(what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) assert.fail(`${what} (waited ${ms / 1000} s)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("two lantern serve processes on one PostgreSQL database share sign-in, form tokens, changes and sessions across a restart", { skip: pgSkipReason(), timeout: 180_000 }, async () => {
  const db = await freshDatabase();
  const dirs = [tempDir("lantern-inst-a-"), tempDir("lantern-inst-b-"), tempDir("lantern-inst-c-")];
  const running: Instance[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: "Europe/London", LANTERN_DATABASE_URL: db.url, LANTERN_SECRET: randomBytes(36).toString("base64") };
  delete env["LANTERN_TEST_STORE"];
  delete env["LANTERN_OIDC_ISSUER"];
  try {
    // Both start at once on the empty database: they migrate one after the other, and exactly
    // one of them makes the first administrator.
    const started = await Promise.allSettled([serve(env, dirs[0]!.dir), serve(env, dirs[1]!.dir)]);
    for (const s of started) if (s.status === "fulfilled") running.push(s.value);
    for (const s of started) if (s.status === "rejected") throw s.reason;
    const [a, b] = running as [Instance, Instance];
    const passwords = [a.password, b.password].filter((p) => p !== null);
    assert.equal(passwords.length, 1, "exactly one instance made the first administrator");
    const password = passwords[0]!;

    // Data for one small generated authority, loaded and computed by a third process (this one) meanwhile.
    const store = await openStore(storeConfig(dirs[2]!.dir, { LANTERN_DATABASE_URL: db.url }));
    try {
      const out = join(dirs[2]!.dir, "export");
      const gen = await generateToDirectory({ out, seed: 5, population: 1000, from: "2024-04", to: "2025-03", authorities: 1, shocks: [] });
      la = gen.authorities[0]!.code;
      const r = await importSsd(store, { paths: [out] });
      await computeAndStore(store, { snapshot: r.authorities[0]!.snapshotId! });
    } finally {
      await store.close();
    }

    // Signed in on A; the same cookie is a session on B.
    const cookie = await signInOverHttp(a.address, "admin", password);
    for (const inst of [a, b]) {
      const home = await page(inst.address, `/?la=${la}`, cookie);
      assert.equal(home.status, 200, "the dashboard loads");
      assert.match(home.text, /Signed in as Administrator \(admin\)/);
      assert.doesNotMatch(home.text, /No data yet/);
    }
    assert.equal((await page(b.address, "/", "lantern_session=" + "x".repeat(43))).status, 303, "an unknown session is sent to sign in");

    // B caches its (empty) annotations page; then a form from A is posted to B.
    const before = await page(b.address, `/annotations?la=${la}`, cookie);
    assert.match(before.text, /No annotations\./);
    const fromA = await page(a.address, `/annotations?la=${la}`, cookie);
    const token = csrfOf(fromA.text);
    assert.equal((await annotate(b.address, cookie, "A".repeat(43), "forged")).status, 403, "a wrong form token is refused on B");
    const posted = await annotate(b.address, cookie, token, "Posted on B with A's form");
    assert.equal(posted.status, 303, "B accepted the form token A issued");
    assert.equal(posted.headers.get("location"), `/annotations?la=${la}&saved=annotation`);
    assert.match((await page(b.address, `/annotations?la=${la}`, cookie)).text, /Posted on B with A&#39;s form|Posted on B with A's form/);
    // A had cached the annotations page before B's write; it shows the new annotation too.
    await eventually("A shows the annotation B saved", async () => /Posted on B with A(&#39;|')s form/.test((await page(a.address, `/annotations?la=${la}`, cookie)).text));
    // And the other way round: A writes, B (which cached the page after its own write) follows.
    const second = await annotate(a.address, cookie, csrfOf((await page(b.address, `/annotations?la=${la}`, cookie)).text), "Posted on A with B's form");
    assert.equal(second.status, 303, "A accepted the form token B issued");
    await eventually("B shows the annotation A saved", async () => /Posted on A with B(&#39;|')s form/.test((await page(b.address, `/annotations?la=${la}`, cookie)).text));

    // A stops; a new instance starts; the session and its form token still work there and on B.
    assert.equal(await a.stop(), 0, "A stopped cleanly");
    running.splice(running.indexOf(a), 1);
    assert.equal((await fetch(`${a.address}/healthz`).catch(() => null))?.status, undefined, "A is gone");
    const c = await serve(env, dirs[2]!.dir);
    running.push(c);
    assert.equal(c.password, null, "a later instance makes no administrator");
    for (const inst of [c, b]) {
      const home = await page(inst.address, `/?la=${la}`, cookie);
      assert.equal(home.status, 200, "the session survived A's restart");
      assert.match(home.text, /Signed in as Administrator \(admin\)/);
    }
    const third = await annotate(c.address, cookie, token, "Posted on C with A's old form");
    assert.equal(third.status, 303, "a form token issued before the restart is still good");
    const list = (await page(c.address, `/annotations?la=${la}`, cookie)).text;
    for (const note of ["Posted on B with A", "Posted on A with B", "Posted on C with A"]) assert.ok(list.includes(note), `C lists: ${note}`);
  } finally {
    for (const inst of running) await inst.stop();
    await db.drop();
    for (const d of dirs) d.cleanup();
  }
});

test("a PostgreSQL store tells its listeners of changes committed by any connection, and listens again after losing its connection", { skip: pgSkipReason(), timeout: 60_000 }, async () => {
  const s = await tempStore("postgres");
  const other = await openStore(storeConfig(s.dataDir, { LANTERN_DATABASE_URL: s.databaseUrl! }));
  const admin = new pg.Client({ connectionString: clusterUrl() });
  await admin.connect();
  let calls = 0;
  const quiet = () => new Promise((r) => setTimeout(r, 300));
  try {
    const unwatch = await s.store.onChange(() => calls++);
    // A change rolled back, and a change to a table no page caches (sessions), say nothing.
    await assert.rejects(
      other.transaction(async () => {
        await other.run(`INSERT INTO lantern_setting (name, value) VALUES ('x', 'rolled back')`);
        throw new Error("roll back");
      }),
    );
    await other.run(`INSERT INTO lantern_session (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ('h', 'u', 'now', 'now', 'later')`);
    await quiet();
    assert.equal(calls, 0, "nothing committed that pages show");
    // A transaction of many statements on announced tables is one notification, after its commit.
    await other.transaction(async () => {
      await other.run(`INSERT INTO lantern_setting (name, value) VALUES ('a', '1')`);
      await other.run(`UPDATE lantern_setting SET value = '2' WHERE name = 'a'`);
      await other.run(`INSERT INTO lantern_target (indicator_id, year, version, target, tolerance, deleted, changed_by, changed_at) VALUES ('i', '2024-25', 1, 1, 0, FALSE, 'me', 'now')`);
    });
    await eventually("the listener heard the commit", async () => calls === 1);
    await quiet();
    assert.equal(calls, 1, "one notification for the transaction");
    // The listening connection is cut: it comes back by itself and says a change may have been missed.
    const r = await admin.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND query = 'LISTEN lantern_change'`, [new URL(s.databaseUrl!).pathname.slice(1)]);
    assert.equal(r.rowCount, 1, "one listening connection");
    await eventually("told after listening again", async () => calls === 2);
    await other.run(`DELETE FROM lantern_setting WHERE name = 'a'`);
    await eventually("changes heard after listening again", async () => calls === 3);
    await unwatch();
    await other.run(`INSERT INTO lantern_setting (name, value) VALUES ('b', '1')`);
    await quiet();
    assert.equal(calls, 3, "nothing after unwatching");
  } finally {
    await admin.end();
    await other.close();
    await s.cleanup();
  }
});
