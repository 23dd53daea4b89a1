/**
 * @module
 * The append-only audit log: every data load, child-level view and export. Entries are only
 * ever inserted; nothing in Lantern updates or deletes them.
 */

import type { Store } from "./port.ts";

/** One audit entry. */
export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly la_code: string | null;
  readonly detail: Record<string, unknown>;
}

/** Append an entry. */
export async function audit(store: Store, e: AuditEntry, now: () => Date = () => new Date()): Promise<void> {
  await store.transaction(async () => {
    const [r] = await store.all<{ id: number | null }>(`SELECT max(audit_id) AS id FROM lantern_audit`);
    await store.run(`INSERT INTO lantern_audit (audit_id, logged_at, actor, action, la_code, detail) VALUES ($1, $2, $3, $4, $5, $6)`, [
      (r?.id ?? 0) + 1,
      now().toISOString(),
      e.actor,
      e.action,
      e.la_code,
      JSON.stringify(e.detail),
    ]);
  });
}
