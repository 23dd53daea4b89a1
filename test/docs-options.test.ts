// Every `--option` the README and docs/ show for a lantern command is one some command's --help
// lists: a documented flag that no command takes (docs/performance.md once named `--max-issues`,
// an option of the load API, not of the CLI) sends a reader to an "unknown option" error.
// Options of other programs (`node --max-old-space-size`, `npm ...`) are not lantern's.
// And every `lantern <command>` they show is a real command, given only options that command
// takes (an option another command takes, such as `lantern validate --dry-run`, is as wrong).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { COMMANDS, mainHelp } from "../src/cli/main.ts";
import { cspDirectives } from "../src/web/auth/plugin.ts";
import { invocations, parserOptions } from "./cli-options.ts";

const root = new URL("../", import.meta.url);

test("every --option the docs show for lantern is one a command's --help lists", async () => {
  let helps = mainHelp();
  for (const c of Object.values(COMMANDS)) helps += (await c.load()).help;
  const known = new Set([...helps.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]));
  const files = ["README.md", ...readdirSync(new URL("docs/", root)).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const unknown: string[] = [];
  for (const f of files) {
    const text = readFileSync(new URL(f, root), "utf8");
    // Inline code (`lantern import --dry-run`, `--force`), unless it runs another program.
    for (const m of text.matchAll(/`([^`\n]*)`/g)) {
      if (/^(node|npm|npx|psql|pg_dump|chromium|git|tsc|biome|docker|sudo)\b/.test(m[1]!)) continue;
      for (const x of m[1]!.matchAll(/--[a-z][a-z0-9-]*/g)) if (!known.has(x[0])) unknown.push(`${f}: ${x[0]} in \`${m[1]}\``);
    }
    // Command lines in code blocks.
    for (const line of text.split("\n")) {
      if (!/^\s*(?:\$ )?(?:\w+=\S+ )*lantern [a-z-]+/.test(line)) continue;
      for (const x of line.matchAll(/--[a-z][a-z0-9-]*/g)) if (!known.has(x[0])) unknown.push(`${f}: ${x[0]} in ${line.trim()}`);
    }
  }
  assert.deepEqual(unknown, []);
});

test("every `lantern <command>` the docs show is a real command, with options that command takes", () => {
  const options = parserOptions();
  const files = ["README.md", ...readdirSync(new URL("docs/", root)).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const wrong: string[] = [];
  let seen = 0;
  for (const f of files) {
    const text = readFileSync(new URL(f, root), "utf8");
    // Inline code, and the lines of code blocks (fenced or indented) that run lantern.
    const pieces = [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
    let fenced = false;
    for (const line of text.split("\n")) {
      if (/^\s*```/.test(line)) fenced = !fenced;
      else if ((fenced || /^ {4}/.test(line)) && /^\s*(?:\$ )?(?:\w+=\S+ )*(?:lantern|npm run lantern --) [a-z]/.test(line)) pieces.push(line);
    }
    for (const piece of pieces) {
      for (const call of invocations(piece)) {
        seen++;
        const taken = options.get(call.command);
        if (!taken) wrong.push(`${f}: no command "${call.command}" in: ${call.text}`);
        else for (const o of call.options) if (!taken.has(o)) wrong.push(`${f}: lantern ${call.command} takes no --${o}, in: ${call.text}`);
      }
    }
  }
  assert.ok(seen > 100, `the docs' lantern commands were found (${seen})`);
  assert.deepEqual(wrong, []);
});

test("docs/security.md quotes the Content-Security-Policy the server sends, every directive", () => {
  const text = readFileSync(new URL("docs/security.md", root), "utf8");
  const quoted = /Content-Security-Policy: `([^`]+)`/.exec(text)?.[1];
  assert.ok(quoted, "docs/security.md quotes the policy");
  const documented = quoted.replace(/\s+/g, " ").split(";").map((d) => d.trim()).filter(Boolean).sort();
  const sent = Object.entries(cspDirectives(false))
    .filter(([, v]) => v !== null)
    .map(([k, v]) => [k, ...v!].join(" "))
    .sort();
  assert.deepEqual(documented, sent);
  // The one directive only a server with Secure cookies adds is named beside it.
  const secureOnly = Object.keys(cspDirectives(true)).filter((k) => cspDirectives(false)[k] === null);
  for (const k of secureOnly) assert.match(text, new RegExp(`\`${k}\`[^.]*Secure`), `docs/security.md names ${k}`);
});
