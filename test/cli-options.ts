/**
 * @module
 * The options each `lantern` command's parser takes, read from the command modules' source (the
 * object literal each passes to `parse("name", argv, { … })`), so the tests that hold the --help
 * texts, the README and docs/ to the parsers need no hook in the commands themselves. A command
 * whose parse call cannot be found here fails those tests rather than being skipped.
 */

import { readdirSync, readFileSync } from "node:fs";
import { COMMON_OPTIONS } from "../src/cli/command.ts";

const COMMANDS_DIR = new URL("../src/cli/commands/", import.meta.url);

/** Command name → every option its parser takes (its own and the common ones), without dashes. */
export function parserOptions(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of readdirSync(COMMANDS_DIR).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
    const src = readFileSync(new URL(f, COMMANDS_DIR), "utf8");
    for (const m of src.matchAll(/\bparse\(\s*"([\w-]+)",\s*argv,\s*\{/g)) {
      const start = m.index + m[0].length;
      let i = start;
      for (let depth = 1; depth > 0 && i < src.length; i++) {
        if (src[i] === "{") depth++;
        else if (src[i] === "}") depth--;
      }
      const body = src.slice(start, i - 1);
      const own = [...body.matchAll(/(?:^|[{,\s])"?([a-z][\w-]*)"?\s*:\s*\{\s*type:/g)].map((k) => k[1]!);
      out.set(m[1]!, new Set([...Object.keys(COMMON_OPTIONS), ...own]));
    }
  }
  return out;
}

/** The options a command's own options object declares (the common --data, --json, --help left out). */
export function ownOptions(all: ReadonlySet<string>): string[] {
  return [...all].filter((o) => !(o in COMMON_OPTIONS));
}

/**
 * The `lantern <command> …` invocations in a piece of text (a code span or a command line), each
 * cut where a shell would end it (`&&`, `|`, `;`, a `#` comment), with `npm run lantern --`
 * read as `lantern`.
 */
export function invocations(text: string): { command: string; options: string[]; text: string }[] {
  const norm = text.replace(/\bnpm run lantern --(?= )/g, "lantern");
  const out: { command: string; options: string[]; text: string }[] = [];
  for (const m of norm.matchAll(/(?<![\w./-])lantern ([a-z][\w-]*)([^&|;#`]*)/g)) {
    const options = [...m[2]!.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((x) => x[1]!);
    out.push({ command: m[1]!, options, text: m[0].trim() });
  }
  return out;
}
