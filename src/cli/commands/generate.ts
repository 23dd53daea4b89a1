/**
 * @module
 * `lantern generate`: write a synthetic SSD export for fictitious authorities.
 */

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { LanternError } from "../../core/errors.ts";
import { generateToDirectory, parseShock } from "../../generate/index.ts";
import { type Command, intOption, monthOption, parse } from "../command.ts";
import { checkOutPath, writingTo } from "../out-path.ts";
import { type Output, progressBar, table } from "../output.ts";

const HELP = `lantern generate --out DIR [--seed N] [--population N] [--from YYYY-MM] [--to YYYY-MM]
                 [--authorities K] [--shock YYYY-MM:+30%]... [--json]

Write a complete synthetic SSD export (every ssd_<table>.csv) for K fictitious authorities
(codes X001, X002, …), with a population.csv of children aged 0-17 by year for the rate
denominators and an authorities.csv naming them. Children move through the real journey —
contacts, referrals, assessments, CIN plans, section 47 enquiries, conferences, protection
plans, care and placements, leaving care — plus early help, missing episodes, EHC plans and
social-worker allocations, calibrated so a year's figures sit near England's. No real child is
in it. The same options and seed always give byte-identical files.

Options:
  --out DIR          folder to write (created if missing)
  --seed N           random seed (default 1)
  --population N     children aged 0-17 (default 60000; with several authorities, the typical size)
  --from YYYY-MM     first month of activity (default 2019-04)
  --to YYYY-MM       last month of activity (default 2025-03)
  --authorities K    how many authorities (default 1; 150 makes a national-scale test set)
  --shock M:±P%      a step change in demand from month M, e.g. 2024-01:+30% (repeatable)
  --json             print a summary as JSON

Examples:
  lantern generate --out ./synthetic
  lantern generate --out ./national --authorities 150 --seed 7
  lantern generate --out ./shocked --shock 2024-01:+30% && lantern import ./shocked
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("generate", argv, {
    out: { type: "string" },
    seed: { type: "string" },
    population: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    authorities: { type: "string" },
    shock: { type: "string", multiple: true },
  });
  if (!values.out) throw new LanternError("LANTERN_USAGE", "Say where to write the export with --out DIR.", { hint: "For example: lantern generate --out ./synthetic" });
  const from = monthOption("from", values.from, "2019-04");
  const to = monthOption("to", values.to, "2025-03");
  if (to < from) throw new LanternError("LANTERN_BAD_OPTION", `--to ${to} is before --from ${from}.`);
  let shocks: { month: string; factor: number }[];
  try {
    shocks = (values.shock ?? []).map(parseShock);
  } catch (e) {
    throw new LanternError("LANTERN_BAD_OPTION", (e as Error).message, { hint: "Write a shock as YYYY-MM:+30% or YYYY-MM:-15%." });
  }
  // A step change after the last month generated would change nothing: say so rather than write
  // data the user believes is shocked.
  const late = shocks.find((s) => s.month > to);
  if (late) {
    throw new LanternError("LANTERN_BAD_OPTION", `--shock ${late.month} is after --to ${to}: the synthetic data ends before it, so it would change nothing.`, {
      hint: `Choose a month from the data's span (--from ${from} to --to ${to}), or set --to later.`,
    });
  }
  const opts = {
    out: resolve(values.out),
    seed: intOption("seed", values.seed, 1, 0, 2 ** 31 - 1),
    population: intOption("population", values.population, 60000, 500, 5_000_000),
    from,
    to,
    authorities: intOption("authorities", values.authorities, 1, 1, 500),
    shocks,
  };
  // The folder is made when missing (as the help says), so only an existing path is checked first
  // (a file there, a folder not writable); a failure while writing is named, not a crash to report.
  if (existsSync(values.out)) checkOutPath(values.out, "folder", "synthetic");
  const bar = progressBar(o, "Generating");
  const t0 = performance.now();
  const summary = await writingTo(opts.out, () => generateToDirectory(opts, (d, t, label) => bar.update(d, t, label)));
  bar.done();
  const secs = (performance.now() - t0) / 1000;
  if (values.json) {
    o.out(JSON.stringify({ out: opts.out, seconds: Number(secs.toFixed(3)), ...summary }, null, 2) + "\n");
    return 0;
  }
  const rows = summary.authorities.map((a) => [a.code, a.name, a.population, Object.values(a.rows).reduce((s, n) => s + n, 0)] as const);
  o.out(table(["code", "authority", "children 0-17", "rows"], rows.length > 12 ? [...rows.slice(0, 10), ["…", `${rows.length - 10} more`, null, null]] : rows));
  o.out(`Wrote ${summary.files} files (${(summary.bytes / 1e6).toFixed(1)} MB) to ${opts.out} in ${secs.toFixed(1)} s.\nNext: lantern import ${values.out}\n`);
  return 0;
}

export const generateCommand: Command = { name: "generate", help: HELP, run };
