/**
 * @module
 * The append-only audit log: sign-ins, failed sign-ins, lockouts, sign-outs, role changes, data
 * loads, child-level views, exports and changes of targets or commentary. Entries are only ever
 * inserted; nothing in Lantern updates or deletes them. Each entry carries the SHA-256 of the
 * entry before it (`prev_hash`) and its own (`entry_hash`), so an edited, removed or inserted row
 * breaks the chain and {@link verifyAuditChain} names the first entry where it breaks. (Rows
 * written before migration 3 carry no hash and are reported as unchained, not as tampering.)
 */

import { createHash } from "node:crypto";
import type { Store } from "./port.ts";

/** One audit entry (the original shape, kept for existing callers). */
export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly la_code: string | null;
  readonly detail: Record<string, unknown>;
  /** What the action was done to (a user name, an indicator id, a file...). */
  readonly target?: string | null;
}

/** The hash the first chained entry points back to. */
export const GENESIS_HASH = "0".repeat(64);

type HashedFields = {
  readonly audit_id: number;
  readonly logged_at: string;
  readonly actor: string;
  readonly action: string;
  readonly la_code: string | null;
  readonly target: string | null;
  readonly detail: string;
};

/** The SHA-256 of an entry's fields chained to the previous entry's hash. */
export function entryHash(prevHash: string, f: HashedFields): string {
  const canonical = JSON.stringify([f.audit_id, f.logged_at, f.actor, f.action, f.la_code, f.target, f.detail]);
  return createHash("sha256").update(`${prevHash}\n${canonical}`).digest("hex");
}

/** Append an entry. */
export async function audit(store: Store, e: AuditEntry, now: () => Date = () => new Date()): Promise<void> {
  // Entries are written one at a time so the chain never forks (two entries with the same
  // predecessor), by the store itself: on DuckDB its transactions run one after another, and on
  // PostgreSQL the lock below is held until the entry's transaction commits. Not by a queue in this
  // process as well: an entry written inside a caller's transaction (a load's commit) would queue
  // behind one from outside it that waits for that very transaction to end, and neither would end.
  await store.transaction(async () => {
    // Another process on the same database appends too: it waits here until this entry commits.
    await store.transactionLock("audit");
    const [r] = await store.all<{ id: number | null }>(`SELECT max(audit_id) AS id FROM lantern_audit`);
    const id = (r?.id ?? 0) + 1;
    const [last] = await store.all<{ entry_hash: string | null }>(
      `SELECT entry_hash FROM lantern_audit WHERE entry_hash IS NOT NULL ORDER BY audit_id DESC LIMIT 1`,
    );
    const prev = last?.entry_hash ?? GENESIS_HASH;
    const f: HashedFields = {
      audit_id: id,
      logged_at: now().toISOString(),
      actor: e.actor,
      action: e.action,
      la_code: e.la_code,
      target: e.target ?? null,
      detail: JSON.stringify(e.detail),
    };
    await store.run(
      `INSERT INTO lantern_audit (audit_id, logged_at, actor, action, la_code, detail, target, prev_hash, entry_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [f.audit_id, f.logged_at, f.actor, f.action, f.la_code, f.detail, f.target, prev, entryHash(prev, f)],
    );
  });
}

/** What callers outside the store (web routes, CLI commands) record. */
export interface AuditEvent {
  /** Who did it: a user name, `anonymous`, or `system`. */
  readonly actor: string;
  /** Dotted action name, e.g. `auth.sign_in`, `records.view`, `target.change`. */
  readonly action: string;
  readonly target?: string | null;
  readonly detail?: Record<string, unknown>;
  readonly laCode?: string | null;
}

/** Record one event in the audit log. */
export function auditEvent(store: Store, e: AuditEvent, now?: () => Date): Promise<void> {
  return audit(store, { actor: e.actor, action: e.action, la_code: e.laCode ?? null, target: e.target ?? null, detail: e.detail ?? {} }, now);
}

/** The result of checking the chain. */
export interface AuditChainReport {
  readonly ok: boolean;
  /** Entries whose hash was checked. */
  readonly checked: number;
  /** Entries written before the chain existed (no hash). */
  readonly unchained: number;
  /** The first entry where the chain breaks, and why. */
  readonly brokenAt?: { readonly auditId: number; readonly reason: string };
  /** The newest chained entry: recorded somewhere else, it lets a later check see entries removed from the end. */
  readonly head?: { readonly auditId: number; readonly hash: string };
}

/** An entry recorded from an earlier check (`ID:HASH`, the hash in full or its first 12 or more hex digits). */
export interface AuditHead {
  readonly auditId: number;
  readonly hash: string;
}

/** Parse `ID:HASH` as `lantern audit --verify` prints it; undefined when it is not one. */
export function parseAuditHead(text: string): AuditHead | undefined {
  const m = /^(\d+):([0-9a-f]{12,64})$/i.exec(text.trim());
  return m ? { auditId: Number(m[1]), hash: m[2]!.toLowerCase() } : undefined;
}

/**
 * Recompute every chained entry's hash and check it links to the one before. A chain alone cannot
 * show that its newest entries (or all of them) were removed: given `expect`, the head recorded
 * by an earlier check, the entry it names must still be there with the same hash.
 */
export async function verifyAuditChain(store: Store, expect?: AuditHead): Promise<AuditChainReport> {
  const rows = await store.all<HashedFields & { prev_hash: string | null; entry_hash: string | null }>(
    `SELECT audit_id, logged_at, actor, action, la_code, target, detail, prev_hash, entry_hash FROM lantern_audit ORDER BY audit_id`,
  );
  // Entries up to this id were written before the chain existed (recorded when the store was
  // upgraded); every later one must carry a hash, or its hash (and perhaps entries) were removed.
  const [setting] = await store.all<{ value: string }>(`SELECT value FROM lantern_setting WHERE name = 'audit_chain_after'`);
  const chainAfter = setting ? Number(setting.value) : Number.POSITIVE_INFINITY;
  let prev: string | null = null;
  let checked = 0;
  let unchained = 0;
  let expectedId: number | null = null;
  // Ids are given in order from 1: a gap is an entry removed, chained or not.
  let nextId = 1;
  for (const r of rows) {
    if (r.audit_id !== nextId) return { ok: false, checked, unchained, brokenAt: { auditId: r.audit_id, reason: `entry ${nextId} is missing` } };
    nextId = r.audit_id + 1;
    if (r.entry_hash === null) {
      if (prev !== null) return { ok: false, checked, unchained, brokenAt: { auditId: r.audit_id, reason: "an entry after the chain began has no hash" } };
      if (r.audit_id > chainAfter) return { ok: false, checked, unchained, brokenAt: { auditId: r.audit_id, reason: `it has no hash, though the chain began after entry ${chainAfter}: its hash was removed` } };
      unchained++;
      continue;
    }
    const want: string = prev ?? GENESIS_HASH;
    if (expectedId !== null && r.audit_id !== expectedId) {
      return { ok: false, checked, unchained, brokenAt: { auditId: r.audit_id, reason: `entry ${expectedId} is missing` } };
    }
    if (r.prev_hash !== want) return { ok: false, checked, unchained, brokenAt: { auditId: r.audit_id, reason: "it does not point to the entry before it (an entry was removed or inserted)" } };
    if (entryHash(want, r) !== r.entry_hash) return { ok: false, checked, unchained, brokenAt: { auditId: r.audit_id, reason: "its contents were changed after it was written" } };
    prev = r.entry_hash;
    expectedId = r.audit_id + 1;
    checked++;
    if (expect && r.audit_id === expect.auditId && !r.entry_hash.startsWith(expect.hash)) {
      return { ok: false, checked, unchained, brokenAt: { auditId: r.audit_id, reason: `its hash is not the one recorded for it earlier (${expect.hash.slice(0, 12)}…): the log was rewritten from this entry or before` } };
    }
  }
  const head = prev !== null && expectedId !== null ? { auditId: expectedId - 1, hash: prev } : undefined;
  if (expect && (!head || head.auditId < expect.auditId)) {
    return {
      ok: false,
      checked,
      unchained,
      brokenAt: { auditId: expect.auditId, reason: `it was recorded earlier but is no longer there: ${head ? `the entries after ${head.auditId} were removed` : "the whole log was removed"}` },
      ...(head ? { head } : {}),
    };
  }
  return { ok: true, checked, unchained, ...(head ? { head } : {}) };
}

/** One row as the audit page shows it. */
export interface AuditRow {
  readonly auditId: number;
  readonly loggedAt: string;
  readonly actor: string;
  readonly action: string;
  readonly laCode: string | null;
  readonly target: string | null;
  readonly detail: string;
}

/** Filters for {@link listAudit}; dates are `YYYY-MM-DD`, inclusive. */
export interface AuditFilter {
  readonly actor?: string;
  /** An exact action, or a prefix ending in `*`. */
  readonly action?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly offset: number;
}

/** A page of audit entries, newest first, with the total that match. */
export async function listAudit(store: Store, f: AuditFilter): Promise<{ rows: AuditRow[]; total: number }> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, v: string) => {
    params.push(v);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (f.actor) add("actor = ?", f.actor);
  // An exact action, or every action under a prefix written with a trailing `*` (`auth.*`).
  if (f.action?.endsWith("*")) add(`substr(action, 1, ${f.action.length - 1}) = ?`, f.action.slice(0, -1));
  else if (f.action) add("action = ?", f.action);
  if (f.from) add("logged_at >= ?", f.from);
  // `to` is inclusive of the whole day: everything before the next day's ISO text.
  if (f.to) add("logged_at < ?", `${f.to}T99`);
  const w = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const [c] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_audit ${w}`, params);
  const rows = await store.all<{ audit_id: number; logged_at: string; actor: string; action: string; la_code: string | null; target: string | null; detail: string }>(
    `SELECT audit_id, logged_at, actor, action, la_code, target, detail FROM lantern_audit ${w} ORDER BY audit_id DESC LIMIT ${Math.trunc(f.limit)} OFFSET ${Math.trunc(f.offset)}`,
    params,
  );
  return {
    total: c?.n ?? 0,
    rows: rows.map((r) => ({ auditId: r.audit_id, loggedAt: r.logged_at, actor: r.actor, action: r.action, laCode: r.la_code, target: r.target, detail: r.detail })),
  };
}

/** The distinct actions recorded, for the filter's choices. */
export async function auditActions(store: Store): Promise<string[]> {
  return (await store.all<{ action: string }>(`SELECT DISTINCT action FROM lantern_audit ORDER BY action`)).map((r) => r.action);
}
