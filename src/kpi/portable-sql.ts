/**
 * @module
 * The check that keeps indicator SQL in the subset DuckDB and PostgreSQL both run
 * (`../shared/research/stack.md` §C2): constructs one engine has and the other lacks are
 * refused when the registry is built, so a definition that would only work on the laptop never
 * ships. A denylist, not a parser: it catches the habits that actually creep in.
 */

const DENIED: readonly [RegExp, string][] = [
  [/\bGROUP\s+BY\s+ALL\b/i, "GROUP BY ALL is DuckDB only; list the columns"],
  [/\bORDER\s+BY\s+ALL\b/i, "ORDER BY ALL is DuckDB only"],
  [/\bdate_?diff\s*\(/i, "date_diff() is DuckDB only; subtract dates or use the calendar's working-day numbers"],
  [/::/, "the :: cast is not portable everywhere we run; use CAST(x AS type)"],
  [/\bQUALIFY\b/i, "QUALIFY is DuckDB only; filter a window in an outer query"],
  [/\bEXCLUDE\s*\(/i, "SELECT * EXCLUDE is DuckDB only"],
  [/\bstrftime\s*\(/i, "strftime() is DuckDB only; use extract()"],
  [/\b(list|struct|array)_[a-z_]+\s*\(/i, "list/struct/array functions are DuckDB only"],
  [/\bIF\s*\(/i, "IF() is not portable; use CASE WHEN"],
  [/\bIIF\s*\(/i, "IIF() is not portable; use CASE WHEN"],
  [/\/\//, "// integer division is DuckDB only"],
  [/\bilike\b/i, "ILIKE differs between engines; use lower(x) LIKE"],
  [/"[^"]*"/, "double-quoted identifiers are not needed; SSD names are lower case"],
  [/\bdate_trunc\s*\(\s*'(week|quarter)'/i, "date_trunc by week or quarter differs between engines"],
  [/\bCOLUMNS\s*\(/i, "COLUMNS() is DuckDB only"],
  [/\bUSING\s+SAMPLE\b/i, "USING SAMPLE is DuckDB only"],
  // Both engines run these, but PostgreSQL runs a correlated subquery in a select list once per
  // row (DuckDB turns it into a join): over a national store one indicator took 15 minutes.
  [/\(\s*SELECT\s+(min|max|count|sum|avg)\s*\(/i, "a scalar subquery (SELECT max(...) ...) runs once per row on PostgreSQL; LEFT JOIN a grouped subquery instead"],
  [/\bCASE\s+WHEN\s+(NOT\s+)?EXISTS\b/i, "CASE WHEN EXISTS runs once per row on PostgreSQL; LEFT JOIN a grouped subquery instead"],
  [/\bLIMIT\s+1\s*\)/i, "a subquery picking one row (LIMIT 1) runs once per row on PostgreSQL; number the rows with row_number() in a join"],
];

/** Problems with an SQL text; empty when it stays in the portable subset. */
export function portabilityProblems(sql: string): string[] {
  const text = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/--[^\n]*/g, "");
  return DENIED.filter(([re]) => re.test(text)).map(([, why]) => why);
}
