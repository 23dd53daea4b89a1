/**
 * @module
 * The shape of a CLI command and the argument parsing every command shares (`node:util`
 * parseArgs, strict: an unknown option is a usage error, never ignored). Each command's module
 * is loaded only when run, so `lantern --help` stays instant.
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { dayNumber } from "../calendar/dates.ts";
import { LanternError } from "../core/errors.ts";
import type { Output } from "./output.ts";

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  data: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

/**
 * The line the help of every command that reads loaded data gives, so each says the same about a
 * store with nothing in it (LANTERN_NO_DATA in src/core/errors.ts).
 */
export const NO_DATA_HELP = "With nothing loaded yet it fails with LANTERN_NO_DATA, exit 3: run `lantern import PATH\n--authority CODE` (or `lantern demo`) first.";

/** What a command module exports. */
export interface Command {
  readonly name: string;
  /** The full `--help` text, with a worked example. */
  readonly help: string;
  run(argv: readonly string[], o: Output): Promise<number>;
}

/**
 * The arguments (words that are not options) a command takes, named as its `--help` writes them:
 * `["FILE"]`, or `["PATH..."]` where the last name ending "..." takes one or more. A command
 * with subcommands (`lantern users list`) names each one's own after it: `{ list: [], add:
 * ["USERNAME"] }`. A command that names none takes none.
 */
export type Arguments = readonly string[] | { readonly [subcommand: string]: readonly string[] };

/**
 * Parse argv with the common options plus the command's own; usage errors become LanternErrors.
 * An option given an empty or all-blank value (`--snapshot ""`, `--by=`) is refused here, once for
 * every command: left to each command it was read as "not given" by some (silently ignored) and
 * as a name by others ("Unknown indicator ."), and no option means anything by a blank value.
 * So is a blank argument, and an argument the command does not take (`lantern users list
 * extra`): left to each command, some ignored it and ran as if it had not been typed. `help` is
 * the invocation each error points to for what the command accepts (`lantern help` and `lantern
 * --version`, which have no help of their own, point to `lantern --help`).
 */
export function parse<const O extends NonNullable<ParseArgsConfig["options"]>>(command: string, argv: readonly string[], options: O, takes: Arguments = [], help = `lantern ${command} --help`) {
  const parsed = (() => {
    try {
      return parseArgs({ args: [...argv], options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new LanternError("LANTERN_USAGE", usageMessage((e as Error).message), {
        hint: `Run \`${help}\` to see what it accepts.`,
      });
    }
  })();
  const blank = blankOption(parsed.values);
  if (blank !== undefined) {
    throw new LanternError("LANTERN_BAD_OPTION", `--${blank.name} needs a value: it was given ${JSON.stringify(blank.value)}, which is empty.`, {
      hint: `Give --${blank.name} a value, or leave the option out. Run \`${help}\` to see what it accepts.`,
    });
  }
  // A blank argument is almost always a script's variable that was not set (`lantern import "$DIR"`).
  const blankAt = parsed.positionals.findIndex((x) => x.trim() === "");
  if (blankAt >= 0) {
    throw new LanternError("LANTERN_USAGE", `Argument ${blankAt + 1} is empty (${JSON.stringify(parsed.positionals[blankAt])}): it names no file, folder or value.`, {
      hint: `If a script passed it, check the variable it came from is set. Run \`${help}\` to see what it accepts.`,
    });
  }
  refuseUnexpected(command, parsed.positionals, takes, help);
  return parsed;
}

/**
 * Refuse the arguments beyond those `takes` names, naming them. Too few is left to the command,
 * which knows how to ask for what is missing; an unknown subcommand likewise.
 */
function refuseUnexpected(command: string, positionals: readonly string[], takes: Arguments, help: string): void {
  let usage = `lantern ${command}`;
  let names: readonly string[];
  let given = positionals;
  if (Array.isArray(takes)) {
    names = takes;
  } else {
    const sub = positionals[0];
    const subNames = sub !== undefined && Object.hasOwn(takes, sub) ? (takes as Record<string, readonly string[]>)[sub] : undefined;
    if (subNames === undefined) return;
    usage = `${usage} ${sub}`;
    names = subNames;
    given = positionals.slice(1);
  }
  if (names.at(-1)?.endsWith("...")) return;
  const extra = given.slice(names.length);
  if (!extra.length) return;
  const takesWhat = names.length === 0 ? "takes no arguments, only options" : `takes ${names.length === 1 ? "one argument" : `${names.length} arguments`}, ${names.join(" ")}`;
  throw new LanternError("LANTERN_USAGE", `Unexpected argument${extra.length > 1 ? "s" : ""} ${extra.map((x) => JSON.stringify(x)).join(", ")}: ${usage} ${takesWhat}.`, {
    hint: `Leave ${extra.length > 1 ? "them out; if one" : "it out; if it"} is part of an option's value, put the whole value in quotes ("two words"). Run \`${help}\` to see what it accepts.`,
  });
}

/**
 * Node's parseArgs message in plain words: an option given no value ("Option '--authority <value>'
 * argument missing", or "… is ambiguous" when the next word is another option) says so and how to
 * give one; anything else (an unknown option) is kept, less its advice on arguments that start
 * with a dash, which these commands do not need. Unexpected arguments are refused by `parse`.
 */
export function usageMessage(node: string): string {
  const missing = /^Option '(--[\w-]+)(?: <value>)?' argument missing/.exec(node);
  if (missing) return `${missing[1]} needs a value after it, such as ${missing[1]} VALUE.`;
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(node);
  if (ambiguous) {
    const o = ambiguous[1];
    return `${o} needs a value after it: the next word starts with a dash, so it is not taken as one. Give the value straight after ${o}, or write ${o}=VALUE for a value that starts with a dash.`;
  }
  return node.replace(/\. To specify a positional.*$/s, "");
}

/** The first option whose value, or one of whose repeated values, is empty or only spaces. */
export function blankOption(values: Readonly<Record<string, unknown>>): { name: string; value: string } | undefined {
  for (const [name, v] of Object.entries(values)) {
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === "string" && x.trim() === "") return { name, value: x };
  }
  return undefined;
}

/** Parse an integer option with bounds; a usage error names the option. */
export function intOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LanternError("LANTERN_BAD_OPTION", `--${name} ${value} is not a whole number from ${min} to ${max}.`);
  }
  return n;
}

/** Parse a YYYY-MM month option. */
export function monthOption(name: string, value: string | undefined, fallback: string): string {
  const v = value ?? fallback;
  const m = /^(\d{4})-(\d{2})$/.exec(v);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new LanternError("LANTERN_BAD_OPTION", `--${name} ${v} is not a month; write it as YYYY-MM, for example 2024-04.`);
  return v;
}

/** Parse a YYYY-MM-DD date option: the form and a real day (2026-13-01 and 2025-02-30 are refused). */
export function dateOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    dayNumber(value);
    return value;
  } catch {
    throw new LanternError("LANTERN_BAD_OPTION", `--${name} ${value} is not a date; write a real date as YYYY-MM-DD, for example 2025-04-01.`);
  }
}
