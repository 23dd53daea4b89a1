/**
 * @module
 * `lantern spc`: a Making Data Count XmR chart for one series read from a `date,value` CSV, as a
 * table with the variation and assurance sentences, or as JSON. A thin adapter: it reads and
 * validates the file, turns flags into {@link SpcOptions}, and prints what `analysis/spc.ts`
 * computes. It does not draw charts, read the store, or pick rebase dates for you.
 */

import { existsSync, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { addMonths, dayNumber, dayOf, isoDate, ymd } from "../../calendar/dates.ts";
import { csvRowsFromChunks } from "../../formats/csv.ts";
import { decodeBuffer } from "../../formats/text.ts";
import { describeSpc, type Improvement, isIsoDate, type SpcInputPoint, type SpcOptions, type SpcResult, VARIATION_ICONS, xmr } from "../../analysis/spc.ts";
import { type DataIssue, LanternError } from "../../core/errors.ts";
import { type Command, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern spc --input FILE.csv [--improvement up|down|neutral] [--target N] [--rebase DATE]...
                [--fix-after N] [--no-screen] [--two-in-three mdc|nhsr-legacy] [--unit LABEL] [--json]

Statistical process control (SPC) after NHS England's "Making Data Count": an XmR chart of one
series. It tells a change worth acting on ("special cause") from the ordinary up-and-down of a
stable process ("common cause"), so a committee stops reacting to every rise and fall.

The file is a CSV with a header row and the columns date,value (other columns are ignored).
Dates are YYYY-MM-DD or DD/MM/YYYY, one row per period (day, week, month, quarter or year),
no gaps: a series with a missing period, or with weekly and monthly rows mixed, is refused with
the rows where the spacing breaks, because limits drawn across a gap mean nothing. For example

  date,value
  2024-04-01,61.2
  2024-05-01,58.9

How it works: the centre line is the mean; the process limits are mean ± 2.66 × the mean
moving range (moving ranges that are outliers are screened out first). A point is special cause
when it is beyond a limit, one of 7 in a row on one side of the mean, one of 7 steadily rising
or falling, or one of two in three beyond two sigma on one side. Fewer than 13 points give
"trial limits" that will move as data arrive.

Variation (from the latest point):
  common cause            grey       nothing unusual; the process is stable
  improvement (H or L)    blue       an unusual change in the better direction (Higher/Lower)
  concern (H or L)        orange     an unusual change in the worse direction
  neutral high / low      purple     unusual, but no direction of improvement was given
Assurance (needs --target and --improvement up|down; uses the latest limits):
  P consistently passing  blue       the target is outside the limits on the passing side
  F consistently failing  orange     the target is outside the limits on the failing side
  ? hit and miss          grey       the target is within the limits: met some months, missed others

Options:
  --input FILE          the CSV to chart (required)
  --improvement DIR     up (higher is better), down (lower is better) or neutral (default)
  --target N            a target, for the assurance icon
  --rebase DATE         start new limits from the first point on or after DATE (repeatable);
                        only after a known, lasting change in the process
  --fix-after N         compute the limits from the first N points of each segment (N ≥ 12)
  --no-screen           do not screen outlying moving ranges (the MDC Excel tool's behaviour)
  --two-in-three RULE   mdc (default: points beyond the limits count too, MDC 2023) or
                        nhsr-legacy (NHSRplotthedots 0.2: only points between 2σ and the limits)
  --unit LABEL          a unit for the sentences, e.g. "breaches"
  --json                print {"points":[{date,value,mean,lpl,upl,nlpl,nupl,type,...}],
                        "variation","assurance","segments","warnings","description"}

Examples:
  lantern spc --input referrals.csv
  lantern spc --input ae_breaches.csv --improvement down --target 1200
  lantern spc --input timeliness.csv --improvement up --target 85 --rebase 2024-04-01 --json
`;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** The largest value charted: SPC limits add and subtract values, and beyond this a double loses them. */
const MAX_VALUE = 1e15;

/** A date cell as ISO, or null: YYYY-MM-DD or DD/MM/YYYY, real calendar dates only. */
function parseDate(s: string): string | null {
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  const iso = uk ? `${uk[3]}-${uk[2]!.padStart(2, "0")}-${uk[1]!.padStart(2, "0")}` : s;
  return isIsoDate(iso) ? iso : null;
}

/** Five digits is how Excel writes a date into a CSV when the column is not formatted as a date. */
const EXCEL_SERIAL = /^\d{5}(?:\.\d+)?$/;

/** The date an Excel serial number stands for (Excel's day 0 is 30 December 1899, after its 1900 leap-year bug). */
function excelSerialDate(s: string): string {
  return isoDate(dayNumber("1899-12-30") + Math.floor(Number(s)));
}

/**
 * Read a `date,value` CSV into points sorted by date. Every bad row is collected and thrown as one
 * LANTERN_DATA_REJECTED error naming file, row, column, value and what was expected.
 */
export async function readSeriesCsv(text: string, file: string): Promise<SpcInputPoint[]> {
  // The CSV reader every other file goes through: quotes, a tab- or semicolon-separated save, a
  // quote left open or a row with a stray separator refused at its row.
  async function* whole(): AsyncGenerator<string> {
    yield text;
  }
  const rows: { line: number; cells: string[] }[] = [];
  for await (const r of csvRowsFromChunks(whole(), file, { shortRows: "blank" })) rows.push({ line: r.line, cells: r.cells.map((c) => c.trim()) });
  const issues: DataIssue[] = [];
  const reject = (msg: string, hint = "Fix the rows listed (the header is row 1) and run the command again."): never => {
    throw new LanternError("LANTERN_DATA_REJECTED", msg, { issues, hint });
  };
  const header = (rows[0]?.cells ?? []).map((h) => h.toLowerCase());
  const di = header.indexOf("date");
  const vi = header.indexOf("value");
  if (di === -1 || vi === -1) {
    issues.push({ code: "SPC_HEADER", severity: "error", file, row: 1, value: rows[0]?.cells.join(",") ?? "", expected: "a header row with the columns date,value", message: "The header does not name the date and value columns." });
    reject(`${file} is not a date,value CSV.`, "Make the first row the header date,value (other columns may follow), one row per period below it, and run the command again.");
  }
  const points: (SpcInputPoint & { row: number })[] = [];
  const seen = new Map<string, number>();
  rows.slice(1).forEach(({ line: row, cells }) => {
    const rawDate = cells[di] ?? "";
    const rawValue = cells[vi] ?? "";
    const date = parseDate(rawDate);
    if (date === null && EXCEL_SERIAL.test(rawDate)) {
      issues.push({
        code: "SPC_DATE_EXCEL_SERIAL",
        severity: "error",
        file,
        row,
        column: "date",
        value: rawDate,
        expected: "a date written YYYY-MM-DD or DD/MM/YYYY; format the column as a date in Excel before saving the CSV",
        message: `The date is an Excel serial number, not a date (${rawDate} is Excel's number for ${excelSerialDate(rawDate)}).`,
      });
    } else if (date === null) {
      issues.push({ code: "SPC_DATE_INVALID", severity: "error", file, row, column: "date", value: rawDate, expected: "a date written YYYY-MM-DD or DD/MM/YYYY", message: "The date is missing or not a real date." });
    } else if (seen.has(date)) {
      issues.push({ code: "SPC_DATE_DUPLICATE", severity: "error", file, row, column: "date", value: rawDate, expected: `one row per date (already on row ${seen.get(date)})`, message: "The date appears twice." });
    } else seen.set(date, row);
    if (!NUMBER.test(rawValue)) {
      issues.push({ code: "SPC_VALUE_INVALID", severity: "error", file, row, column: "value", value: rawValue, expected: "a number such as 1200 or 61.5 (no gaps, no thousands separators)", message: "The value is missing or not a number." });
    } else if (!(Math.abs(Number(rawValue)) < MAX_VALUE)) {
      // Limits are sums and differences of values: far beyond any real figure they overflow to nonsense.
      issues.push({ code: "SPC_VALUE_INVALID", severity: "error", file, row, column: "value", value: rawValue, expected: `a number between -${MAX_VALUE.toExponential()} and ${MAX_VALUE.toExponential()}`, message: "The value is too large to chart." });
    }
    if (date !== null && NUMBER.test(rawValue) && Math.abs(Number(rawValue)) < MAX_VALUE) points.push({ date, value: Number(rawValue), row });
  });
  if (issues.length) {
    const serial = issues.some((i) => i.code === "SPC_DATE_EXCEL_SERIAL");
    reject(
      `${issues.length} row(s) of ${file} could not be read; nothing was charted.`,
      serial ? "In Excel, format the date column as a date (Format Cells › Date, or yyyy-mm-dd), save as CSV UTF-8 and run the command again." : undefined,
    );
  }
  if (points.length < 2) {
    issues.push({ code: "SPC_TOO_FEW_POINTS", severity: "error", file, value: String(points.length), expected: "at least 2 rows of data (13 or more for firm limits)", message: "There are too few rows to chart." });
    reject(`${file} has ${points.length} row(s) of data; an XmR chart needs at least 2.`, "Give at least 2 rows of data below the header date,value (13 or more for firm limits) and run the command again.");
  }
  points.sort((a, b) => (a.date < b.date ? -1 : 1));
  issues.push(...spacingIssues(points, file));
  if (issues.length) {
    reject(
      `The dates in ${file} are not one row per period with none missing (${issues.length} place(s)); nothing was charted.`,
      "Give a row for every period (fill in the missing figures, or chart only the rows after a gap with a shorter file) and keep to one frequency: all weekly or all monthly, say.",
    );
  }
  return points.map(({ date, value }) => ({ date, value }));
}

/** Whole months from `a` to `b` when both fall on the same day of the month or both on a month's last day, else null. */
function monthsApart(a: string, b: string): number | null {
  const [da, db] = [dayNumber(a), dayNumber(b)];
  const [x, y] = [ymd(da), ymd(db)];
  const monthEnds = ymd(da + 1).d === 1 && ymd(db + 1).d === 1;
  if (x.d !== y.d && !monthEnds) return null;
  return (y.y - x.y) * 12 + (y.m - x.m);
}

/** "month", "quarter", "week", "3 days" …: a step of the series in words, with its plural. */
function stepName(byMonth: boolean, step: number): [string, string] {
  const named: Record<number, string> = byMonth ? { 1: "month", 3: "quarter", 12: "year" } : { 1: "day", 7: "week" };
  const n = named[step];
  if (n) return [n, `${n}s`];
  return byMonth ? [`${step}-month period`, `${step}-month periods`] : [`${step}-day period`, `${step}-day periods`];
}

function listDates(ds: readonly string[]): string {
  const shown = ds.length > 4 ? [ds[0]!, "…", ds.at(-1)!] : ds;
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
}

/**
 * Where a date-sorted series breaks "one row per period, no gaps". The period is the commonest
 * step between neighbouring rows, in calendar months when most neighbours are whole months apart
 * (monthly, quarterly, yearly data, including month ends), else in days (daily, weekly). A step
 * that is a multiple of the period is a gap, and the missing dates are named; any other step
 * means mixed frequencies or a wrong date. The moving ranges of an XmR chart compare neighbours,
 * so a gap or a change of frequency makes its limits meaningless.
 */
export function spacingIssues(points: readonly { date: string; row: number }[], file: string): DataIssue[] {
  const pairs = points.slice(1).map((b, i) => {
    const a = points[i]!;
    return { a, b, months: monthsApart(a.date, b.date), days: dayNumber(b.date) - dayNumber(a.date) };
  });
  if (!pairs.length) return [];
  const byMonth = pairs.filter((p) => p.months !== null).length * 2 >= pairs.length;
  const stepOf = (p: (typeof pairs)[number]) => (byMonth ? p.months : p.days);
  const counts = new Map<number, number>();
  for (const p of pairs) {
    const s = stepOf(p);
    if (s !== null) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const period = [...counts].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]![0];
  const [one, many] = stepName(byMonth, period);
  // The k-th period after `from`: month ends stay month ends; the 30th of January plus a month is 29 February.
  const nth = (from: string, k: number): string => {
    const d = dayNumber(from);
    if (!byMonth) return isoDate(d + k * period);
    const { y, m } = ymd(d);
    return isoDate(ymd(d + 1).d === 1 ? dayOf(y, m + k * period + 1, 0) : addMonths(d, k * period));
  };
  const out: DataIssue[] = [];
  for (const p of pairs) {
    const step = stepOf(p);
    if (step === period) continue;
    const where = `${p.a.date} (row ${p.a.row}) and ${p.b.date} (row ${p.b.row})`;
    if (step !== null && step % period === 0) {
      const missing = Array.from({ length: step / period - 1 }, (_, k) => nth(p.a.date, k + 1));
      out.push({
        code: "SPC_DATE_GAP",
        severity: "error",
        file,
        row: p.b.row,
        column: "date",
        value: p.b.date,
        expected: `one row per ${one}, with none missing`,
        message: `There is a gap: no row for ${missing.length === 1 ? `the ${one}` : `the ${missing.length} ${many}`} between ${where}; missing ${listDates(missing)}.`,
      });
    } else {
      const apart = step !== null ? `${step} ${byMonth ? "months" : "days"}` : `${p.days} days`;
      out.push({
        code: "SPC_DATE_SPACING",
        severity: "error",
        file,
        row: p.b.row,
        column: "date",
        value: p.b.date,
        expected: `one row per ${one}, like the rest of the file`,
        message: `${where} are ${apart} apart, but most rows are one ${one} apart: the file mixes frequencies (weekly and monthly, say) or has a wrong date.`,
      });
    }
  }
  return out;
}

/**
 * The text of --input: a folder or an unreadable file is refused in words, and the encoding is
 * sniffed as for statutory returns (UTF-16 "Unicode text" and Windows-1252 are decoded; a binary
 * file, such as a workbook, is refused saying how to re-save it).
 */
function readInput(path: string): string {
  const hint = "Run `lantern spc --help` for the file format and examples.";
  if (!existsSync(path)) throw new LanternError("LANTERN_FILE_NOT_FOUND", `There is no file ${path}.`, { hint: "Check the path; give a CSV file with date,value rows." });
  if (statSync(path).isDirectory()) throw new LanternError("LANTERN_BAD_OPTION", `--input ${path} is a folder; give a CSV file with date,value rows.`, { hint });
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new LanternError("LANTERN_FILE_UNREADABLE", `${path} could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, { cause: e, hint: "Check that the file exists and that you may read it, then run the command again." });
  }
  return decodeBuffer(buf, basename(path)).text;
}

function badOption(name: string, value: string, expected: string): LanternError {
  return new LanternError("LANTERN_BAD_OPTION", `--${name} ${value} is not ${expected}.`, { hint: "Run `lantern spc --help` to see what it accepts." });
}

/** The flags as {@link SpcOptions}; usage errors name the flag. */
function optionsFrom(values: { improvement?: string; target?: string; rebase?: string[]; "fix-after"?: string; "no-screen"?: boolean; "two-in-three"?: string }): SpcOptions {
  const imp = values.improvement ?? "neutral";
  if (imp !== "up" && imp !== "down" && imp !== "neutral") throw badOption("improvement", imp, "a direction; use up (higher is better), down (lower is better) or neutral");
  let target: number | undefined;
  if (values.target !== undefined) {
    if (!NUMBER.test(values.target.trim())) throw badOption("target", values.target, "a number, for example 1200 or 85.5");
    target = Number(values.target);
  }
  const rebase: string[] = [];
  for (const d of values.rebase ?? []) {
    const iso = parseDate(d.trim());
    if (iso === null) throw badOption("rebase", d, "a date; write it as YYYY-MM-DD or DD/MM/YYYY");
    rebase.push(iso);
  }
  let fixAfter: number | undefined;
  if (values["fix-after"] !== undefined) {
    fixAfter = Number(values["fix-after"]);
    if (!Number.isInteger(fixAfter) || fixAfter < 12) throw badOption("fix-after", values["fix-after"], "a whole number of at least 12");
  }
  const rule = values["two-in-three"] ?? "mdc";
  if (rule !== "mdc" && rule !== "nhsr-legacy") throw badOption("two-in-three", rule, "a rule; use mdc or nhsr-legacy");
  return { improvement: imp as Improvement, target, rebase, fixAfter, screenOutliers: !values["no-screen"], twoInThree: rule };
}

/** The `--json` shape: the public contract plus extra fields. */
export function spcJson(result: SpcResult, description: string) {
  return {
    points: result.points.map((p) => ({ date: p.date, value: p.value, mean: p.mean, lpl: p.lpl, upl: p.upl, nlpl: p.nlpl, nupl: p.nupl, type: p.type, rule: p.rule, segment: p.segment })),
    variation: result.variation,
    variationIcon: result.variationIcon,
    assurance: result.assurance,
    segments: result.segments,
    warnings: result.warnings,
    description,
  };
}

/** Numbers to 2 d.p., right-aligned under a header of `header` characters. */
function fixed(xs: readonly number[], header: string): string[] {
  const s = xs.map((x) => x.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  const w = Math.max(header.length, ...s.map((x) => x.length));
  return s.map((x) => x.padStart(w));
}

const TYPE_TEXT: Record<string, string> = {
  common_cause: "common cause",
  special_cause_improvement: "special cause: improvement",
  special_cause_concern: "special cause: concern",
  special_cause_neutral_high: "special cause: high",
  special_cause_neutral_low: "special cause: low",
};
const RULE_TEXT: Record<string, string> = { astronomical: "beyond limit", trend: "trend", two_in_three: "2 of 3 beyond 2 sigma", shift: "run on one side" };

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("spc", argv, {
    input: { type: "string" },
    improvement: { type: "string" },
    target: { type: "string" },
    rebase: { type: "string", multiple: true },
    "fix-after": { type: "string" },
    "no-screen": { type: "boolean", default: false },
    "two-in-three": { type: "string" },
    unit: { type: "string" },
  });
  if (!values.input) throw new LanternError("LANTERN_USAGE", "Say which file to chart with --input FILE.csv.", { hint: "Run `lantern spc --help` for the file format and examples." });
  const options = optionsFrom(values);
  const points = await readSeriesCsv(readInput(values.input), basename(values.input));
  let result: SpcResult;
  try {
    result = xmr(points, options);
  } catch (e) {
    // The data is validated above, so what xmr refuses here is a flag (a rebase leaving one point).
    if (e instanceof RangeError) throw new LanternError("LANTERN_BAD_OPTION", e.message, { hint: "Run `lantern spc --help` to see what it accepts." });
    throw e;
  }
  const description = describeSpc(result, values.unit ? { unitLabel: values.unit } : {});
  if (values.json) {
    o.out(JSON.stringify(spcJson(result, description), null, 2) + "\n");
    return 0;
  }
  for (const w of result.warnings) o.err(`warning: ${w.message}\n`);
  const ps = result.points;
  const [mean, lpl, upl] = [fixed(ps.map((p) => p.mean), "mean"), fixed(ps.map((p) => p.lpl), "lower limit"), fixed(ps.map((p) => p.upl), "upper limit")];
  const multi = result.segments.length > 1;
  o.out(
    table(
      ["date", "value", "mean", "lower limit", "upper limit", "type", "rule", ...(multi ? ["segment"] : [])],
      ps.map((p, i) => [p.date, p.value, mean[i], lpl[i], upl[i], TYPE_TEXT[p.type], p.rule ? RULE_TEXT[p.rule] : "", ...(multi ? [p.segment + 1] : [])]),
    ),
  );
  const icon = VARIATION_ICONS[result.variationIcon];
  o.out(`\nVariation: ${icon.label}${icon.letter ? ` [${icon.letter}]` : ""}.\nAssurance: ${result.assurance ? result.assurance.replaceAll("_", " ") : "none"}.\n\n${description}\n`);
  return 0;
}

/** `lantern spc`. */
export const spcCommand: Command = { name: "spc", help: HELP, run };
