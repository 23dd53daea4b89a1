import assert from "node:assert/strict";
import { test } from "node:test";
import { tempStore } from "../../../test/fixtures.ts";
import { verifyAuditChain } from "../../store/audit.ts";
import { authenticate, type LoginPolicy } from "./login.ts";
import { createSession, hashToken, revokeSession, SESSION_CACHE_MS, validateSession } from "./sessions.ts";
import { createUser, DEMO_PASSWORD, ensureDemoUsers, findUserByUsername, listUsers, setDisabled, setPassword, setRole } from "./users.ts";

const PW = "correct horse battery";
const T0 = Date.parse("2026-05-01T09:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms);
const MIN = 60_000;

test("users: argon2id hashes, normalised names, checked roles and areas, duplicates refused", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const u = await createUser(store, { username: " Alice ", role: "manager", areas: ["front_door", "children_in_need", "front_door"], password: PW }, "test");
    assert.equal(u.username, "alice");
    assert.deepEqual(u.areas, ["children_in_need", "front_door"]);
    const stored = await findUserByUsername(store, "ALICE");
    assert.match(stored!.passwordHash!, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!stored!.passwordHash!.includes(PW));
    await assert.rejects(createUser(store, { username: "alice", role: "member", password: PW }, "test"), { code: "LANTERN_AUTH_USER_EXISTS" });
    await assert.rejects(createUser(store, { username: "bob", role: "superuser", password: PW }, "test"), { code: "LANTERN_AUTH_BAD_ROLE" });
    await assert.rejects(createUser(store, { username: "bob", role: "manager", areas: ["nowhere"], password: PW }, "test"), { code: "LANTERN_AUTH_BAD_AREA" });
    await assert.rejects(createUser(store, { username: "bob", role: "member", password: "short" }, "test"), { code: "LANTERN_AUTH_WEAK_PASSWORD" });
    await assert.rejects(createUser(store, { username: "<script>", role: "member", password: PW }, "test"), { code: "LANTERN_AUTH_BAD_USERNAME" });
    // Only managers hold areas.
    const a = await createUser(store, { username: "ann", role: "analyst", areas: ["send"], password: PW }, "test");
    assert.deepEqual(a.areas, []);
    assert.deepEqual((await listUsers(store)).map((x) => x.username), ["alice", "ann"]);
  } finally {
    await cleanup();
  }
});

test("sessions: only the token's SHA-256 is stored; idle and absolute expiry; sliding at half the idle time", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const u = await createUser(store, { username: "ann", role: "analyst", password: PW }, "test");
    const policy = { idleMs: 30 * MIN, absoluteMs: 120 * MIN };
    const token = await createSession(store, u.id, "127.0.0.1", at(0), policy);
    assert.ok(Buffer.from(token, "base64url").length >= 20);
    const rows = await store.all<{ token_hash: string }>(`SELECT token_hash FROM lantern_session`);
    assert.deepEqual(rows, [{ token_hash: hashToken(token) }]);
    assert.notEqual(rows[0]!.token_hash, token);

    assert.equal((await validateSession(store, token, at(10 * MIN), policy))?.user.username, "ann");
    // 29 minutes idle: still valid (last seen at 0: 10 min < 15 so not slid).
    assert.ok(await validateSession(store, token, at(29 * MIN), policy));
    // That request was past half the idle time, so it slid last_seen to 29 min: 58 min is 29 idle.
    assert.ok(await validateSession(store, token, at(58 * MIN), policy));
    // 31 minutes idle: expired.
    assert.equal(await validateSession(store, token, at(89 * MIN + 1), policy), null);
    // Absolute lifetime ends it even when active.
    const t2 = await createSession(store, u.id, null, at(0), policy);
    for (let m = 20; m < 120; m += 20) assert.ok(await validateSession(store, t2, at(m * MIN), policy), `active at ${m}`);
    assert.equal(await validateSession(store, t2, at(120 * MIN), policy), null);
    // A forged token of the right shape, and junk, are refused.
    assert.equal(await validateSession(store, "A".repeat(43), at(0), policy), null);
    assert.equal(await validateSession(store, "x'; DROP TABLE lantern_user; --", at(0), policy), null);
    // Sign-out revokes.
    const t3 = await createSession(store, u.id, null, at(0), policy);
    await revokeSession(store, hashToken(t3), at(1));
    assert.equal(await validateSession(store, t3, at(2), policy), null);
  } finally {
    await cleanup();
  }
});

test("a change of role, password or status revokes the user's sessions and is audited", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await createUser(store, { username: "mo", role: "manager", areas: ["send"], password: PW }, "admin");
    const u = (await findUserByUsername(store, "mo"))!;
    const s1 = await createSession(store, u.id, null, at(0));
    assert.deepEqual((await validateSession(store, s1, at(1)))?.user.areas, ["send"]);
    await setRole(store, "mo", "member", [], "admin", () => at(2));
    assert.equal(await validateSession(store, s1, at(3)), null);

    const s2 = await createSession(store, u.id, null, at(4));
    await setPassword(store, "mo", "another long password", "admin", () => at(5));
    assert.equal(await validateSession(store, s2, at(6)), null);

    const s3 = await createSession(store, u.id, null, at(7));
    await setDisabled(store, "mo", true, "admin", () => at(8));
    assert.equal(await validateSession(store, s3, at(9)), null);

    const actions = await store.all<{ action: string; target: string }>(`SELECT action, target FROM lantern_audit ORDER BY audit_id`);
    assert.deepEqual(actions, [
      { action: "user.create", target: "mo" },
      { action: "user.role_change", target: "mo" },
      { action: "user.password_reset", target: "mo" },
      { action: "user.disable", target: "mo" },
    ]);
    const [rc] = await store.all<{ detail: string }>(`SELECT detail FROM lantern_audit WHERE action = 'user.role_change'`);
    assert.deepEqual(JSON.parse(rc!.detail), { from: { role: "manager", areas: ["send"] }, to: { role: "member", areas: [] }, sessionsRevoked: 1 });
    assert.equal((await verifyAuditChain(store)).ok, true);
  } finally {
    await cleanup();
  }
});

test("lockout: five failures in 15 minutes lock the account, even against the right password, until the window passes", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await createUser(store, { username: "ann", role: "analyst", password: PW }, "test");
    const policy: LoginPolicy = { maxFailures: 5, windowMs: 15 * MIN, maxAccountAttempts: 100, maxIpFailures: 100 };
    const reasons: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await authenticate(store, "ann", "wrong password!", "10.0.0.1", at(i * MIN), policy);
      reasons.push(r.ok ? "ok" : r.reason);
    }
    assert.deepEqual(reasons, ["invalid", "invalid", "invalid", "invalid", "locked"]);
    assert.deepEqual(await authenticate(store, "ann", PW, "10.0.0.1", at(6 * MIN), policy), { ok: false, reason: "locked" });
    // Just over 15 minutes after the first failure only four failures remain in the window (the
    // refused attempt at 6 minutes does not count): the right password works.
    assert.deepEqual(await authenticate(store, "ann", PW, "10.0.0.1", at(15 * MIN), policy), { ok: false, reason: "locked" });
    const ok = await authenticate(store, "ann", PW, "10.0.0.1", at(15 * MIN + 1), policy);
    assert.equal(ok.ok, true);
    // A success clears the count.
    assert.equal((await authenticate(store, "ann", "wrong password!", "10.0.0.1", at(16 * MIN), policy)).ok, false);
    assert.equal((await authenticate(store, "ann", PW, "10.0.0.1", at(17 * MIN), policy)).ok, true);

    const actions = (await store.all<{ action: string }>(`SELECT action FROM lantern_audit WHERE action LIKE 'auth.%' ORDER BY audit_id`)).map((r) => r.action);
    assert.deepEqual(actions, ["auth.sign_in_failed", "auth.sign_in_failed", "auth.sign_in_failed", "auth.sign_in_failed", "auth.sign_in_failed", "auth.lockout", "auth.sign_in_refused", "auth.sign_in_refused", "auth.sign_in_failed"]);
  } finally {
    await cleanup();
  }
});

test("per-account and per-address ceilings; unknown and disabled users fail like a wrong password", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await createUser(store, { username: "ann", role: "analyst", password: PW }, "test");
    await createUser(store, { username: "dee", role: "analyst", password: PW }, "test");
    await setDisabled(store, "dee", true, "test");
    const policy: LoginPolicy = { maxFailures: 100, windowMs: 15 * MIN, maxAccountAttempts: 3, maxIpFailures: 4 };
    assert.deepEqual(await authenticate(store, "nobody", PW, "10.0.0.9", at(0), policy), { ok: false, reason: "invalid" });
    assert.deepEqual(await authenticate(store, "dee", PW, "10.0.0.9", at(0), policy), { ok: false, reason: "invalid" });
    // Per account: three attempts of any kind, then refused.
    for (let i = 0; i < 3; i++) assert.equal((await authenticate(store, "ann", PW, `10.1.0.${i}`, at(i), policy)).ok, true);
    assert.deepEqual(await authenticate(store, "ann", PW, "10.1.0.9", at(10), policy), { ok: false, reason: "too_many" });
    // Per address: 10.0.0.9 has two failures; two more and it is refused for every account.
    await authenticate(store, "x1", "nope nope nope", "10.0.0.9", at(11), policy);
    await authenticate(store, "x2", "nope nope nope", "10.0.0.9", at(12), policy);
    await createUser(store, { username: "eve", role: "member", password: PW }, "test");
    assert.deepEqual(await authenticate(store, "eve", PW, "10.0.0.9", at(13), policy), { ok: false, reason: "too_many" });
    assert.equal((await authenticate(store, "eve", PW, "10.0.0.10", at(14), policy)).ok, true);
    // Attempts refused meanwhile do not keep the block going (everyone behind one proxy retrying):
    // 15 minutes after the last real failure the address may sign in, though it was refused four
    // more times ten minutes in.
    for (let i = 0; i < 4; i++) assert.deepEqual(await authenticate(store, "eve", PW, "10.0.0.9", at(10 * MIN + i), policy), { ok: false, reason: "too_many" });
    assert.equal((await authenticate(store, "ann", PW, "10.0.0.9", at(15 * MIN + 13), policy)).ok, true);
  } finally {
    await cleanup();
  }
});

test("wrong passwords sent at once are checked one at a time: no more than the lockout allows are tried", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await createUser(store, { username: "ann", role: "analyst", password: PW }, "test");
    const policy: LoginPolicy = { maxFailures: 5, windowMs: 15 * MIN, maxAccountAttempts: 100, maxIpFailures: 100 };
    const results = await Promise.all(Array.from({ length: 18 }, (_, i) => authenticate(store, "ann", `wrong password ${i}!`, "10.0.0.1", at(i), policy)));
    const [tried] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_login_attempt WHERE username = 'ann' AND outcome = 'failed'`);
    assert.equal(Number(tried!.n), 5, "five passwords checked, then the account is locked");
    assert.equal(results.filter((r) => !r.ok && r.reason === "locked").length, 14);
  } finally {
    await cleanup();
  }
});

test("ensureDemoUsers makes one account per role once, with the printed password", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const d = await ensureDemoUsers(store);
    assert.equal(d.password, DEMO_PASSWORD);
    assert.deepEqual(d.users, [
      { username: "admin", role: "admin" },
      { username: "analyst", role: "analyst" },
      { username: "manager", role: "manager" },
      { username: "member", role: "member" },
    ]);
    await ensureDemoUsers(store);
    assert.equal((await listUsers(store)).length, 4);
    assert.equal((await authenticate(store, "manager", DEMO_PASSWORD, "127.0.0.1", new Date())).ok, true);
  } finally {
    await cleanup();
  }
});

test("the session cache: a revocation in this process is immediate; one made behind its back holds for at most SESSION_CACHE_MS", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const u = await createUser(store, { username: "ann", role: "analyst", password: PW }, "test");
    const token = await createSession(store, u.id, null, at(0));
    assert.ok(await validateSession(store, token, at(1)));
    await store.run(`UPDATE lantern_session SET revoked_at = $1`, [at(2).toISOString()]);
    assert.ok(await validateSession(store, token, at(3)), "still cached");
    assert.equal(await validateSession(store, token, at(1 + SESSION_CACHE_MS)), null);

    const t2 = await createSession(store, u.id, null, at(0));
    assert.ok(await validateSession(store, t2, at(1)));
    await revokeSession(store, hashToken(t2), at(2));
    assert.equal(await validateSession(store, t2, at(3)), null);
  } finally {
    await cleanup();
  }
});

test("a change counts only the sessions that were live: one signed out, idle past its limit or past its lifetime had ended already", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const u = await createUser(store, { username: "ann", role: "analyst", password: PW }, "admin");
    const H = 60 * MIN;
    const change = 13 * H;
    await createSession(store, u.id, null, at(change - 10 * MIN)); // live
    await createSession(store, u.id, null, at(change - H)); // idle for an hour: ended at 30 minutes
    const old = await createSession(store, u.id, null, at(0)); // used 5 minutes ago, but past its 12 hours
    await store.run(`UPDATE lantern_session SET last_seen_at = $1 WHERE token_hash = $2`, [at(change - 5 * MIN).toISOString(), hashToken(old)]);
    const out = await createSession(store, u.id, null, at(change - 20 * MIN));
    await revokeSession(store, hashToken(out), at(change - 15 * MIN)); // signed out
    assert.deepEqual(await setPassword(store, "ann", "another long password", "admin", () => at(change)), { sessionsEnded: 1 });
    const live = await createSession(store, u.id, null, at(change + MIN));
    assert.ok(live);
    assert.deepEqual(await setDisabled(store, "ann", true, "admin", () => at(change + 2 * MIN)), { changed: true, sessionsEnded: 1 });
    const details = (await store.all<{ detail: string }>(`SELECT detail FROM lantern_audit WHERE action IN ('user.password_reset', 'user.disable') ORDER BY audit_id`)).map((r) => JSON.parse(r.detail).sessionsRevoked);
    assert.deepEqual(details, [1, 1], "the audit log records the sessions that were live, as the change says");
  } finally {
    await cleanup();
  }
});

test("enabling a user who is already enabled changes nothing: no sessions end, nothing is audited; disabling twice likewise", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const u = await createUser(store, { username: "ann", role: "analyst", password: PW }, "admin");
    const s1 = await createSession(store, u.id, null, at(0));
    assert.deepEqual(await setDisabled(store, "ann", false, "admin", () => at(1)), { changed: false, sessionsEnded: 0 });
    assert.equal((await validateSession(store, s1, at(2)))?.user.username, "ann", "still signed in");
    assert.deepEqual(await setDisabled(store, "ann", true, "admin", () => at(3)), { changed: true, sessionsEnded: 1 });
    assert.equal(await validateSession(store, s1, at(4)), null);
    assert.deepEqual(await setDisabled(store, "ann", true, "admin", () => at(5)), { changed: false, sessionsEnded: 0 });
    assert.deepEqual(await setDisabled(store, "ann", false, "admin", () => at(6)), { changed: true, sessionsEnded: 0 });
    assert.equal((await findUserByUsername(store, "ann"))!.disabled, false);
    const actions = (await store.all<{ action: string }>(`SELECT action FROM lantern_audit ORDER BY audit_id`)).map((r) => r.action);
    assert.deepEqual(actions, ["user.create", "user.disable", "user.enable"]);
  } finally {
    await cleanup();
  }
});

test("a password of spaces, one repeated character or a common one is refused on create and on reset, and nothing changes", async () => {
  const { store, cleanup } = await tempStore();
  try {
    for (const pw of [" ".repeat(12), "z".repeat(12), "password1234", "lanternlantern"]) {
      await assert.rejects(createUser(store, { username: "qa6", role: "member", password: pw }, "admin"), { code: "LANTERN_AUTH_WEAK_PASSWORD" });
    }
    assert.equal(await findUserByUsername(store, "qa6"), null);
    await createUser(store, { username: "qa6", role: "member", password: PW }, "admin");
    const before = (await findUserByUsername(store, "qa6"))!.passwordHash;
    await assert.rejects(setPassword(store, "qa6", " ".repeat(12), "admin"), { code: "LANTERN_AUTH_WEAK_PASSWORD", message: /only spaces/ });
    assert.equal((await findUserByUsername(store, "qa6"))!.passwordHash, before);
    assert.equal((await authenticate(store, "qa6", PW, "127.0.0.1", new Date())).ok, true);
  } finally {
    await cleanup();
  }
});
