// A monthly committee paper ("period ending January 2025") made from the web form of a real
// `lantern serve`, against the one `lantern report --period 2025-01` writes from the same store:
// the form offers months beside quarters and years, and the two papers are the same but for the
// minute each was produced.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../src/cli/main.ts";
import type { Output } from "../src/cli/output.ts";
import { DEMO_PASSWORD } from "../src/web/auth/users.ts";
import { tempDir } from "./fixtures.ts";

const bin = fileURLToPath(new URL("../bin/lantern.mjs", import.meta.url));
const env = { ...process.env, LANTERN_DATABASE_URL: "" };
let dir: ReturnType<typeof tempDir>;
let child: ChildProcess | undefined;

before(async () => {
  dir = tempDir("lantern-report-web-");
  const quiet: Output = { out: () => {}, err: () => {}, isTTY: false, color: false };
  const before = process.env["LANTERN_DATABASE_URL"];
  delete process.env["LANTERN_DATABASE_URL"];
  try {
    assert.equal(await main(["demo", "--data", dir.dir, "--population", "1500", "--no-serve"], quiet), 0);
  } finally {
    if (before !== undefined) process.env["LANTERN_DATABASE_URL"] = before;
  }
});
after(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  dir?.cleanup();
});

/** The paper with the time it was produced (and any other timestamp) set aside. */
const normal = (s: string) => s.replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?Z?)?/g, "<datetime>");

test("the web form offers months as well as quarters and years, and a month's paper from it is the CLI's", async () => {
  // The CLI's paper first: the embedded store admits one process at a time.
  const cliOut = join(dir.dir, "cli-2025-01.html");
  const cli = spawnSync(process.execPath, [bin, "report", "--period", "2025-01", "--audience", "public", "--format", "html", "--out", cliOut, "--data", dir.dir], { env, encoding: "utf8", timeout: 300_000 });
  assert.equal(cli.status, 0, cli.stderr);

  child = spawn(process.execPath, [bin, "serve", "--data", dir.dir, "--port", "0", "--json"], { stdio: ["ignore", "pipe", "pipe"], env });
  let out = "";
  let err = "";
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child!.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes("\n")) resolve((JSON.parse(out.slice(0, out.indexOf("\n"))) as { url: string }).url);
    });
    child!.on("exit", (code) => reject(new Error(`lantern serve exited ${code}: ${out}${err}`)));
  });
  // Sign in as the demo's member, as a browser would.
  const form = await fetch(`${url}sign-in`);
  const pre = (form.headers.get("set-cookie") ?? "").split(";")[0]!;
  const signInToken = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
  const signedIn = await fetch(`${url}sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: pre, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: signInToken, username: "member", password: DEMO_PASSWORD, next: "/reports" }).toString(),
  });
  assert.equal(signedIn.status, 303);
  const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith("lantern_session="))!.split(";")[0]!;

  const page = await (await fetch(`${url}reports?la=X001`, { headers: { cookie } })).text();
  const select = /<select class="govuk-select" id="report-period" name="period" aria-describedby="report-period-hint">([\s\S]*?)<\/select>/.exec(page)?.[1] ?? "";
  assert.deepEqual([...select.matchAll(/<optgroup label="([^"]+)">/g)].map((m) => m[1]), ["Quarters", "Financial years", "Months"], "months offered, after the scheduled papers");
  assert.match(select, /<optgroup label="Quarters"><option value="2026-27-Q2" selected>Q2 2026-27<\/option>/, "the latest quarter is still chosen first");
  assert.match(select, /<option value="2025-01">January 2025<\/option>/);
  assert.match(page, /<div id="report-period-hint" class="govuk-hint">[^<]*a month, for a paper on the period ending that month\.<\/div>/);
  // A month asked for in the address is chosen, not refused.
  assert.match(await (await fetch(`${url}reports?la=X001&period=2025-01`, { headers: { cookie } })).text(), /<option value="2025-01" selected>January 2025<\/option>/);

  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
  const res = await fetch(`${url}reports`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, la: "X001", period: "2025-01", audience: "public", format: "html", committee: "" }).toString(),
  });
  const web = await res.text();
  assert.equal(res.status, 200, web.slice(0, 500));
  assert.equal(res.headers.get("content-disposition"), 'attachment; filename="lantern-X001-2025-01-public.html"');
  assert.match(web, /<h1>Children's services performance report:<span class="gap"> <\/span><span class="period">January 2025<\/span><\/h1>/);
  assert.equal(normal(web), normal(readFileSync(cliOut, "utf8")), "the web's monthly paper is the CLI's");

  const exited = new Promise<number | null>((r) => child!.on("exit", r));
  child.kill("SIGTERM");
  assert.equal(await exited, 0);
});
