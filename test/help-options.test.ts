// Each command's --help and its parser say the same: every option the parser takes is in the
// usage lines at the top of the help (the first thing a reader scans; `lantern indicators`
// once took --targets and `lantern spc` --fix-after, --no-screen, --two-in-three and --unit
// without its usage showing them), and every `lantern <command> --option` any help text shows
// names a real command and an option that command takes (an example with a mistyped option
// would teach an "unknown option" error).
import assert from "node:assert/strict";
import { test } from "node:test";
import { COMMANDS, mainHelp } from "../src/cli/main.ts";
import { invocations, ownOptions, parserOptions } from "./cli-options.ts";

const options = parserOptions();

test("every command's parser is found, and each of its own options is in the usage lines of its --help", async () => {
  const missing: string[] = [];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const taken = options.get(name);
    assert.ok(taken, `the parse("${name}", argv, { … }) call of lantern ${name} was found`);
    const help = (await entry.load()).help;
    const usage = help.slice(0, help.indexOf("\n\n"));
    for (const o of ownOptions(taken)) if (!new RegExp(`--${o}(?![\\w-])`).test(usage)) missing.push(`lantern ${name}: --${o}`);
  }
  assert.deepEqual(missing, [], "options the parser takes that the usage lines leave out");
});

test("every option of a command's own is said in its help beyond the usage lines: what it does, not only that it exists", async () => {
  const unsaid: string[] = [];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const help = (await entry.load()).help;
    const body = help.slice(help.indexOf("\n\n"));
    // --json and --data are every command's (lantern --help says what they do); a command's own are said in its help.
    for (const o of ownOptions(options.get(name)!)) if (!new RegExp(`--${o}(?![\\w-])`).test(body)) unsaid.push(`lantern ${name}: --${o}`);
  }
  assert.deepEqual(unsaid, [], "options the help names in its usage lines and nowhere else");
});

test("every `lantern <command> --option` a help text shows is a real command taking that option", async () => {
  const wrong: string[] = [];
  const texts: [string, string][] = [["lantern --help", mainHelp()]];
  for (const [name, entry] of Object.entries(COMMANDS)) texts.push([`lantern ${name} --help`, (await entry.load()).help]);
  for (const [where, help] of texts) {
    for (const line of help.split("\n")) {
      for (const call of invocations(line)) {
        const taken = options.get(call.command);
        if (!taken) wrong.push(`${where}: no command "${call.command}" in: ${call.text}`);
        else for (const o of call.options) if (!taken.has(o)) wrong.push(`${where}: lantern ${call.command} takes no --${o}, in: ${call.text}`);
      }
    }
    // The Options section of a command's own help lists options of that command.
    const name = where.replace(/^lantern | --help$/g, "");
    const taken = options.get(name);
    if (!taken) continue;
    for (const m of help.matchAll(/^ {2}--([a-z][a-z0-9-]*)/gm)) if (!taken.has(m[1]!)) wrong.push(`${where}: its options list --${m[1]}, which it does not take`);
  }
  assert.deepEqual(wrong, []);
});

test("invocations are read as a shell would cut them", () => {
  assert.deepEqual(
    invocations("lantern generate --out ./s && lantern import ./s --dry-run # not --this").map((c) => [c.command, c.options]),
    [
      ["generate", ["out"]],
      ["import", ["dry-run"]],
    ],
  );
  assert.deepEqual(
    invocations("npm run lantern -- backup --out x.gz").map((c) => [c.command, c.options]),
    [["backup", ["out"]]],
  );
  assert.deepEqual(invocations("src/cli/lantern.ts, the-lantern thing"), []);
  // A command quoted in backticks ends at the closing one: what follows is prose.
  assert.deepEqual(
    invocations("(`lantern demo`) first. --list needs no data.").map((c) => [c.command, c.options]),
    [["demo", []]],
  );
});
