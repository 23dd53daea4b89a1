/**
 * @module
 * Local accounts: create, list, change role and areas, disable, reset password. Passwords are
 * hashed with Argon2id (`@node-rs/argon2`, its defaults m=19456 KiB, t=2, p=1). Every change is
 * written to the audit log, and a change of password, role, areas or status revokes the user's
 * sessions so the change takes effect at once (asking for the status a user already has changes
 * nothing). What a password must be is in `password-policy.ts`.
 */

import { randomUUID } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { LanternError } from "../../core/errors.ts";
import { AREAS } from "../../kpi/types.ts";
import { auditEvent } from "../../store/audit.ts";
import type { Store } from "../../store/port.ts";
import { checkPassword, PASSWORD_MAX } from "./password-policy.ts";
import { revokeUserSessions } from "./sessions.ts";
import { isRole, type Role, type SessionUser } from "./types.ts";

/** A user as stored. */
export interface UserRecord extends SessionUser {
  readonly passwordHash: string | null;
  readonly oidcSubject: string | null;
  readonly disabled: boolean;
  readonly createdAt: string;
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/;
export { checkPassword, PASSWORD_MAX, PASSWORD_MIN, PASSWORD_RULE } from "./password-policy.ts";

/** Normalise and check a user name (lower case). */
export function checkUsername(raw: string): string {
  const u = raw.trim().toLowerCase();
  if (!USERNAME.test(u)) throw new LanternError("LANTERN_AUTH_BAD_USERNAME", `"${raw.slice(0, 80)}" is not a usable user name: use 2 to 64 letters, digits, dots, dashes, underscores or @.`);
  return u;
}

/** Check a role. */
export function checkRole(raw: string): Role {
  if (!isRole(raw)) throw new LanternError("LANTERN_AUTH_BAD_ROLE", `"${raw.slice(0, 40)}" is not a role: use admin, analyst, manager or member.`);
  return raw;
}

/** Check areas against the dashboard's area ids; only managers hold areas. */
export function checkAreas(role: Role, areas: readonly string[]): string[] {
  const known = new Set<string>(AREAS.map((a) => a.id));
  const out = [...new Set(areas.map((a) => a.trim()).filter(Boolean))].sort();
  for (const a of out) {
    if (!known.has(a)) throw new LanternError("LANTERN_AUTH_BAD_AREA", `"${a.slice(0, 40)}" is not an area.`, { hint: `Areas are: ${[...known].join(", ")}.` });
  }
  return role === "manager" ? out : [];
}

/** Argon2id hash of a password. */
export function hashPassword(pw: string): Promise<string> {
  return hash(pw);
}

/** A real hash of a random password, so a sign-in for an unknown user costs the same as for a known one. */
let dummyHash: Promise<string> | null = null;

/** Check a password against a stored hash (or against a dummy when there is none, to keep timing flat). */
export async function verifyPassword(stored: string | null, pw: string): Promise<boolean> {
  if (pw.length > PASSWORD_MAX) return false;
  if (stored === null) {
    dummyHash ??= hash(randomUUID());
    await verify(await dummyHash, pw).catch(() => false);
    return false;
  }
  return verify(stored, pw).catch(() => false);
}

interface UserRow {
  user_id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string | null;
  oidc_subject: string | null;
  disabled: boolean;
  created_at: string;
  [k: string]: string | number | boolean | null;
}

async function toRecord(store: Store, r: UserRow): Promise<UserRecord> {
  const areas = (await store.all<{ area: string }>(`SELECT area FROM lantern_user_area WHERE user_id = $1 ORDER BY area`, [r.user_id])).map((a) => a.area);
  return {
    id: r.user_id,
    username: r.username,
    displayName: r.display_name,
    role: isRole(r.role) ? r.role : "member",
    areas,
    passwordHash: r.password_hash,
    oidcSubject: r.oidc_subject,
    disabled: r.disabled,
    createdAt: r.created_at,
  };
}

const SELECT_USER = `SELECT user_id, username, display_name, role, password_hash, oidc_subject, disabled, created_at FROM lantern_user`;

/** Find a user by name (case-insensitive). */
export async function findUserByUsername(store: Store, username: string): Promise<UserRecord | null> {
  const [r] = await store.all<UserRow>(`${SELECT_USER} WHERE username = $1`, [username.trim().toLowerCase()]);
  return r ? toRecord(store, r) : null;
}

/** Find a user by id. */
export async function findUserById(store: Store, id: string): Promise<UserRecord | null> {
  const [r] = await store.all<UserRow>(`${SELECT_USER} WHERE user_id = $1`, [id]);
  return r ? toRecord(store, r) : null;
}

/** Find a user by their single sign-on subject (`issuer|sub`). */
export async function findUserByOidcSubject(store: Store, subject: string): Promise<UserRecord | null> {
  const [r] = await store.all<UserRow>(`${SELECT_USER} WHERE oidc_subject = $1`, [subject]);
  return r ? toRecord(store, r) : null;
}

/** Every user, by name. */
export async function listUsers(store: Store): Promise<UserRecord[]> {
  const rows = await store.all<UserRow>(`${SELECT_USER} ORDER BY username`);
  // One after another: inside a session or transaction every query shares one connection, which
  // takes one query at a time (the PostgreSQL driver warns of queries sent over each other).
  const out: UserRecord[] = [];
  for (const r of rows) out.push(await toRecord(store, r));
  return out;
}

async function writeAreas(store: Store, userId: string, areas: readonly string[]): Promise<void> {
  await store.run(`DELETE FROM lantern_user_area WHERE user_id = $1`, [userId]);
  for (const a of areas) await store.run(`INSERT INTO lantern_user_area (user_id, area) VALUES ($1, $2)`, [userId, a]);
}

/** What {@link createUser} needs. */
export interface NewUser {
  readonly username: string;
  readonly displayName?: string;
  readonly role: string;
  readonly areas?: readonly string[];
  /** Omit for a single sign-on account with no local password. */
  readonly password?: string;
  readonly oidcSubject?: string;
}

/** Create a user; `actor` is who did it (for the audit log). */
export async function createUser(store: Store, u: NewUser, actor: string, now: () => Date = () => new Date()): Promise<UserRecord> {
  const username = checkUsername(u.username);
  const role = checkRole(u.role);
  const areas = checkAreas(role, u.areas ?? []);
  if (u.password !== undefined) checkPassword(u.password, username);
  if (await findUserByUsername(store, username)) {
    throw new LanternError("LANTERN_AUTH_USER_EXISTS", `There is already a user called ${username}.`, { hint: "Choose another name, or change that user's role instead." });
  }
  const passwordHash = u.password === undefined ? null : await hashPassword(u.password);
  const id = randomUUID();
  const t = now().toISOString();
  const displayName = (u.displayName ?? "").trim().slice(0, 120) || username;
  await store.transaction(async () => {
    await store.run(
      `INSERT INTO lantern_user (user_id, username, display_name, role, password_hash, oidc_subject, disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, false, $7, $7)`,
      [id, username, displayName, role, passwordHash, u.oidcSubject ?? null, t],
    );
    await writeAreas(store, id, areas);
  });
  await auditEvent(store, { actor, action: "user.create", target: username, detail: { role, areas, sso: u.oidcSubject !== undefined } }, now);
  return { id, username, displayName, role, areas, passwordHash, oidcSubject: u.oidcSubject ?? null, disabled: false, createdAt: t };
}

async function mustFind(store: Store, username: string): Promise<UserRecord> {
  const u = await findUserByUsername(store, username);
  if (!u) throw new LanternError("LANTERN_AUTH_USER_NOT_FOUND", `There is no user called ${username.slice(0, 80)}.`, { hint: "Run `lantern users list` to see the users." });
  return u;
}

/** The sessions a change ended, in words (the CLI and the Users page say the same). */
export function sessionsEndedInWords(n: number): string {
  return n === 0 ? "they had no session open" : n === 1 ? "their session has ended" : `their ${n} sessions have ended`;
}

/** Change a user's role and areas; their sessions end (`sessionsEnded`: how many were open, as audited). */
export async function setRole(store: Store, username: string, rawRole: string, rawAreas: readonly string[], actor: string, now: () => Date = () => new Date()): Promise<UserRecord & { readonly sessionsEnded: number }> {
  const u = await mustFind(store, username);
  const role = checkRole(rawRole);
  const areas = checkAreas(role, rawAreas);
  await store.transaction(async () => {
    await store.run(`UPDATE lantern_user SET role = $1, updated_at = $2 WHERE user_id = $3`, [role, now().toISOString(), u.id]);
    await writeAreas(store, u.id, areas);
  });
  const revoked = await revokeUserSessions(store, u.id, now());
  await auditEvent(store, { actor, action: "user.role_change", target: u.username, detail: { from: { role: u.role, areas: u.areas }, to: { role, areas }, sessionsRevoked: revoked } }, now);
  return { ...u, role, areas, sessionsEnded: revoked };
}

/**
 * Disable or re-enable a user; disabling ends their sessions. A user already in that state is left
 * alone (`changed: false`: no update, no audit entry, and above all no sessions revoked): enabling
 * an active user used to sign them out, and an admin "enabling" themselves signed themselves out.
 */
export async function setDisabled(store: Store, username: string, disabled: boolean, actor: string, now: () => Date = () => new Date()): Promise<{ changed: boolean; sessionsEnded: number }> {
  const u = await mustFind(store, username);
  if (u.disabled === disabled) return { changed: false, sessionsEnded: 0 };
  await store.run(`UPDATE lantern_user SET disabled = $1, updated_at = $2 WHERE user_id = $3`, [disabled, now().toISOString(), u.id]);
  const revoked = await revokeUserSessions(store, u.id, now());
  await auditEvent(store, { actor, action: disabled ? "user.disable" : "user.enable", target: u.username, detail: { sessionsRevoked: revoked } }, now);
  return { changed: true, sessionsEnded: revoked };
}

/** Set a new password; the user's sessions end (`sessionsEnded`: how many were open, as audited). */
export async function setPassword(store: Store, username: string, password: string, actor: string, now: () => Date = () => new Date()): Promise<{ sessionsEnded: number }> {
  const u = await mustFind(store, username);
  checkPassword(password, u.username);
  const h = await hashPassword(password);
  await store.run(`UPDATE lantern_user SET password_hash = $1, updated_at = $2 WHERE user_id = $3`, [h, now().toISOString(), u.id]);
  const revoked = await revokeUserSessions(store, u.id, now());
  await auditEvent(store, { actor, action: "user.password_reset", target: u.username, detail: { sessionsRevoked: revoked } }, now);
  return { sessionsEnded: revoked };
}

/** The demo sign-in password, printed by `lantern demo`. Demo stores only. */
export const DEMO_PASSWORD = "lantern-demo-password";

/** The demo accounts: one per role. */
export const DEMO_USERS: readonly { username: string; role: Role; areas: readonly string[]; displayName: string }[] = [
  { username: "admin", role: "admin", areas: [], displayName: "Demo administrator" },
  { username: "analyst", role: "analyst", areas: [], displayName: "Demo analyst" },
  { username: "manager", role: "manager", areas: ["front_door", "children_in_need"], displayName: "Demo manager (front door, children in need)" },
  { username: "member", role: "member", areas: [], displayName: "Demo elected member" },
];

/** Create the demo accounts that do not exist yet; returns the sign-ins to print. */
export async function ensureDemoUsers(store: Store): Promise<{ password: string; users: { username: string; role: Role }[] }> {
  for (const d of DEMO_USERS) {
    if (await findUserByUsername(store, d.username)) continue;
    await createUser(store, { username: d.username, role: d.role, areas: d.areas, displayName: d.displayName, password: DEMO_PASSWORD }, "lantern demo");
  }
  return { password: DEMO_PASSWORD, users: DEMO_USERS.map((d) => ({ username: d.username, role: d.role })) };
}
