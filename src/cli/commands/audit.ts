/**
 * @module
 * `lantern audit`: read the audit log from the command line, filtered like the admin page, and
 * check its hash chain (`--verify`), so an administrator can show that no entry was altered.
 */

import { LanternError } from "../../core/errors.ts";
import { listAudit, parseAuditHead, verifyAuditChain } from "../../store/audit.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, dateOption, intOption, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern audit [--user NAME] [--action ACTION] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit N] [--verify [--expect ID:HASH]]
              [--data DIR] [--json]

Show the audit log, newest first: sign-ins (and failed ones, refusals and lockouts), sign-outs,
users and role changes, data loads, child-level views and exports. --action takes an exact action
(auth.sign_in) or a prefix ending in * (auth.*). --from and --to keep the entries from and to
those days, both included, in UTC. --limit shows at most N entries (50 unless given).

--verify recomputes every entry's SHA-256 hash chain instead and says whether any entry was
changed, removed or inserted since it was written (exit 3 and the first broken entry if so). It
ends with the chain's head (ID:HASH). The chain alone cannot show that its newest entries, or all
of them, were deleted: keep the head somewhere the database's users cannot write (a committee
paper, a ticket, an email), and give it back later with --expect ID:HASH; that entry must still be
there, unchanged.

With --json: the entries as {"total","entries"}; with --verify, {"chain":{"ok","checked",...}},
and when the chain is broken an "error" ({"code","message","hint"}) beside it, exit 3.

Examples:
  lantern audit --user alice --from 2026-04-01
  lantern audit --action 'auth.*' --limit 100 --json
  lantern audit --verify
  lantern audit --verify --expect 1042:3f7a9c0d51e2b8a4      # needs the head an earlier --verify printed
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("audit", argv, {
    user: { type: "string" },
    action: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    limit: { type: "string" },
    verify: { type: "boolean", default: false },
    expect: { type: "string" },
  });
  const expect = values.expect === undefined ? undefined : parseAuditHead(values.expect);
  if (values.expect !== undefined && !expect) {
    throw new LanternError("LANTERN_BAD_OPTION", `--expect ${values.expect} is not an audit head; write it as ID:HASH, as \`lantern audit --verify\` prints it.`, { hint: "For example --expect 1042:3f7a9c0d51e2b8a4 (the hash in full or its first 12 or more hex digits)." });
  }
  if (expect && !values.verify) throw new LanternError("LANTERN_USAGE", "--expect goes with --verify.", { hint: "lantern audit --verify --expect ID:HASH" });
  // A real day, not only its form: 2026-13-01 would otherwise match nothing and read as "no entries".
  const from = dateOption("from", values.from);
  const to = dateOption("to", values.to);
  if (from && to && from > to) throw new LanternError("LANTERN_BAD_OPTION", `--from ${from} is after --to ${to}.`, { hint: "Give the earlier date as --from." });
  const limit = intOption("limit", values.limit, 50, 1, 100_000);
  const store = await openStore(storeConfig(values.data), { existing: true });
  try {
    if (values.verify) {
      const r = await verifyAuditChain(store, expect);
      const broken = r.ok
        ? undefined
        : new LanternError("LANTERN_AUDIT_TAMPERED", `The audit log has been altered: entry ${r.brokenAt!.auditId}: ${r.brokenAt!.reason}.`, {
            hint: "Restore the store from a backup taken before that entry, and find out who had write access to the database file.",
          });
      if (values.json) {
        // One document on stdout, as migrate-store does: the chain and, when broken, the error beside
        // it (printing the chain and then the thrown error gave two, which no JSON reader accepts).
        const error = broken && { code: broken.code, message: broken.message, hint: broken.hint, issues: broken.issues };
        o.out(`${JSON.stringify({ chain: r, ...(error ? { error } : {}) }, null, 2)}\n`);
        return broken?.exit ?? 0;
      }
      if (broken) throw broken;
      o.out(`The audit chain is intact: ${r.checked} entries checked${r.unchained ? `, ${r.unchained} older entries written before the chain began` : ""}${expect ? `, and entry ${expect.auditId} is as recorded` : ""}.\n`);
      if (r.head) o.out(`Head: ${r.head.auditId}:${r.head.hash.slice(0, 16)} (keep it elsewhere; \`lantern audit --verify --expect ${r.head.auditId}:${r.head.hash.slice(0, 16)}\` later shows whether entries were removed)\n`);
      return 0;
    }
    const { rows, total } = await listAudit(store, {
      limit,
      offset: 0,
      ...(values.user ? { actor: values.user } : {}),
      ...(values.action ? { action: values.action } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
    if (values.json) {
      o.out(`${JSON.stringify({ total, entries: rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown })) }, null, 2)}\n`);
      return 0;
    }
    if (!rows.length) {
      o.out("No audit entries match.\n");
      return 0;
    }
    o.out(table(["#", "when (UTC)", "who", "action", "on", "detail"], rows.map((r) => [r.auditId, r.loggedAt.slice(0, 19).replace("T", " "), r.actor, r.action, r.target ?? r.laCode ?? "", r.detail.slice(0, 80)])));
    if (total > rows.length) o.err(`Showing ${rows.length} of ${total}; use --limit or filters to see more.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export const auditCommand: Command = { name: "audit", help: HELP, run };
