// `lantern serve` as a user runs it: a real process on an empty data folder, listening on
// 127.0.0.1 only, answering with the "no data yet" page and the local stylesheet, stopped by
// SIGTERM (which closes the store and removes its lock).
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
    const address = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        const m = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on("exit", (code) => reject(new Error(`lantern serve exited ${code}: ${out}`)));
    });
    const home = await fetch(`${address}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /No data yet/);
    const css = await fetch(`${address}/assets/lantern.css`);
    assert.equal(css.status, 200);
    assert.match(await css.text(), /svg\.lantern-chart \{ display: block;/, "the chart CSS Plot would have inlined is in the stylesheet");
    assert.equal((await fetch(`${address}/assets/govuk/govuk-frontend.min.css`)).status, 200);
    assert.equal((await fetch(`${address}/assets/govuk/assets/fonts/bold-b542beb274-v2.woff2`)).status, 404, "the GDS Transport font is not served");
    assert.ok(existsSync(join(t.dir, "lantern.lock")));
    const exited = new Promise<number | null>((r) => child.on("exit", r));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.equal(existsSync(join(t.dir, "lantern.lock")), false);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    t.cleanup();
  }
});
