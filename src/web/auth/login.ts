/**
 * @module
 * Checking a local sign-in: the password (Argon2id), the lockout (after `maxFailures` failed
 * attempts on one account within `windowMs` the account refuses even the right password until the
 * window has passed) and a per-account and per-IP ceiling on attempts, counted in the store so
 * they hold across restarts. Every attempt is recorded; failures, refusals and lockouts are
 * audited. The message shown never says whether the user name exists.
 */

import { auditEvent } from "../../store/audit.ts";
import type { Store } from "../../store/port.ts";
import { findUserByUsername, verifyPassword } from "./users.ts";
import type { SessionUser } from "./types.ts";

/** Limits on sign-in attempts. */
export interface LoginPolicy {
  /** Failed attempts on one account within `windowMs` that lock it. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Attempts (right or wrong) on one account within `windowMs` before further ones are refused. */
  readonly maxAccountAttempts: number;
  /** Failed attempts from one address within `windowMs` before further ones are refused. */
  readonly maxIpFailures: number;
}

export const DEFAULT_LOGIN_POLICY: LoginPolicy = { maxFailures: 5, windowMs: 15 * 60_000, maxAccountAttempts: 20, maxIpFailures: 50 };

/** The outcome of a sign-in attempt. */
export type LoginResult =
  | { readonly ok: true; readonly user: SessionUser }
  | { readonly ok: false; readonly reason: "invalid" | "locked" | "too_many" };

/** `ok`, `failed` (wrong password, unknown or disabled user) or `refused` (locked or over a ceiling; the password was not checked). */
type Outcome = "ok" | "failed" | "refused";

async function record(store: Store, username: string, ip: string, at: string, outcome: Outcome): Promise<void> {
  await store.run(`INSERT INTO lantern_login_attempt (username, ip, attempted_at, outcome) VALUES ($1, $2, $3, $4)`, [username, ip, at, outcome]);
}

/** Failed attempts on an account since the window began or its last success. */
async function recentFailures(store: Store, username: string, since: string): Promise<number> {
  const [r] = await store.all<{ n: number }>(
    `SELECT count(*) AS n FROM lantern_login_attempt WHERE username = $1 AND outcome = 'failed' AND attempted_at >= $2
       AND attempted_at > coalesce((SELECT max(attempted_at) FROM lantern_login_attempt WHERE username = $1 AND outcome = 'ok'), '')`,
    [username, since],
  );
  return r?.n ?? 0;
}

/** Is the account locked now (for showing a message without trying a password)? */
export async function isLocked(store: Store, username: string, now: Date, policy: LoginPolicy = DEFAULT_LOGIN_POLICY): Promise<boolean> {
  return (await recentFailures(store, username.trim().toLowerCase().slice(0, 64), new Date(now.getTime() - policy.windowMs).toISOString())) >= policy.maxFailures;
}

/**
 * Check a user name and password. Attempts on one account run one at a time, in this process and
 * (on PostgreSQL) across every server on the database: counted and checked at once, 18 wrong
 * passwords sent together were all checked against a lockout of 5.
 */
export async function authenticate(store: Store, rawUsername: string, password: string, ip: string, now: Date, policy: LoginPolicy = DEFAULT_LOGIN_POLICY): Promise<LoginResult> {
  const username = rawUsername.trim().toLowerCase().slice(0, 64);
  return store.exclusive([`login:${username}`], () => attempt(store, username, password, ip, now, policy));
}

async function attempt(store: Store, username: string, password: string, ip: string, now: Date, policy: LoginPolicy): Promise<LoginResult> {
  const at = now.toISOString();
  const since = new Date(now.getTime() - policy.windowMs).toISOString();
  const clock = () => now;

  const [acc] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_login_attempt WHERE username = $1 AND attempted_at >= $2`, [username, since]);
  // Only passwords checked and wrong count against an address: attempts refused while it is over
  // its ceiling do not, so the block ends a window after the last real failure, however many
  // people behind one proxy go on trying meanwhile.
  const [ipf] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_login_attempt WHERE ip = $1 AND outcome = 'failed' AND attempted_at >= $2`, [ip, since]);
  if ((acc?.n ?? 0) >= policy.maxAccountAttempts || (ipf?.n ?? 0) >= policy.maxIpFailures) {
    await record(store, username, ip, at, "refused");
    await auditEvent(store, { actor: username || "anonymous", action: "auth.sign_in_refused", target: username, detail: { ip, reason: "too many attempts" } }, clock);
    return { ok: false, reason: "too_many" };
  }
  if ((await recentFailures(store, username, since)) >= policy.maxFailures) {
    await record(store, username, ip, at, "refused");
    await auditEvent(store, { actor: username || "anonymous", action: "auth.sign_in_refused", target: username, detail: { ip, reason: "locked" } }, clock);
    return { ok: false, reason: "locked" };
  }

  const user = await findUserByUsername(store, username);
  const good = await verifyPassword(user && !user.disabled ? user.passwordHash : null, password);
  if (user && good && !user.disabled) {
    await record(store, username, ip, at, "ok");
    await store.run(`DELETE FROM lantern_login_attempt WHERE attempted_at < $1`, [new Date(now.getTime() - 24 * 3600_000).toISOString()]);
    return { ok: true, user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role, areas: user.role === "manager" ? user.areas : [] } };
  }
  await record(store, username, ip, at, "failed");
  await auditEvent(store, { actor: username || "anonymous", action: "auth.sign_in_failed", target: username, detail: { ip, knownUser: user !== null, disabled: user?.disabled ?? false } }, clock);
  if ((await recentFailures(store, username, since)) === policy.maxFailures) {
    await auditEvent(store, { actor: "system", action: "auth.lockout", target: username, detail: { ip, failures: policy.maxFailures, minutes: policy.windowMs / 60_000 } }, clock);
    return { ok: false, reason: "locked" };
  }
  return { ok: false, reason: "invalid" };
}
