// The Store contract, run on both adapters (DuckDB and a real PostgreSQL server started by the
// tests): rows normalised the same way, a DATE the same calendar day in British Summer Time (the
// suite runs with TZ=Europe/London), bulk writers that keep awkward text intact, transactions that
// commit all or nothing, staging tables visible throughout a session, and migrations on both.
import assert from "node:assert/strict";
import { test } from "node:test";
import { storeKinds, tempStore } from "../../test/fixtures.ts";
import { dayNumber } from "../calendar/dates.ts";
import { MIGRATIONS, migrate } from "./migrations.ts";
import { openStore, storeConfig } from "./open.ts";
import type { Row } from "./port.ts";
import { requireSsdTable } from "./ssd-schema.ts";

for (const { kind, skip } of storeKinds()) {
  test(`rows come back normalised: dates as the same day in BST, counts as numbers, booleans (${kind})`, { skip }, async () => {
    assert.equal(process.env["TZ"], "Europe/London", "run the tests with TZ=Europe/London (npm test does)");
    const { store, cleanup } = await tempStore(kind);
    try {
      assert.equal(store.kind, kind);
      await store.run(`CREATE TABLE t (d DATE, n BIGINT, x DOUBLE PRECISION, s VARCHAR, b BOOLEAN, c NUMERIC(10,2))`);
      // 1 June 2024 is in British Summer Time: local midnight is 23:00 UTC the day before.
      await store.run(`INSERT INTO t VALUES (CAST($1 AS DATE), 9007199254740991, 1.5, 'a', TRUE, 12.25)`, ["2024-06-01"]);
      await store.run(`INSERT INTO t VALUES (DATE '2024-12-31', -3, NULL, NULL, FALSE, NULL)`);
      const rows = await store.all(`SELECT d, n, x, s, b, c FROM t ORDER BY d`);
      assert.deepEqual(rows, [
        { d: "2024-06-01", n: 9007199254740991, x: 1.5, s: "a", b: true, c: 12.25 },
        { d: "2024-12-31", n: -3, x: null, s: null, b: false, c: null },
      ]);
      const [agg] = await store.all(`SELECT count(*) AS n, sum(n) AS total, max(d) AS last, min(d) AS first FROM t WHERE n < 0`);
      assert.deepEqual(agg, { n: 1, total: -3, last: "2024-12-31", first: "2024-12-31" });
      assert.equal(typeof agg!["n"], "number");
      // A date compared with a parameter, and date arithmetic, stay on the calendar day.
      const [p] = await store.all(`SELECT CAST(count(*) AS INTEGER) AS n FROM t WHERE d = CAST($1 AS DATE)`, ["2024-06-01"]);
      assert.equal(p!["n"], 1);
      const [e] = await store.all(`SELECT extract(month FROM d) AS m, extract(day FROM d) AS dd FROM t WHERE b`);
      assert.deepEqual(e, { m: 6, dd: 1 });
      // Whole numbers too large for a BIGINT are still doubles, as parameters of run() and all()
      // (DuckDB's driver guessed BIGINT for them and refused 1e21).
      for (const big of [1e21, -1e300, 2 ** 53 + 2]) {
        await store.run(`INSERT INTO t (d, x) VALUES (DATE '2025-01-01', $1)`, [big]);
        const [r] = await store.all(`SELECT x, CAST($1 AS DOUBLE PRECISION) AS p FROM t WHERE d = DATE '2025-01-01'`, [big]);
        assert.deepEqual(r, { x: big, p: big }, String(big));
        await store.run(`DELETE FROM t WHERE d = DATE '2025-01-01'`);
      }
    } finally {
      await cleanup();
    }
  });

  test(`a bulk writer keeps tabs, newlines, backslashes, quotes and BST dates intact (${kind})`, { skip }, async () => {
    const { store, cleanup } = await tempStore(kind);
    try {
      const cols = [
        { name: "s", type: "text" },
        { name: "d", type: "date" },
        { name: "i", type: "int" },
        { name: "f", type: "float" },
      ] as const;
      const awkward = ["tab\there", "line\nbreak", "back\\slash", 'quote"s', "crlf\r\n", "\\N", "", "ünïcødé £"];
      const read = await store.session(async () => {
        await store.createStaging("stg_t", cols);
        const w = await store.bulkWriter("stg_t", cols);
        for (let i = 0; i < 5000; i++) w.append([awkward[i % awkward.length]!, dayNumber("2024-06-01") + (i % 3), i, i / 4]);
        w.append([null, null, null, null]);
        await w.close();
        const rows = await store.all<Row>(`SELECT s, d, i, f FROM stg_t WHERE i < 8 OR i IS NULL ORDER BY i`);
        const [n] = await store.all(`SELECT count(*) AS n, sum(i) AS si FROM stg_t`);
        await store.run(`DROP TABLE stg_t`);
        return { rows, n };
      });
      assert.deepEqual(read.n, { n: 5001, si: (4999 * 5000) / 2 });
      assert.deepEqual(
        read.rows.slice(0, 8).map((r) => r["s"]),
        awkward,
      );
      assert.deepEqual(
        read.rows.slice(0, 3).map((r) => [r["d"], r["i"], r["f"]]),
        [
          ["2024-06-01", 0, 0],
          ["2024-06-02", 1, 0.25],
          ["2024-06-03", 2, 0.5],
        ],
      );
      assert.deepEqual(read.rows[8], { s: null, d: null, i: null, f: null });
    } finally {
      await cleanup();
    }
  });

  test(`a transaction commits all or nothing, and staging tables live through a session (${kind})`, { skip }, async () => {
    const { store, cleanup } = await tempStore(kind);
    try {
      await store.run(`CREATE TABLE t (n INTEGER)`);
      await assert.rejects(
        store.transaction(async () => {
          await store.run(`INSERT INTO t VALUES (1)`);
          const w = await store.bulkWriter("t", [{ name: "n", type: "int" }]);
          w.append([2]);
          await w.close();
          throw new Error("undo");
        }),
        /undo/,
      );
      assert.deepEqual(await store.all(`SELECT * FROM t`), []);
      // A failed statement inside a transaction undoes the statements before it.
      await assert.rejects(
        store.transaction(async () => {
          await store.run(`INSERT INTO t VALUES (3)`);
          await store.run(`INSERT INTO no_such_table VALUES (4)`);
        }),
      );
      assert.deepEqual(await store.all(`SELECT * FROM t`), []);
      await store.session(async () => {
        await store.createStaging("stg_n", [{ name: "n", type: "int" }]);
        await store.transaction(async () => {
          await store.run(`INSERT INTO stg_n VALUES (5), (6)`);
          await store.run(`INSERT INTO t SELECT n FROM stg_n`);
        });
        await store.run(`INSERT INTO t SELECT n * 10 FROM stg_n`);
        await store.run(`DROP TABLE stg_n`);
      });
      assert.deepEqual(
        (await store.all<{ n: number }>(`SELECT n FROM t ORDER BY n`)).map((r) => r.n),
        [5, 6, 50, 60],
      );
    } finally {
      await cleanup();
    }
  });

  test(`scan streams a result in batches, normalised like all(), and consistentRead sees one snapshot (${kind})`, { skip }, async () => {
    const { store, dataDir, databaseUrl, cleanup } = await tempStore(kind);
    try {
      await store.run(`CREATE TABLE t (i INTEGER, d DATE, x DOUBLE PRECISION, b BOOLEAN, s VARCHAR)`);
      await store.run(`INSERT INTO t SELECT g, CAST('2024-06-01' AS DATE) + CAST(g % 3 AS INTEGER), g / 4.0, g % 2 = 0, NULL FROM generate_series(1, 25000) AS s(g)`);
      const sizes: number[] = [];
      const firsts: unknown[] = [];
      let sum = 0;
      await store.scan(`SELECT i, d, x, b, s FROM t ORDER BY i`, async (rows) => {
        sizes.push(rows.length);
        firsts.push(rows[0]);
        for (const r of rows) sum += r[0] as number;
      }, 10_000);
      assert.deepEqual(sizes, [10_000, 10_000, 5_000]);
      assert.equal(sum, (25000 * 25001) / 2);
      assert.deepEqual(firsts[0], [1, "2024-06-02", 0.25, false, null], "a DATE in BST stays its day; booleans, doubles and NULL as all() gives them");
      let none = 0;
      await store.scan(`SELECT i FROM t WHERE i < 0`, async () => {
        none++;
      });
      assert.equal(none, 0, "an empty result calls nothing");

      if (kind === "postgres") {
        // Another connection commits while the read is open: the read does not see it.
        const other = await openStore(storeConfig(dataDir, { LANTERN_DATABASE_URL: databaseUrl! }));
        try {
          const seen = await store.consistentRead(async () => {
            const [a] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM t`);
            await other.run(`DELETE FROM t WHERE i > 5`);
            let scanned = 0;
            await store.scan(`SELECT i FROM t`, async (rows) => {
              scanned += rows.length;
            });
            return [a!.n, scanned];
          });
          assert.deepEqual(seen, [25000, 25000]);
          const [after] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM t`);
          assert.equal(after!.n, 5);
          await assert.rejects(store.consistentRead(() => store.run(`DELETE FROM t`)), /read-only/, "a consistent read cannot write");
        } finally {
          await other.close();
        }
      }
    } finally {
      await cleanup();
    }
  });

  test(`migrations bring a new store to the latest version and are idempotent (${kind})`, { skip }, async () => {
    const { store, cleanup } = await tempStore(kind);
    try {
      const versions = (await store.all<{ version: number }>(`SELECT version FROM lantern_migration ORDER BY version`)).map((r) => r.version);
      for (const m of MIGRATIONS) assert.ok(versions.includes(m.version), `migration ${m.version} applied`);
      assert.deepEqual(await migrate(store), [], "nothing left to apply");
      // Every table the migrations made exists and can be read.
      for (const t of ["lantern_snapshot", "lantern_indicator_value", "lantern_session", "lantern_user", "ssd_person"]) {
        const [r] = await store.all(`SELECT count(*) AS n FROM ${t}`);
        assert.equal(r!["n"], 0, t);
      }
    } finally {
      await cleanup();
    }
  });

  test(`a column the registry adds to an SSD table of an older store is in its current_ view too, and a view an earlier upgrade left behind is made again (${kind})`, { skip }, async () => {
    const { store, cleanup } = await tempStore(kind);
    try {
      // An older Lantern's store: ssd_person without the registry's last column, its view made then.
      const person = requireSsdTable("ssd_person");
      const added = person.columns.at(-1)!.name;
      const view = (table: string) =>
        `CREATE VIEW current_${table} AS SELECT t.* FROM ${table} t JOIN lantern_latest_snapshot l ON l.la_code = t.la_code ` +
        `JOIN lantern_snapshot_table st ON st.snapshot_id = l.snapshot_id AND st.table_name = '${table}' AND st.rows_snapshot_id = t.snapshot_id`;
      await store.run(`DROP VIEW current_ssd_person`);
      await store.run(`ALTER TABLE ssd_person DROP COLUMN ${added}`);
      await store.run(view("ssd_person"));
      // A store an earlier Lantern upgraded: the column added to ssd_department after its view was made.
      const department = requireSsdTable("ssd_department");
      const late = department.columns.at(-1)!.name;
      await store.run(`DROP VIEW current_ssd_department`);
      await store.run(`ALTER TABLE ssd_department DROP COLUMN ${late}`);
      await store.run(view("ssd_department"));
      await store.run(`ALTER TABLE ssd_department ADD COLUMN ${late} VARCHAR`);

      assert.equal((await migrate(store)).length, 1, "the SSD tables are brought up to the registry");
      await store.run(`INSERT INTO lantern_snapshot (snapshot_id, la_code, loaded_at, loaded_by, source_format, forced, fingerprint, total_rows, warnings) VALUES (1, '202', 'x', 'x', 'ssd', FALSE, 'f', 2, 0)`);
      for (const t of ["ssd_person", "ssd_department"]) await store.run(`INSERT INTO lantern_snapshot_table (snapshot_id, table_name, row_count, rows_snapshot_id) VALUES (1, '${t}', 1, 1)`);
      await store.run(`INSERT INTO ssd_person (snapshot_id, la_code, pers_person_id, ${added}) VALUES (1, '202', 'P1', 'new')`);
      await store.run(`INSERT INTO ssd_department (snapshot_id, la_code, ${department.key}, ${late}) VALUES (1, '202', 'A1', 'late')`);
      assert.deepEqual(await store.all(`SELECT pers_person_id, ${added} AS v FROM current_ssd_person`), [{ pers_person_id: "P1", v: "new" }]);
      assert.deepEqual(await store.all(`SELECT ${late} AS v FROM current_ssd_department`), [{ v: "late" }]);
      assert.deepEqual(await migrate(store), [], "nothing left to apply");
    } finally {
      await cleanup();
    }
  });
}

for (const { kind, skip } of storeKinds()) {
  test(`parallel gives each worker a connection of its own, all at once, and a shared table gathers what they write (${kind})`, { skip, timeout: 60_000 }, async () => {
    const { store, cleanup } = await tempStore(kind);
    try {
      const shared = await store.createShared("stg_workers_test", [
        { name: "worker", type: "int" },
        { name: "seen", type: "text" },
      ]);
      // Every worker waits here until all three have arrived: run one after another, they never would.
      let arrived = 0;
      let all!: () => void;
      const together = new Promise<void>((r) => {
        all = r;
      });
      const results = await store.parallel(3, async (w, i) => {
        await w.createStaging("stg_mine", [{ name: "worker", type: "int" }]);
        await w.run(`INSERT INTO stg_mine VALUES ($1)`, [i]);
        if (++arrived === 3) all();
        await together;
        // A temporary table of the same name on each connection: each sees only its own row.
        const mine = await w.all<{ worker: number }>(`SELECT worker FROM stg_mine`);
        await w.run(`INSERT INTO ${shared} SELECT worker, 'own' FROM stg_mine`);
        return mine.map((r) => r.worker);
      });
      assert.deepEqual(results, [[0], [1], [2]]);
      assert.deepEqual(await store.all(`SELECT worker, seen FROM ${shared} ORDER BY worker`), [
        { worker: 0, seen: "own" },
        { worker: 1, seen: "own" },
        { worker: 2, seen: "own" },
      ]);
      // Scratch space, not the store's own: a backup leaves it out.
      const { listTables } = await import("./backup.ts");
      assert.ok(!(await listTables(store)).some((t) => t.name.includes("stg_workers_test")));
      await store.dropShared(shared);
      await assert.rejects(store.all(`SELECT count(*) AS n FROM ${shared}`));
    } finally {
      await cleanup();
    }
  });

  test(`parallel: when one worker fails, the others are told, and the call fails with it once all have stopped (${kind})`, { skip, timeout: 60_000 }, async () => {
    const { store, cleanup } = await tempStore(kind);
    try {
      let stoppedEarly = false;
      let stillRunning = 0;
      await assert.rejects(
        store.parallel(2, async (w, i, failed) => {
          stillRunning++;
          try {
            if (i === 1) {
              await w.all(`SELECT 1 AS one`);
              throw new Error("worker 1 broke");
            }
            for (let n = 0; n < 10_000; n++) {
              if (failed()) {
                stoppedEarly = true;
                return;
              }
              await w.all(`SELECT ${n} AS n`);
            }
          } finally {
            stillRunning--;
          }
        }),
        /worker 1 broke/,
      );
      assert.ok(stoppedEarly, "the other worker saw the failure and stopped");
      assert.equal(stillRunning, 0, "the call failed only once every worker had stopped");
      // The store is still usable, and its connections were given back.
      assert.deepEqual(await store.all(`SELECT 2 AS two`), [{ two: 2 }]);
    } finally {
      await cleanup();
    }
  });
}

test("a shared table left by a PostgreSQL session that has ended is dropped by the next createShared", { skip: storeKinds().find((k) => k.kind === "postgres")!.skip }, async () => {
  const { store, cleanup } = await tempStore("postgres");
  try {
    // No server process has this pid (Linux pids stop at 4,194,304).
    await store.run(`CREATE UNLOGGED TABLE lantern_work_999999999_stg_old (x INTEGER)`);
    const mine = await store.createShared("stg_new", [{ name: "x", type: "int" }]);
    const names = (await store.all<{ n: string }>(`SELECT tablename AS n FROM pg_tables WHERE tablename LIKE 'lantern_work_%' ORDER BY 1`)).map((r) => r.n);
    assert.ok(!names.includes("lantern_work_999999999_stg_old"), names.join(" "));
    assert.ok(names.some((n) => n.endsWith("_stg_new")), names.join(" "));
    await store.dropShared(mine);
  } finally {
    await cleanup();
  }
});
