// `lantern serve` as a user runs it: a real process on an empty data folder, listening on
// 127.0.0.1 only, making the first administrator (its password printed once), sending visitors to
// sign in, answering the signed-in admin with the "no data yet" page and the local stylesheet,
// stopped by SIGTERM (which closes the store and removes its lock).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "./fixtures.ts";

const bin = fileURLToPath(new URL("../bin/lantern.mjs", import.meta.url));

test("lantern serve listens on loopback, serves pages and assets, and stops cleanly", async () => {
  const t = tempDir("lantern-serve-");
  const child = spawn(process.execPath, [bin, "serve", "--data", t.dir, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const [address, password] = await new Promise<[string, string]>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        const m = /running at (http:\/\/127\.0\.0\.1:\d+)\/[\s\S]*password: +(\S+)\n/.exec(out);
        if (m) resolve([m[1]!, m[2]!]);
      });
      child.on("exit", (code) => reject(new Error(`lantern serve exited ${code}: ${out}`)));
    });
    const anonymous = await fetch(`${address}/`, { redirect: "manual" });
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.headers.get("location"), "/sign-in?next=%2F");
    // Sign in as the first administrator, as a browser would.
    const form = await fetch(`${address}/sign-in`);
    const pre = (form.headers.get("set-cookie") ?? "").split(";")[0]!;
    assert.match(pre, /^lantern_pre=/, "plain-http loopback cookies have no __Host- prefix");
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
    const signedIn = await fetch(`${address}/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: pre, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: token, username: "admin", password, next: "/" }).toString(),
    });
    assert.equal(signedIn.status, 303);
    const session = signedIn.headers.getSetCookie().find((c) => c.startsWith("lantern_session="))!.split(";")[0]!;
    const home = await fetch(`${address}/`, { headers: { cookie: session } });
    assert.equal(home.status, 200);
    const text = await home.text();
    assert.match(text, /No data yet/);
    assert.match(text, /Signed in as Administrator \(admin\)/);
    const css = await fetch(`${address}/assets/lantern.css`);
    assert.equal(css.status, 200);
    assert.match(await css.text(), /svg\.lantern-chart \{ display: block;/, "the chart CSS Plot would have inlined is in the stylesheet");
    assert.equal((await fetch(`${address}/assets/govuk/govuk-frontend.min.css`)).status, 200);
    assert.equal((await fetch(`${address}/assets/govuk/assets/fonts/bold-b542beb274-v2.woff2`)).status, 404, "the GDS Transport font is not served");
    assert.ok(existsSync(join(t.dir, "lantern.lock")));
    const exited = new Promise<number | null>((r) => child.on("exit", r));
    let said = "";
    child.stderr.on("data", (b: Buffer) => {
      said += b.toString();
    });
    // Twice, as a service manager's SIGTERM to the process group arrives when bin/lantern.mjs
    // passes it on as well: the second must not cut the closing of the store short.
    child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGTERM");
    const code = await exited;
    // Ignored while the store closes ("Still stopping"). An empty store can close within the 20
    // ms, and a signal that reaches Node after that, as the process is taken down, ends it by the
    // signal: harmless then, and allowed, so long as the closing was finished.
    if (code !== 0) assert.equal(child.signalCode, "SIGTERM", `exit ${code}: ${said}`);
    assert.match(said, /Stopping …/);
    assert.equal(existsSync(join(t.dir, "lantern.lock")), false, "the store closed: its lock is gone");
    assert.equal(existsSync(join(t.dir, "lantern.duckdb.wal")), false, "and no write-ahead log is left");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    t.cleanup();
  }
});

test("lantern serve computes an authority's latest load that has no figures before it serves, and says so", async () => {
  const { computeMissing } = await import("../src/cli/commands/serve.ts");
  const { capture, smallExport, tempStore, writeExport } = await import("./fixtures.ts");
  const { importSsd } = await import("../src/ingest/ssd-import.ts");
  const { store, dataDir, cleanup } = await tempStore("duckdb");
  try {
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "202" });
    const o = capture();
    assert.deepEqual(await computeMissing(store, dataDir, o), [1]);
    assert.match(o.stderr(), /^202's latest load \(snapshot 1\) has no figures yet: computing them before serving …\n$/);
    assert.equal((await store.all(`SELECT 1 FROM lantern_compute WHERE snapshot_id = 1`)).length, 1, "its compute is recorded");
    const again = capture();
    assert.deepEqual(await computeMissing(store, dataDir, again), []);
    assert.equal(again.stderr(), "");
  } finally {
    await cleanup();
  }
});

test("serve on every address says so, not the loopback address the listener names, and warns that its Secure cookies need HTTPS", async () => {
  const { secureCookieNote, servingAt, sharedSecretNote } = await import("../src/cli/commands/serve.ts");
  assert.match(sharedSecretNote("postgres", {}), /^LANTERN_SECRET is not set/);
  assert.equal(sharedSecretNote("postgres", { LANTERN_SECRET: "x".repeat(40) }), "");
  assert.equal(sharedSecretNote("duckdb", {}), "");
  assert.equal(servingAt("http://127.0.0.1:8744", "0.0.0.0"), "every address of this machine, port 8744 (0.0.0.0)");
  assert.equal(servingAt("http://127.0.0.1:8080", "127.0.0.1"), "http://127.0.0.1:8080/");
  assert.match(secureCookieNote("0.0.0.0", {}), /^Sign-in cookies are Secure: open Lantern through HTTPS/);
  assert.equal(secureCookieNote("127.0.0.1", {}), "");
  assert.equal(secureCookieNote("0.0.0.0", { LANTERN_SECURE_COOKIES: "0" }), "");
});

test("lantern serve --port 0 --json prints one line of JSON once listening (the port picked, the store, the first administrator) and nothing else on stdout", async () => {
  const t = tempDir("lantern-serve-json-");
  const { importSsd } = await import("../src/ingest/ssd-import.ts");
  const { smallExport, writeExport } = await import("./fixtures.ts");
  const { openStore, storeConfig } = await import("../src/store/open.ts");
  // A small store, its load not yet computed: serve computes it first and says so on stderr only.
  const store = await openStore(storeConfig(t.dir, {}));
  await importSsd(store, { paths: [writeExport(smallExport())], authority: "202" });
  await store.close();
  const child = spawn(process.execPath, [bin, "serve", "--data", t.dir, "--port", "0", "--json"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LANTERN_DATABASE_URL: "" } });
  let out = "";
  let err = "";
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
      });
      child.on("exit", (code) => reject(new Error(`lantern serve exited ${code}: ${out}${err}`)));
    });
    const j = JSON.parse(line) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j), ["url", "host", "port", "store", "data", "pid", "firstAdmin", "warnings"]);
    assert.equal(j["host"], "127.0.0.1");
    assert.ok(typeof j["port"] === "number" && j["port"] > 0, line);
    assert.equal(j["url"], `http://127.0.0.1:${j["port"]}/`);
    assert.equal(j["store"], "duckdb");
    assert.equal(j["data"], t.dir);
    assert.equal(j["pid"], child.pid);
    assert.deepEqual(j["warnings"], []);
    const first = j["firstAdmin"] as { username: string; password: string };
    assert.equal(first.username, "admin");
    assert.match(first.password, /^\S{20,}$/);
    // The server is there, and the password printed signs in.
    const form = await fetch(`${j["url"]}sign-in`);
    assert.equal(form.status, 200);
    const pre = (form.headers.get("set-cookie") ?? "").split(";")[0]!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
    const signedIn = await fetch(`${j["url"]}sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: pre, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: token, username: "admin", password: first.password, next: "/" }).toString(),
    });
    assert.equal(signedIn.status, 303);
    const exited = new Promise<number | null>((r) => child.on("exit", r));
    process.kill(j["pid"] as number, "SIGTERM");
    assert.equal(await exited, 0);
    assert.equal(out, `${line}\n`, "nothing but the JSON line on stdout");
    assert.match(err, /^202's latest load \(snapshot 1\) has no figures yet: computing them before serving …\n/);
    assert.doesNotMatch(err, /running at|password/);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    t.cleanup();
  }
});
