#!/usr/bin/env node
// The `lantern` executable: hands over to the TypeScript CLI, which Node 24 runs directly. `npm
// link` puts this file on the PATH, where `env node` finds the system's Node, often older: then
// this file runs itself again under the project's pinned Node 24 (the npm package `node`, found
// beside this file's real path, since `npm link` reaches it through a symlink), passing on the
// arguments, the terminal, signals and the exit code. So it must itself parse on an old Node:
// plain JavaScript, no TypeScript, no top-level await.
import { spawn } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const NEEDED = 24;
const major = Number(process.versions.node.split(".")[0]);

if (major >= NEEDED) {
  // Not passed on to commands this run starts (a test running lantern under an old Node).
  delete process.env.LANTERN_RERUN_FROM;
  import("../src/cli/main.ts").then(async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  });
} else {
  rerun();
}

/** The project's own Node binary, where npm installs the `node` package; undefined when absent. */
function pinnedNode(root) {
  const exe = process.platform === "win32" ? "node.exe" : "node";
  const arch = `node-${process.platform}-${process.arch}`;
  const candidates = [
    join(root, "node_modules", "node", "bin", exe),
    join(root, "node_modules", ".bin", exe),
    join(root, "node_modules", arch, "bin", exe),
    join(root, "node_modules", "node", "node_modules", arch, "bin", exe),
  ];
  return candidates.find((c) => existsSync(c));
}

function rerun() {
  const self = realpathSync(fileURLToPath(import.meta.url));
  const root = dirname(dirname(self));
  const node = pinnedNode(root);
  // The marker stops a loop when what was found is itself an old Node.
  if (!node || process.env.LANTERN_RERUN_FROM) {
    process.stderr.write(
      `Lantern needs Node.js ${NEEDED} or later; this is Node.js ${process.versions.node}${node ? ` (and ${node} is no newer)` : ""}.\n` +
        `Node.js ${NEEDED} comes with the project's install: run \`npm install\` in ${root}, then run lantern again.\n`,
    );
    process.exitCode = 3;
    return;
  }
  // The child stays in this process group, so it can read a password typed at the terminal (a
  // process in a group of its own would be stopped for reading it). A Ctrl+C at the terminal
  // reaches both: this process waits for the child to finish rather than passing it on again
  // (a second SIGINT can cut short a server closing its store). Other signals are passed on:
  // `kill PID` reaches this process alone; a service manager stopping the whole group (systemd's
  // default) reaches the child twice, and `serve` ignores a repeat while it closes.
  const child = spawn(node, [self, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, LANTERN_RERUN_FROM: process.versions.node },
  });
  const fromTerminal = process.platform === "win32" ? [] : ["SIGINT", "SIGQUIT"];
  const passed = ["SIGTERM", "SIGHUP", "SIGUSR2"].filter((s) => process.platform !== "win32" || s === "SIGTERM");
  const signals = [...fromTerminal, ...passed];
  const relay = {};
  for (const s of fromTerminal) {
    relay[s] = () => {};
    process.on(s, relay[s]);
  }
  for (const s of passed) {
    relay[s] = () => {
      try {
        child.kill(s);
      } catch {
        // The child has already gone.
      }
    };
    process.on(s, relay[s]);
  }
  child.on("error", (e) => {
    process.stderr.write(`Lantern could not start ${node}: ${e.message}\nRun \`npm install\` in ${root}, then run lantern again.\n`);
    process.exitCode = 3;
  });
  child.on("exit", (code, signal) => {
    for (const s of signals) process.off(s, relay[s]);
    if (signal) {
      // Ended by a signal: end the same way, so a shell sees what happened.
      process.kill(process.pid, signal);
      return;
    }
    process.exitCode = code ?? 3;
  });
}
