/**
 * @module
 * The issues of one format load: every issue counted, the first `max` of each severity kept in
 * the order a person reads them (file by file, row by row, then child by child). A reader that
 * meets records out of that order (the SSDA903 reader merges its tables child by child) collects
 * in "ordered" mode: it says where each issue belongs with {@link Issues.at}, and the issues are
 * added to the list in that order when the mode ends. Counts are exact at every moment (the load
 * stops staging rows at the first error); only the kept list waits, holding at most `max` issues
 * of each severity, so memory does not grow with the number of issues.
 */

import { clipIssue, type DataIssue } from "../core/errors.ts";

/** Issue codes of DfE rules (a DfE rule's warning is a query). */
export const DFE_CODE = /^(903|CIN)-/;

/** Where an issue belongs, compared number by number (a shorter prefix comes first). */
export type IssueKey = readonly number[];

export function compareKeys(a: IssueKey, b: IssueKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

interface Keyed {
  readonly k: IssueKey;
  readonly i: DataIssue;
}

interface Ordered {
  at: readonly number[];
  seq: number;
  readonly buf: { error: Keyed[]; warning: Keyed[] };
  readonly mark: { errors: number; warnings: number; queries: number };
}

const byKey = (a: Keyed, b: Keyed) => compareKeys(a.k, b.k);

export class Issues {
  readonly kept: DataIssue[] = [];
  errors = 0;
  warnings = 0;
  queries = 0;
  #kept = { error: 0, warning: 0 };
  #ordered: Ordered | undefined;
  readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  add(issue: DataIssue): void {
    const i = clipIssue(issue);
    if (i.severity === "error") this.errors++;
    else this.warnings++;
    if (DFE_CODE.test(i.code) && i.severity === "warning") this.queries++;
    const o = this.#ordered;
    if (o) {
      const b = o.buf[i.severity];
      b.push({ k: [...o.at, o.seq++], i });
      if (b.length >= 2 * this.max + 256) {
        b.sort(byKey);
        b.length = this.max;
      }
      return;
    }
    if (this.#kept[i.severity] < this.max) {
      this.#kept[i.severity]++;
      this.kept.push(i);
    }
  }
  /** The kept errors, in the order added. */
  get keptErrors(): DataIssue[] {
    return this.kept.filter((i) => i.severity === "error");
  }
  /** The kept warnings, in the order added. */
  get keptWarnings(): DataIssue[] {
    return this.kept.filter((i) => i.severity === "warning");
  }
  /** Start collecting out of order: issues added from now on are placed by {@link at}. */
  beginOrdered(): void {
    this.#ordered = { at: [], seq: 0, buf: { error: [], warning: [] }, mark: { errors: this.errors, warnings: this.warnings, queries: this.queries } };
  }
  /** Where the issues added next belong (ordered mode; ignored otherwise). */
  at(key: readonly number[]): void {
    if (this.#ordered) this.#ordered.at = key;
  }
  /** A key for something placed like an issue added now (undefined outside ordered mode). */
  key(): IssueKey | undefined {
    const o = this.#ordered;
    return o ? [...o.at, o.seq++] : undefined;
  }
  /** Forget everything added since {@link beginOrdered} (counts too), and collect afresh. */
  rollback(): void {
    const o = this.#ordered;
    if (!o) return;
    this.errors = o.mark.errors;
    this.warnings = o.mark.warnings;
    this.queries = o.mark.queries;
    this.beginOrdered();
  }
  /** End ordered mode: the collected issues join the list in key order. */
  endOrdered(): void {
    const o = this.#ordered;
    if (!o) return;
    this.#ordered = undefined;
    const all = [...o.buf.error, ...o.buf.warning].sort(byKey);
    for (const { i } of all) {
      if (this.#kept[i.severity] < this.max) {
        this.#kept[i.severity]++;
        this.kept.push(i);
      }
    }
  }
}
