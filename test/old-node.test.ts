// `lantern` started on the system's older Node, as `npm link` leaves it (its `#!/usr/bin/env node`
// finds whatever node is first on the PATH): it runs itself again under the project's pinned Node
// 24, directly or through a symlink, passing on the arguments, the exit code and signals; with no
// Node 24 beside it, it says what to do and exits 3 instead of a stack trace. Skipped where there
// is no older Node (set LANTERN_OLD_NODE to one to run it).
import assert from "node:assert/strict";
import { execFile, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { tempDir } from "./fixtures.ts";

const bin = fileURLToPath(new URL("../bin/lantern.mjs", import.meta.url));
const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

function olderNode(): string | undefined {
  for (const n of [process.env["LANTERN_OLD_NODE"], "/usr/bin/node", "/usr/local/bin/node"]) {
    if (!n || !existsSync(n)) continue;
    const v = spawnSync(n, ["--version"], { encoding: "utf8" }).stdout ?? "";
    const major = Number(/^v(\d+)\./.exec(v)?.[1]);
    if (major && major < 24) return n;
  }
  return undefined;
}
const old = olderNode();
const skip = old ? false : "no Node older than 24 on this machine";
const run = promisify(execFile);
// Without the marker a Node 24 parent would leave (it is removed at start anyway).
const env = { ...process.env, PATH: "/usr/bin:/bin" };

async function exec(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(file, args, { env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

test("on an older Node, lantern runs under the project's Node 24: directly and through a symlink, with its exit codes", { skip }, async () => {
  const direct = await exec(old!, [bin, "--version"]);
  assert.deepEqual(direct, { code: 0, stdout: `lantern ${version}\n`, stderr: "" });
  const t = tempDir("lantern-link-");
  try {
    // As `npm link` makes it: a symlink elsewhere, run by the old Node.
    const link = join(t.dir, "lantern");
    symlinkSync(bin, link);
    assert.deepEqual(await exec(old!, [link, "--version"]), { code: 0, stdout: `lantern ${version}\n`, stderr: "" });
    const unknown = await exec(old!, [link, "no-such-command"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /LANTERN_UNKNOWN_COMMAND/);
    assert.doesNotMatch(unknown.stderr, /ERR_UNKNOWN_FILE_EXTENSION|at .*\.js:\d+/);
  } finally {
    t.cleanup();
  }
});

test("on an older Node with no Node 24 beside it, lantern says what to do and exits 3", { skip }, async () => {
  const t = tempDir("lantern-lone-");
  try {
    mkdirSync(join(t.dir, "bin"));
    const lone = join(t.dir, "bin", "lantern.mjs");
    copyFileSync(bin, lone);
    const r = await exec(old!, [lone, "--version"]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^Lantern needs Node\.js 24 or later; this is Node\.js \d+\.\d+\.\d+\.\nNode\.js 24 comes with the project's install: run `npm install` in .*lantern-lone-.*, then run lantern again\.\n$/);
  } finally {
    t.cleanup();
  }
});

test("on an older Node, a signal to lantern reaches the command (serve stops cleanly on SIGTERM)", { skip }, async () => {
  const t = tempDir("lantern-old-serve-");
  const child = spawn(old!, [bin, "serve", "--data", t.dir, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"], env });
  try {
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        if (/running at http:\/\/127\.0\.0\.1:\d+\//.test(out)) resolve();
      });
      child.on("exit", (code) => reject(new Error(`lantern serve exited ${code}: ${out}${err}`)));
    });
    const exited = new Promise<[number | null, string | null]>((resolve) => child.on("exit", (code, signal) => resolve([code, signal])));
    child.kill("SIGTERM");
    assert.deepEqual(await exited, [0, null]);
    assert.match(err, /Stopping/);
    assert.ok(!existsSync(join(t.dir, "lantern.lock")), "the store's lock is removed");
  } finally {
    child.kill("SIGKILL");
    t.cleanup();
  }
});
