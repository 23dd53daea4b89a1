/**
 * @module
 * Sessions, after the Lucia guidance: the cookie holds 32 random bytes (base64url); the store
 * holds only their SHA-256, so a copy of the database cannot be replayed as a cookie. A session
 * ends after an idle period or an absolute lifetime, whichever comes first; `last_seen_at` is
 * written at most once per half of the idle period, so most requests read and never write.
 * Changing a user's password, role or status revokes every session they hold. A validated
 * session is kept in memory for {@link SESSION_CACHE_MS} so most requests never touch the store.
 */

import { createHash, randomBytes } from "node:crypto";
import type { Store } from "../../store/port.ts";
import { isRole, type SessionUser } from "./types.ts";

/** How long sessions last. */
export interface SessionPolicy {
  /** Ends after this long without a request. */
  readonly idleMs: number;
  /** Ends this long after sign-in whatever happens. */
  readonly absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 };

/** SHA-256 (hex) of a session token: the only form the store keeps. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new random session token (32 bytes, base64url). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Start a session; returns the token for the cookie (never stored). */
export async function createSession(store: Store, userId: string, ip: string | null, now: Date, policy: SessionPolicy = DEFAULT_SESSION_POLICY): Promise<string> {
  const token = newToken();
  const t = now.toISOString();
  // Sessions that ended more than a day ago are of no further use; sign-in is a good time to tidy.
  await store.run(`DELETE FROM lantern_session WHERE expires_at < $1 OR revoked_at < $1`, [new Date(now.getTime() - 24 * 3600_000).toISOString()]);
  await store.run(`INSERT INTO lantern_session (token_hash, user_id, created_at, last_seen_at, expires_at, revoked_at, ip) VALUES ($1, $2, $3, $4, $5, NULL, $6)`, [
    hashToken(token),
    userId,
    t,
    t,
    new Date(now.getTime() + policy.absoluteMs).toISOString(),
    ip,
  ]);
  return token;
}

/** A validated session kept in memory for a few seconds, so most requests do not query the store. */
interface Cached {
  readonly user: SessionUser;
  lastSeen: number;
  readonly expires: number;
  readonly loadedAt: number;
}

/**
 * How long a validated session is trusted without asking the store again. Revocations made in
 * this process (sign-out, role, password or status changes) clear it at once; this bound only
 * matters for changes made by another process sharing a PostgreSQL store.
 */
export const SESSION_CACHE_MS = 5_000;
const caches = new WeakMap<Store, Map<string, Cached>>();

function cacheOf(store: Store): Map<string, Cached> {
  let c = caches.get(store);
  if (!c) {
    c = new Map();
    caches.set(store, c);
  }
  return c;
}

/**
 * The user a cookie's token belongs to, or null when it is unknown, revoked, expired or the user is
 * disabled; `endsAt` is when the session will end (epoch ms) unless it is used again first.
 */
export async function validateSession(
  store: Store,
  token: string,
  now: Date,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  opts: { readonly peek?: boolean } = {},
): Promise<{ user: SessionUser; tokenHash: string; endsAt: number; endsAtMaximum: boolean } | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const h = hashToken(token);
  const t = now.getTime();
  const cache = cacheOf(store);
  let c = cache.get(h);
  if (c && !(t >= c.loadedAt && t - c.loadedAt < SESSION_CACHE_MS)) {
    cache.delete(h);
    c = undefined;
  }
  if (!c) {
    const [s] = await store.all<{ user_id: string; last_seen_at: string; expires_at: string; revoked_at: string | null; username: string; display_name: string; role: string; disabled: boolean }>(
      `SELECT s.user_id, s.last_seen_at, s.expires_at, s.revoked_at, u.username, u.display_name, u.role, u.disabled
         FROM lantern_session s JOIN lantern_user u ON u.user_id = s.user_id WHERE s.token_hash = $1`,
      [h],
    );
    if (!s || s.revoked_at !== null || s.disabled || !isRole(s.role)) return null;
    const areas = s.role === "manager" ? (await store.all<{ area: string }>(`SELECT area FROM lantern_user_area WHERE user_id = $1 ORDER BY area`, [s.user_id])).map((r) => r.area) : [];
    c = { user: { id: s.user_id, username: s.username, displayName: s.display_name, role: s.role, areas }, lastSeen: Date.parse(s.last_seen_at), expires: Date.parse(s.expires_at), loadedAt: t };
    if (cache.size >= 10_000) cache.clear();
    cache.set(h, c);
  }
  if (t >= c.expires || t - c.lastSeen >= policy.idleMs) {
    cache.delete(h);
    return null;
  }
  // A peek (how long is left?) is not a use of the session, so it never renews it.
  if (!opts.peek && t - c.lastSeen >= policy.idleMs / 2) {
    await store.run(`UPDATE lantern_session SET last_seen_at = $1 WHERE token_hash = $2`, [now.toISOString(), h]);
    c.lastSeen = t;
  }
  // Whether it ends at its absolute lifetime, which using it cannot put off, rather than when idle.
  return { user: c.user, tokenHash: h, endsAt: Math.min(c.expires, c.lastSeen + policy.idleMs), endsAtMaximum: c.expires <= c.lastSeen + policy.idleMs };
}

/** End one session (sign-out). */
export async function revokeSession(store: Store, tokenHash: string, now: Date): Promise<void> {
  cacheOf(store).delete(tokenHash);
  await store.run(`UPDATE lantern_session SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL`, [now.toISOString(), tokenHash]);
}

/**
 * End every session a user holds (password, role or status changed); returns how many were live.
 * A session idle past its limit or past its lifetime had already ended, though not revoked, so it
 * is not counted: the count is said to an admin as the sessions the change ended.
 */
export async function revokeUserSessions(store: Store, userId: string, now: Date, policy: SessionPolicy = DEFAULT_SESSION_POLICY): Promise<number> {
  const cache = cacheOf(store);
  for (const [h, c] of cache) if (c.user.id === userId) cache.delete(h);
  const [c] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_session WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3`, [
    userId,
    now.toISOString(),
    new Date(now.getTime() - policy.idleMs).toISOString(),
  ]);
  await store.run(`UPDATE lantern_session SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, [now.toISOString(), userId]);
  return c?.n ?? 0;
}
