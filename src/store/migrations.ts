/**
 * @module
 * Versioned migrations. Lantern's own tables (snapshots, authorities, population, audit) change
 * only through numbered migrations that are never edited once released. The SSD tables are
 * generated from the registry in `ssd-schema.ts` and only ever grow: after the numbered
 * migrations, any SSD table or column the registry has and the database lacks is added
 * (recorded as its own migration row), so adding a column is one registry line. Nothing here
 * drops or rewrites data.
 */

import type { Store } from "./port.ts";
import { SSD_TABLES, sqlType } from "./ssd-schema.ts";

/** One numbered migration. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
  /** Statements run only on PostgreSQL (after `statements`), for what only a server needs. */
  readonly postgres?: readonly string[];
}

/**
 * The tables whose changes alter what pages show. On PostgreSQL every statement that changes one
 * announces it on the `lantern_change` channel when its transaction commits, so every instance
 * drops the page caches it built from older figures (sessions, sign-in attempts and the audit log
 * are left out: they change on every sign-in and child-level view and no page cache holds them).
 */
export const ANNOUNCED_TABLES: readonly string[] = [
  "lantern_authority",
  "lantern_snapshot",
  "lantern_population",
  "lantern_setting",
  "lantern_calendar",
  "lantern_period",
  "lantern_reference_population",
  "lantern_coverage",
  "lantern_indicator_value",
  "lantern_measure",
  "lantern_annotation",
  "lantern_compute",
  "lantern_commentary",
  "lantern_target",
];

/** The channel PostgreSQL instances listen on (see {@link ANNOUNCED_TABLES}). */
export const CHANGE_CHANNEL = "lantern_change";

/**
 * Migration 8's statement: records where the audit chain starts (the last entry written without a
 * hash). A restore runs it again on the rows of a backup made before migration 8, which lacks it.
 */
export const AUDIT_CHAIN_START = `INSERT INTO lantern_setting (name, value)
        SELECT 'audit_chain_after', CAST(coalesce(max(audit_id), 0) AS VARCHAR) FROM lantern_audit WHERE entry_hash IS NULL`;

/** The migration that first recorded {@link AUDIT_CHAIN_START}. */
export const AUDIT_CHAIN_START_VERSION = 8;

/** Numbered migrations, oldest first. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "snapshots, authorities, population, audit",
    statements: [
      `CREATE TABLE lantern_authority (
        la_code VARCHAR PRIMARY KEY,
        la_name VARCHAR,
        like_code VARCHAR,
        created_at VARCHAR NOT NULL
      )`,
      `CREATE TABLE lantern_snapshot (
        snapshot_id INTEGER PRIMARY KEY,
        la_code VARCHAR NOT NULL,
        loaded_at VARCHAR NOT NULL,
        loaded_by VARCHAR NOT NULL,
        source_format VARCHAR NOT NULL,
        forced BOOLEAN NOT NULL,
        fingerprint VARCHAR NOT NULL,
        total_rows INTEGER NOT NULL,
        warnings INTEGER NOT NULL
      )`,
      `CREATE TABLE lantern_snapshot_file (
        snapshot_id INTEGER NOT NULL,
        file_name VARCHAR NOT NULL,
        source_path VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        bytes BIGINT NOT NULL,
        table_name VARCHAR,
        row_count INTEGER NOT NULL
      )`,
      `CREATE TABLE lantern_snapshot_table (
        snapshot_id INTEGER NOT NULL,
        table_name VARCHAR NOT NULL,
        row_count INTEGER NOT NULL,
        rows_snapshot_id INTEGER NOT NULL,
        PRIMARY KEY (snapshot_id, table_name)
      )`,
      `CREATE TABLE lantern_snapshot_issue (
        snapshot_id INTEGER NOT NULL,
        severity VARCHAR NOT NULL,
        code VARCHAR NOT NULL,
        file_name VARCHAR,
        row_number INTEGER,
        column_name VARCHAR,
        value VARCHAR,
        message VARCHAR NOT NULL
      )`,
      `CREATE TABLE lantern_population (
        la_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        population_0_17 INTEGER NOT NULL,
        source VARCHAR NOT NULL,
        PRIMARY KEY (la_code, year)
      )`,
      `CREATE TABLE lantern_audit (
        audit_id INTEGER PRIMARY KEY,
        logged_at VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        la_code VARCHAR,
        detail VARCHAR NOT NULL
      )`,
      `CREATE VIEW lantern_latest_snapshot AS
        SELECT la_code, max(snapshot_id) AS snapshot_id FROM lantern_snapshot GROUP BY la_code`,
    ],
  },
  {
    version: 2,
    name: "calendar, periods, indicator values",
    statements: [
      `CREATE TABLE lantern_setting (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
      `CREATE TABLE lantern_calendar (d DATE PRIMARY KEY, wd INTEGER NOT NULL, is_working_day BOOLEAN NOT NULL)`,
      `CREATE TABLE lantern_period (
        period_id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        start_date DATE NOT NULL,
        end_date DATE NOT NULL,
        pop_year INTEGER NOT NULL
      )`,
      `CREATE TABLE lantern_reference_population (
        code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        population_0_17 INTEGER NOT NULL,
        PRIMARY KEY (code, year)
      )`,
      `CREATE TABLE lantern_coverage (
        snapshot_id INTEGER PRIMARY KEY,
        data_from DATE,
        data_to DATE
      )`,
      `CREATE TABLE lantern_indicator_value (
        snapshot_id INTEGER NOT NULL,
        la_code VARCHAR NOT NULL,
        indicator_id VARCHAR NOT NULL,
        period_id VARCHAR NOT NULL,
        breakdown VARCHAR NOT NULL,
        category VARCHAR NOT NULL,
        value DOUBLE PRECISION,
        numerator DOUBLE PRECISION,
        denominator DOUBLE PRECISION,
        reason VARCHAR
      )`,
      `CREATE TABLE lantern_measure (
        snapshot_id INTEGER NOT NULL,
        la_code VARCHAR NOT NULL,
        indicator_id VARCHAR NOT NULL,
        period_id VARCHAR NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        numerator DOUBLE PRECISION,
        denominator DOUBLE PRECISION,
        note VARCHAR
      )`,
      `CREATE TABLE lantern_annotation (
        annotation_id INTEGER NOT NULL,
        version INTEGER NOT NULL,
        la_code VARCHAR NOT NULL,
        indicator_id VARCHAR,
        area VARCHAR,
        on_date DATE NOT NULL,
        kind VARCHAR NOT NULL,
        note VARCHAR NOT NULL,
        deleted BOOLEAN NOT NULL,
        changed_by VARCHAR NOT NULL,
        changed_at VARCHAR NOT NULL,
        PRIMARY KEY (annotation_id, version)
      )`,
      `CREATE TABLE lantern_compute (
        snapshot_id INTEGER NOT NULL,
        computed_at VARCHAR NOT NULL,
        indicators INTEGER NOT NULL,
        values_written INTEGER NOT NULL,
        elapsed_ms INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: "users, sessions, sign-in attempts, audit hash chain",
    statements: [
      `CREATE TABLE lantern_user (
        user_id VARCHAR PRIMARY KEY,
        username VARCHAR NOT NULL UNIQUE,
        display_name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        password_hash VARCHAR,
        oidc_subject VARCHAR,
        disabled BOOLEAN NOT NULL,
        created_at VARCHAR NOT NULL,
        updated_at VARCHAR NOT NULL
      )`,
      `CREATE TABLE lantern_user_area (
        user_id VARCHAR NOT NULL,
        area VARCHAR NOT NULL,
        PRIMARY KEY (user_id, area)
      )`,
      `CREATE TABLE lantern_session (
        token_hash VARCHAR PRIMARY KEY,
        user_id VARCHAR NOT NULL,
        created_at VARCHAR NOT NULL,
        last_seen_at VARCHAR NOT NULL,
        expires_at VARCHAR NOT NULL,
        revoked_at VARCHAR,
        ip VARCHAR
      )`,
      `CREATE TABLE lantern_login_attempt (
        username VARCHAR NOT NULL,
        ip VARCHAR NOT NULL,
        attempted_at VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL
      )`,
      `ALTER TABLE lantern_audit ADD COLUMN target VARCHAR`,
      `ALTER TABLE lantern_audit ADD COLUMN prev_hash VARCHAR`,
      `ALTER TABLE lantern_audit ADD COLUMN entry_hash VARCHAR`,
    ],
  },
  {
    version: 4,
    name: "web: officer commentary and targets edited in the browser, with history",
    statements: [
      `CREATE TABLE lantern_commentary (
        comment_id INTEGER NOT NULL,
        version INTEGER NOT NULL,
        la_code VARCHAR NOT NULL,
        indicator_id VARCHAR NOT NULL,
        period_id VARCHAR NOT NULL,
        body VARCHAR NOT NULL,
        published BOOLEAN NOT NULL,
        deleted BOOLEAN NOT NULL,
        changed_by VARCHAR NOT NULL,
        changed_at VARCHAR NOT NULL,
        PRIMARY KEY (comment_id, version)
      )`,
      `CREATE TABLE lantern_target (
        indicator_id VARCHAR NOT NULL,
        year VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        target DOUBLE PRECISION NOT NULL,
        tolerance DOUBLE PRECISION NOT NULL,
        polarity VARCHAR,
        deleted BOOLEAN NOT NULL,
        changed_by VARCHAR NOT NULL,
        changed_at VARCHAR NOT NULL,
        PRIMARY KEY (indicator_id, year, version)
      )`,
    ],
  },
  {
    version: 5,
    name: "DfE validation queries kept with each snapshot",
    statements: [
      `CREATE TABLE lantern_dfe_query (
        snapshot_id INTEGER NOT NULL,
        rule_id VARCHAR NOT NULL,
        dataset VARCHAR NOT NULL,
        file_name VARCHAR,
        row_number INTEGER,
        column_name VARCHAR,
        value VARCHAR,
        expected VARCHAR,
        message VARCHAR NOT NULL
      )`,
    ],
  },
  {
    version: 6,
    name: "several instances: changes announced to every instance (PostgreSQL)",
    statements: [],
    postgres: [
      // NOTIFY is delivered when the writing transaction commits (never for one rolled back), and
      // repeats of the same notification in one transaction are folded into one.
      `CREATE FUNCTION lantern_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('${CHANGE_CHANNEL}', ''); RETURN NULL; END $$`,
      ...ANNOUNCED_TABLES.map(
        (t) => `CREATE TRIGGER lantern_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION lantern_announce_change()`,
      ),
    ],
  },
  {
    version: 7,
    name: "coverage per table: a return holds one collection year of the tables it replaces",
    // Keyed by the snapshot whose load wrote the table's rows (lantern_snapshot_table's
    // rows_snapshot_id), so a later load that carries the table forward carries its coverage too.
    // Written only in the load's own transaction, with the snapshot (whose row is announced).
    statements: [
      `CREATE TABLE lantern_table_coverage (
        snapshot_id INTEGER NOT NULL,
        table_name VARCHAR NOT NULL,
        data_from DATE NOT NULL,
        PRIMARY KEY (snapshot_id, table_name)
      )`,
    ],
  },
  {
    version: 8,
    name: "the audit chain's start recorded: entries after it must carry a hash",
    // Entries written before the chain existed (migration 3) have no hash; any later entry without
    // one was stripped of it. A store made since has none: 0.
    statements: [AUDIT_CHAIN_START],
  },
];

/** The columns of every SSD table and of every `current_ssd_*` view, by table or view name. */
async function existingColumns(store: Store): Promise<Map<string, Set<string>>> {
  const rows = await store.all<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE (table_name LIKE 'ssd\\_%' ESCAPE '\\' OR table_name LIKE 'current\\_ssd\\_%' ESCAPE '\\') AND table_schema = current_schema()`,
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const s = out.get(r.table_name) ?? new Set<string>();
    out.set(r.table_name, s);
    s.add(r.column_name);
  }
  return out;
}

/** The view of an SSD table's rows as each authority's latest snapshot sees them. */
function currentView(table: string, replace = false): string {
  return (
    `CREATE ${replace ? "OR REPLACE " : ""}VIEW current_${table} AS SELECT t.* FROM ${table} t JOIN lantern_latest_snapshot l ON l.la_code = t.la_code ` +
    `JOIN lantern_snapshot_table st ON st.snapshot_id = l.snapshot_id AND st.table_name = '${table}' AND st.rows_snapshot_id = t.snapshot_id`
  );
}

/**
 * The statements that bring the SSD tables up to the registry (empty when up to date). A column
 * added to a table is added to its `current_` view too, by making the view again: PostgreSQL fixes
 * a view's `t.*` to the columns the table had when the view was made (DuckDB reads it afresh), so
 * there the new column was missing from the view and every query of it by name failed. A view
 * missing a column its table has (a store upgraded before this was done) is made again as well.
 */
export function ssdSchemaStatements(existing: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const t of SSD_TABLES) {
    const have = existing.get(t.name);
    if (!have) {
      const cols = t.columns.map((c) => `${c.name} ${sqlType(c.kind)}`);
      out.push(`CREATE TABLE ${t.name} (snapshot_id INTEGER NOT NULL, la_code VARCHAR NOT NULL, ${cols.join(", ")})`);
      out.push(currentView(t.name));
      continue;
    }
    let added = false;
    for (const c of t.columns) {
      if (!have.has(c.name)) {
        out.push(`ALTER TABLE ${t.name} ADD COLUMN ${c.name} ${sqlType(c.kind)}`);
        added = true;
      }
    }
    const view = existing.get(`current_${t.name}`);
    if (added || !view || [...have].some((c) => !view.has(c))) out.push(currentView(t.name, true));
  }
  return out;
}

/** Advisory-lock key that serialises migrations of one PostgreSQL database (any constant). */
const MIGRATION_LOCK = 7_411_001;

/** Bring the store up to date; returns the names of what was applied. */
export async function migrate(store: Store, now: () => string = () => new Date().toISOString()): Promise<string[]> {
  if (store.kind !== "postgres") return migrateNow(store, now);
  // Several instances may start at once against one server: one migrates, the others wait.
  return store.session(async () => {
    await store.run(`SELECT pg_advisory_lock($1)`, [MIGRATION_LOCK]);
    try {
      return await migrateNow(store, now);
    } finally {
      await store.run(`SELECT pg_advisory_unlock($1)`, [MIGRATION_LOCK]);
    }
  });
}

async function migrateNow(store: Store, now: () => string): Promise<string[]> {
  await store.run(`CREATE TABLE IF NOT EXISTS lantern_migration (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)`);
  const done = new Set((await store.all<{ version: number }>(`SELECT version FROM lantern_migration`)).map((r) => r.version));
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await store.transaction(async () => {
      for (const s of m.statements) await store.run(s);
      if (store.kind === "postgres") for (const s of m.postgres ?? []) await store.run(s);
      await store.run(`INSERT INTO lantern_migration (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, now()]);
    });
    applied.push(`${m.version} ${m.name}`);
  }
  const ssd = ssdSchemaStatements(await existingColumns(store));
  if (ssd.length) {
    await store.transaction(async () => {
      for (const s of ssd) await store.run(s);
      const next = Math.max(1000, ...(await store.all<{ v: number | null }>(`SELECT max(version) AS v FROM lantern_migration`)).map((r) => (r.v ?? 0) + 1));
      await store.run(`INSERT INTO lantern_migration (version, name, applied_at) VALUES ($1, $2, $3)`, [next, `SSD tables: ${ssd.length} change(s)`, now()]);
    });
    applied.push(`SSD tables: ${ssd.length} change(s)`);
  }
  return applied;
}
