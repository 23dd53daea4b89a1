/**
 * @module
 * How the CLI talks to people and scripts: data on stdout (an aligned table for a person, JSON
 * with `--json`), progress and notes on stderr, a progress bar only when stderr is a terminal,
 * and `NO_COLOR` honoured. Commands receive an {@link Output} so tests can capture everything.
 */

import { type DataIssue, formatIssue, isLanternError } from "../core/errors.ts";

/** Where a command writes. Tests pass their own. */
export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly isTTY: boolean;
  readonly color: boolean;
}

/**
 * The process's own stdout and stderr. A reader that stops early (`lantern indicators --list |
 * head`) closes the pipe: that is the reader's choice, not a failure, so the process ends quietly
 * with success instead of a stack trace about EPIPE.
 */
export function processOutput(): Output {
  if (!process.stdout.listenerCount("error")) {
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(0);
      throw e;
    });
  }
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    color: Boolean(process.stderr.isTTY) && !process.env["NO_COLOR"],
  };
}

/** Render rows as an aligned text table; numbers right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? "" : typeof c === "number" ? c.toLocaleString("en-GB") : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number" || r[i] === null || r[i] === undefined));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}

/** A progress bar on stderr; silent when stderr is not a terminal. */
export function progressBar(o: Output, label: string): { update(done: number, total: number, detail?: string): void; done(): void } {
  let last = 0;
  let shown = false;
  return {
    update(done, total, detail) {
      if (!o.isTTY) return;
      const t = Date.now();
      if (t - last < 80 && done < total) return;
      last = t;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const width = 30;
      const fill = Math.round(frac * width);
      const bar = "█".repeat(fill) + "░".repeat(width - fill);
      o.err(`\r${label} ${bar} ${String(Math.round(frac * 100)).padStart(3)}% ${(detail ?? "").slice(0, 40).padEnd(40)}`);
      shown = true;
    },
    done() {
      if (shown) o.err(`\r${" ".repeat(label.length + 80)}\r`);
    },
  };
}

/** Print an error for a person (stderr) or a script (stdout JSON); returns the exit code. */
export function reportError(o: Output, e: unknown, json: boolean, maxIssues = 20): number {
  if (!isLanternError(e)) {
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    if (json) o.out(JSON.stringify({ error: { code: "LANTERN_INTERNAL", message: String(e instanceof Error ? e.message : e) } }, null, 2) + "\n");
    else o.err(`error LANTERN_INTERNAL: Lantern failed unexpectedly.\n${msg}\nPlease report this with the command you ran.\n`);
    return 3;
  }
  if (json) {
    // A refusal of data counts its errors and warnings as validate --json does (same field names).
    const counts = e.code === "LANTERN_DATA_REJECTED" || e.issues.length ? { errorCount: e.errorCount, warningCount: e.warningCount } : {};
    o.out(JSON.stringify({ error: { code: e.code, message: e.message, hint: e.hint, issues: e.issues }, ...counts }, null, 2) + "\n");
    return e.exit;
  }
  o.err(`error ${e.code}: ${e.message}\n`);
  const errors = e.issues.filter((i) => i.severity === "error");
  const warnings = e.issues.filter((i) => i.severity === "warning");
  for (const i of errors.slice(0, maxIssues)) o.err(`  ${describeIssue(i)}\n`);
  // A return's load lists its first errors only (its message says so): validate writes them all.
  const capped = /the first \d+ are listed/.test(e.message) ? "; `lantern validate PATH --report issues.csv` writes every one" : "";
  if (errors.length > maxIssues) o.err(`  … and ${errors.length - maxIssues} more listed with --json${capped}.\n`);
  // A file whose checking stopped part way has more errors than are counted: said, not left to --json.
  const stopped = warnings.filter((w) => w.code.endsWith("_TOO_MANY_ERRORS"));
  for (const w of stopped) o.err(`  ${describeIssue(w)}\n`);
  if (warnings.length > stopped.length) o.err(`  (${warnings.length - stopped.length} warning(s) as well; use --json to see them.)\n`);
  if (e.hint) o.err(`What to do: ${e.hint}\n`);
  return e.exit;
}

/** An issue with its value and expectation, for a terminal. */
export function describeIssue(i: DataIssue): string {
  const extra = [i.value !== undefined && i.value !== "" ? `value "${i.value}"` : "", i.expected ? `expected ${i.expected}` : ""].filter(Boolean).join("; ");
  return formatIssue(i) + (extra ? ` (${extra})` : "");
}
