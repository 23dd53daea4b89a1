/**
 * @module
 * DfE validation rules as a registry with stable ids: each rule's id IS the DfE code (e.g. 501
 * for the 903, 8510 or 8670Q for the CIN census), with the DfE's own message, its severity
 * (errors block a load; queries are warnings that are shown and stored with the snapshot), and
 * a check over one child's records returning located hits. Rules are pure functions of one
 * child plus a small context, so a streamed file is checked child by child.
 */

import type { DataIssue } from "../../core/errors.ts";

export type Dataset = "ssda903" | "cin";

/** Where a rule found a problem. */
export interface RuleHit {
  readonly file?: string;
  readonly row?: number;
  readonly column?: string;
  readonly value?: string;
  /** Added to the DfE message: the particulars of this case. */
  readonly detail?: string;
  /** What would satisfy the rule in this case, where it says more than the rule's own. */
  readonly expected?: string;
}

/** One DfE rule. */
export interface DfeRule<M, C> {
  /** The DfE code, exactly (query codes keep their Q). */
  readonly id: string;
  readonly dataset: Dataset;
  readonly severity: "error" | "query";
  /** The DfE's message. */
  readonly message: string;
  /** The fields the rule reads (for reports). */
  readonly fields: readonly string[];
  /** What would satisfy the rule, in words. */
  readonly expected: string;
  check(m: M, ctx: C): RuleHit[];
}

/** The issue code a rule's hits carry: `903-501`, `CIN-8670Q`. */
export function issueCode(r: { dataset: Dataset; id: string }): string {
  return `${r.dataset === "ssda903" ? "903" : "CIN"}-${r.id}`;
}

/** Run rules over one model; hits become DataIssues. */
export function runRules<M, C>(rules: readonly DfeRule<M, C>[], m: M, ctx: C, fallback: { file: string; row?: number }, downgrade = false): DataIssue[] {
  const out: DataIssue[] = [];
  for (const r of rules) {
    let hits: RuleHit[];
    try {
      hits = r.check(m, ctx);
    } catch {
      hits = [];
    }
    for (const h of hits) {
      const severity = r.severity === "error" && !downgrade ? "error" : "warning";
      out.push({
        code: issueCode(r),
        severity,
        file: h.file ?? fallback.file,
        ...((h.row ?? fallback.row) !== undefined ? { row: h.row ?? fallback.row } : {}),
        ...(h.column ? { column: h.column } : {}),
        ...(h.value !== undefined ? { value: h.value } : {}),
        expected: h.expected ?? r.expected,
        message: `${r.severity === "query" ? "DfE query" : "DfE error"} ${r.id}: ${r.message}${h.detail ? ` (${h.detail})` : ""}`,
      });
    }
  }
  return out;
}

/** Check a registry: ids unique, messages present. Throws on a programming error. */
export function assertRegistry(rules: readonly DfeRule<unknown, unknown>[]): void {
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(`${r.dataset}:${r.id}`)) throw new Error(`rule ${r.id} registered twice`);
    seen.add(`${r.dataset}:${r.id}`);
    if (!r.message.trim()) throw new Error(`rule ${r.id} has no message`);
  }
}
