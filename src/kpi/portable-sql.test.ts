// The portability check refuses what one engine lacks, and what PostgreSQL runs once per row.
import assert from "node:assert/strict";
import { test } from "node:test";
import { indicatorLibrary } from "./library/index.ts";
import { portabilityProblems } from "./portable-sql.ts";

test("constructs DuckDB has and PostgreSQL lacks are refused, and string literals are not read as SQL", () => {
  assert.match(portabilityProblems("SELECT x::DATE FROM t").join(), /CAST/);
  assert.match(portabilityProblems("SELECT * FROM t QUALIFY row_number() OVER () = 1").join(), /QUALIFY/);
  assert.deepEqual(portabilityProblems("SELECT 'a::b QUALIFY' AS why FROM t"), []);
});

test("per-row subqueries that PostgreSQL cannot turn into joins are refused", () => {
  const scalar = "SELECT e.*, (SELECT min(a.d) FROM {cin_assessments} a WHERE a.la_code = e.la_code) AS first FROM {cin_episodes} e";
  assert.match(portabilityProblems(scalar).join(), /scalar subquery/);
  assert.match(portabilityProblems("SELECT CASE WHEN EXISTS (SELECT 1 FROM t q WHERE q.id = e.id) THEN 1 ELSE 0 END FROM t e").join(), /CASE WHEN EXISTS/);
  assert.match(portabilityProblems("SELECT (SELECT l.s FROM l WHERE l.p = e.p ORDER BY l.d DESC LIMIT 1) FROM e").join(), /LIMIT 1/);
  // A semi-join in WHERE and an aggregate over a join are fine.
  assert.deepEqual(portabilityProblems("SELECT e.* FROM e WHERE EXISTS (SELECT 1 FROM q WHERE q.p = e.p)"), []);
  assert.deepEqual(portabilityProblems("SELECT k.p, max(q.d) FROM k JOIN q ON q.p = k.p GROUP BY k.p"), []);
});

test("the whole library passes the check", () => {
  for (const def of indicatorLibrary().list()) assert.deepEqual(portabilityProblems(def.sql), [], def.id);
});
