/**
 * @module
 * Moving a whole store to another database (normally the embedded DuckDB file to PostgreSQL,
 * when a council outgrows one machine), and proving the copy is the same. It is a backup and a
 * restore with no file in between: the source is read in one consistent view and streamed
 * table by table into the target inside one target transaction (COPY on PostgreSQL). Before that
 * transaction commits, every table of the target is read back and compared with what was read
 * from the source: the row count, and an order-independent fingerprint of the rows' exact values
 * ({@link RowDigest}); `lantern_indicator_value` among them, so the computed figures are proved
 * identical, not merely counted. Any difference rolls the copy back and the target is left as it
 * was. It deliberately refuses a target that holds data unless told to replace it.
 */

import { LanternError } from "../core/errors.ts";
import { auditEvent } from "./audit.ts";
import { clearTables, dumpStore, listTables, MIGRATION_TABLE, notEmptyError, type Progress, type TableCount, storeLoader, tablesWithData, type BackupSink } from "./backup.ts";
import { type BackupColumn, encodeValue, quoteIdent, RowDigest, selectExpression } from "./backup-format.ts";
import { refuseWhileServed } from "./open.ts";
import type { Store } from "./port.ts";

/** The stored indicator values: the figures the comparison singles out. */
export const VALUE_TABLE = "lantern_indicator_value";

/** One table compared after the copy. */
export interface TableComparison {
  readonly table: string;
  readonly source: number;
  readonly target: number;
  /** Same row count and the same fingerprint of exact values. */
  readonly same: boolean;
}

/** What a migration did and found. */
export interface MigrateResult {
  readonly source: { readonly kind: Store["kind"]; readonly location: string };
  readonly target: { readonly kind: Store["kind"]; readonly location: string };
  /** True when every table matched and the copy was committed. */
  readonly ok: boolean;
  readonly tables: readonly TableComparison[];
  readonly rows: number;
  /** The stored indicator values, compared value by value (through the fingerprint). */
  readonly indicatorValues: { readonly source: number; readonly target: number; readonly same: boolean };
  /** What the target held before, when it was replaced. */
  readonly replaced: readonly TableCount[];
  readonly elapsedMs: number;
}

/** Phases, for progress output. */
export type MigratePhase = "copy" | "verify";

/** The fingerprint of a table's rows as `store` returns them, read with the given columns. */
export async function tableDigest(store: Store, table: string, columns: readonly BackupColumn[]): Promise<RowDigest> {
  const d = new RowDigest();
  const types = columns.map((c) => c.type);
  await store.scan(`SELECT ${columns.map(selectExpression).join(", ")} FROM ${quoteIdent(table)}`, async (rows) => {
    for (const r of rows) d.add(r.map((v, i) => encodeValue(types[i]!, v)));
  });
  return d;
}

class Differs extends Error {
  readonly result: MigrateResult;
  constructor(result: MigrateResult) {
    super("the copy differs");
    this.result = result;
  }
}

/**
 * Copy every table of `source` into `target` (both migrated) and verify before committing. A
 * mismatch is returned with `ok: false` (the target rolled back); failures are thrown. Audited on
 * both sides: `store.migrate` in the target, `export.migrate_store` in the source.
 */
export async function migrateStore(
  source: Store,
  target: Store,
  opts: {
    actor: string;
    replace?: boolean;
    onProgress?: Progress;
    onPhase?: (phase: MigratePhase) => void;
    /** Tests only: runs inside the target transaction after the copy, before the comparison. */
    beforeVerify?: () => Promise<void>;
  },
): Promise<MigrateResult> {
  const t0 = performance.now();
  await refuseWhileServed(target, "a copy into it");
  const targetTables = await listTables(target);
  const held = await tablesWithData(target);
  if (held.length && !opts.replace) {
    throw notEmptyError(target.location, held, "Copy into an empty database (createdb lantern), or add --replace to delete everything in that one, its audit log included, and put this store in its place.");
  }
  const ends = { source: { kind: source.kind, location: source.location }, target: { kind: target.kind, location: target.location } };
  let committed: MigrateResult | undefined;
  try {
    await target.transaction(async () => {
      await clearTables(target, targetTables);
      const loader = storeLoader(target, targetTables, opts.onProgress);
      const read = new Map<string, { columns: readonly BackupColumn[]; digest: RowDigest }>();
      let cur: RowDigest | undefined;
      const tee: BackupSink = {
        header: (h) => loader.header(h),
        table: (t) => {
          cur = new RowDigest();
          read.set(t.table, { columns: t.columns, digest: cur });
          return loader.table(t);
        },
        rows: (rows) => {
          for (const r of rows) cur!.add(r);
          return loader.rows(rows);
        },
        end: () => loader.end(),
      };
      opts.onPhase?.("copy");
      const dump = await dumpStore(source, tee, opts.onProgress ? { onProgress: opts.onProgress } : {});
      await opts.beforeVerify?.();
      opts.onPhase?.("verify");
      const tables: TableComparison[] = [];
      let done = 0;
      for (const [table, { columns, digest }] of read) {
        // Each store keeps its own migration record.
        if (table === MIGRATION_TABLE) continue;
        const got = await tableDigest(target, table, columns);
        tables.push({ table, source: digest.rows, target: got.rows, same: got.rows === digest.rows && got.hex === digest.hex });
        done += digest.rows;
        opts.onProgress?.(done, dump.header.rows, table);
      }
      // A table only the target has must have stayed empty.
      for (const t of targetTables) {
        if (read.has(t.name) || t.name === MIGRATION_TABLE) continue;
        const got = await tableDigest(target, t.name, t.columns);
        tables.push({ table: t.name, source: 0, target: got.rows, same: got.rows === 0 });
      }
      const values = tables.find((t) => t.table === VALUE_TABLE) ?? { table: VALUE_TABLE, source: 0, target: 0, same: true };
      const result: MigrateResult = {
        ...ends,
        ok: tables.every((t) => t.same),
        tables,
        rows: tables.reduce((s, t) => s + t.target, 0),
        indicatorValues: { source: values.source, target: values.target, same: values.same },
        replaced: held,
        elapsedMs: 0,
      };
      if (!result.ok) throw new Differs(result);
      await auditEvent(target, {
        actor: opts.actor,
        action: "store.migrate",
        target: source.location,
        detail: { from: ends.source, tables: tables.length, rows: result.rows, indicatorValues: values.target, replaced: held },
      });
      committed = result;
    });
  } catch (e) {
    if (e instanceof Differs) return { ...e.result, elapsedMs: performance.now() - t0 };
    throw e;
  }
  const result = committed!;
  await target.analyze(targetTables.map((t) => t.name));
  await auditEvent(source, {
    actor: opts.actor,
    action: "export.migrate_store",
    target: target.location,
    detail: { to: ends.target, tables: result.tables.length, rows: result.rows, indicatorValues: result.indicatorValues.source },
  });
  return { ...result, elapsedMs: performance.now() - t0 };
}

/** Refuse copying a store onto itself. */
export function assertDifferentStores(source: Store, target: Store): void {
  if (source.kind === target.kind && source.location === target.location) {
    throw new LanternError("LANTERN_BAD_OPTION", `--to names the store being copied (${target.location}).`, { hint: "Give the URL of another, empty PostgreSQL database." });
  }
}
