/**
 * @module
 * The `lantern` command: finds the subcommand, loads its module lazily, runs it and turns any
 * error into a message and an exit code (0 ok, 1 usage, 2 data rejected, 3 other failure).
 */

import { LanternError } from "../core/errors.ts";
import { type Command, parse } from "./command.ts";
import { type Output, processOutput, reportError } from "./output.ts";

/** Every command, in the order `lantern --help` lists them. */
export const COMMANDS: Record<string, { summary: string; subcommands?: readonly string[]; load: () => Promise<Command> }> = {
  demo: { summary: "Generate and load a demo authority, show what was loaded, then start the web app", load: async () => (await import("./commands/demo.ts")).demoCommand },
  import: { summary: "Load an SSD export or a statutory return (SSDA903, CIN census, Annex A) as a new snapshot", load: async () => (await import("./commands/import.ts")).importCommand },
  validate: { summary: "Check SSDA903, CIN census or Annex A files against structural and DfE rules; --report", load: async () => (await import("./commands/validate.ts")).validateCommand },
  generate: { summary: "Write a synthetic SSD export for fictitious authorities", load: async () => (await import("./commands/generate.ts")).generateCommand },
  compute: { summary: "Compute every indicator for every period and store the values", load: async () => (await import("./commands/compute.ts")).computeCommand },
  indicators: { summary: "Show indicator values (or --list the definitions)", load: async () => (await import("./commands/indicators.ts")).indicatorsCommand },
  records: { summary: "List the records (children) behind a figure; audited", load: async () => (await import("./commands/records.ts")).recordsCommand },
  digest: { summary: "The early-warning digest: SPC signals and RAG changes, grouped, with the flow to care", load: async () => (await import("./commands/digest.ts")).digestCommand },
  annotate: { summary: "Add or change a dated note (a recording or service change) on an indicator or area", load: async () => (await import("./commands/annotate.ts")).annotateCommand },
  annotations: { summary: "List an authority's annotations and their history", load: async () => (await import("./commands/annotate.ts")).annotationsCommand },
  forecast: { summary: "Forecast referrals and children in care 12 months ahead, with ranges and a back-test", load: async () => (await import("./commands/forecast.ts")).forecastCommand },
  export: { summary: "Write an authority's latest snapshot out as an SSD export folder (audited)", load: async () => (await import("./commands/export.ts")).exportCommand },
  revisions: { summary: "List every figure amended between loads (old value, new value, snapshots)", load: async () => (await import("./commands/revisions.ts")).revisionsCommand },
  backup: { summary: "Write the whole store (every table, child-level data included) to one file; audited", load: async () => (await import("./commands/backup.ts")).backupCommand },
  restore: { summary: "Put a backup into the configured store, all or nothing (--replace to overwrite, --check to test a file)", load: async () => (await import("./commands/backup.ts")).restoreCommand },
  "migrate-store": { summary: "Copy the whole store into a PostgreSQL database and prove the copy identical", load: async () => (await import("./commands/migrate-store.ts")).migrateStoreCommand },
  snapshots: { summary: "List the loads (snapshots) in the store", load: async () => (await import("./commands/snapshots.ts")).snapshotsCommand },
  benchmarks: { summary: "Compare an authority with England, its region and statistical neighbours (DfE LAIT)", load: async () => (await import("./commands/benchmarks.ts")).benchmarksCommand },
  report: { summary: "The committee report for a period as PDF or HTML, public (suppressed) or exempt; --calendar for due dates", load: async () => (await import("./commands/report.ts")).reportCommand },
  serve: { summary: "Start the web application (dashboard, indicator pages, uploads) on this machine", load: async () => (await import("./commands/serve.ts")).serveCommand },
  audit: { summary: "Show the audit log (filtered), or --verify its hash chain", load: async () => (await import("./commands/audit.ts")).auditCommand },
  users: {
    summary: "Add and list the people who may sign in to the web application, and their roles",
    subcommands: ["add", "list", "role", "password", "disable", "enable"],
    load: async () => (await import("./commands/users.ts")).usersCommand,
  },
  spc: { summary: "Chart a date,value series as SPC (Making Data Count XmR) with its icons", load: async () => (await import("./commands/spc.ts")).spcCommand },
};

/** Top-level help. */
export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`);
  return `Lantern: children's services performance, computed from your own data, on your own machine.

Usage: lantern <command> [options]

Commands:
${lines.join("\n")}

Options every command takes:
  --data DIR   where the embedded store lives (env LANTERN_DATA; default ./lantern-data)
  --json       print machine-readable JSON on stdout
  --help       explain the command, with an example

Start here:
  lantern demo                      make a demo authority, load it and open the web app
  lantern import ./export --authority 202
  lantern generate --out ./synthetic --authorities 3 --seed 7

Exit codes: 0 ok, 1 usage error, 2 data rejected by validation, 3 any other failure.
A command that reads loaded data (indicators, records, digest, forecast, report, export,
revisions, annotate, annotations, compute) run before anything is loaded fails with
LANTERN_NO_DATA, exit 3: run \`lantern import\` or \`lantern demo\` first. snapshots, audit,
users and report --calendar show an empty store as empty, exit 0.
`;
}

/** Run the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[], o: Output = processOutput()): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes("--json");
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    // The command list and `lantern help COMMAND` go through the parser every command does, so a
    // stray word (`lantern help import extra`) or an unknown option is refused, not ignored. A
    // command with subcommands takes one more word: `lantern help users add` shows the users help,
    // as `lantern users add --help` does.
    let topic: string | undefined;
    let sub: string | undefined;
    try {
      topic = parse(name ?? "help", rest, {}, ["TOPIC..."], "lantern --help").positionals[0];
      const subs = topic === undefined ? undefined : commandNamed(topic)?.subcommands;
      [topic, sub] = parse(name ?? "help", rest, {}, subs ? ["COMMAND", "SUBCOMMAND"] : ["COMMAND"], "lantern --help").positionals;
      if (sub !== undefined && !subs?.includes(sub)) {
        throw new LanternError("LANTERN_USAGE", `lantern ${topic} has no "${sub}": its subcommands are ${subs?.join(", ")}.`, { hint: `Run \`lantern help ${topic}\` to see them.` });
      }
    } catch (e) {
      return reportError(o, e, json);
    }
    const about = topic === undefined ? undefined : commandNamed(topic);
    if (about) {
      o.out((await about.load()).help);
      return 0;
    }
    // A mistyped topic (`lantern help imprt`) is refused as `lantern imprt` is: printing the command
    // list with exit 0 hid the typo.
    if (topic) return reportError(o, unknownCommand(topic), json);
    o.out(mainHelp());
    return name === undefined ? 1 : 0;
  }
  if (name === "--version" || name === "-v") {
    try {
      parse(name, rest, {}, [], "lantern --help");
    } catch (e) {
      return reportError(o, e, json);
    }
    o.out("lantern 0.1.0\n");
    return 0;
  }
  const entry = commandNamed(name);
  if (!entry) {
    return reportError(o, unknownCommand(name), json);
  }
  const cmd = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    o.out(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest, o);
  } catch (e) {
    return reportError(o, e, json);
  }
}

/** The command of that name; not a property every object has (`lantern toString` crashed). */
function commandNamed(name: string): (typeof COMMANDS)[string] | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

function unknownCommand(name: string): LanternError {
  return new LanternError("LANTERN_UNKNOWN_COMMAND", `There is no command "${name}".`, { hint: "Run `lantern --help` to list the commands." });
}
