import assert from "node:assert/strict";
import { test } from "node:test";
import { capture, tempDir } from "../../../test/fixtures.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { authenticate } from "../../web/auth/login.ts";
import { findUserByUsername } from "../../web/auth/users.ts";
import { main } from "../main.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { makeUsersCommand } from "./users.ts";

test("lantern users add (password from stdin or generated), list, role, disable", async () => {
  const t = tempDir();
  try {
    const stdin = (text: string) => () => [Buffer.from(text)];
    const o1 = capture();
    assert.equal(await makeUsersCommand(stdin("first admin password\nignored\n")).run(["add", "Root", "--role", "admin", "--password-stdin", "--name", "Ruth Oot", "--data", t.dir], o1), 0);
    assert.equal(o1.stdout(), "Added root (admin).\n");

    const o2 = capture();
    assert.equal(await makeUsersCommand().run(["add", "mgr", "--role", "manager", "--areas", "send,front_door", "--data", t.dir], o2), 0);
    const generated = /Generated password \(shown once; give it to the user safely\): (\S+)\n/.exec(o2.stderr())![1]!;
    assert.equal(generated.length, 20);

    const o3 = capture();
    assert.equal(await makeUsersCommand().run(["list", "--json", "--data", t.dir], o3), 0);
    const list = JSON.parse(o3.stdout()).users.map((u: Record<string, unknown>) => [u["username"], u["displayName"], u["role"], u["areas"], u["disabled"]]);
    assert.deepEqual(list, [
      ["mgr", "mgr", "manager", ["front_door", "send"], false],
      ["root", "Ruth Oot", "admin", [], false],
    ]);

    const o4 = capture();
    assert.equal(await makeUsersCommand().run(["role", "mgr", "--role", "member", "--data", t.dir], o4), 0);
    assert.equal(o4.stdout(), "mgr is now member; they had no session open.\n");
    assert.equal(await makeUsersCommand().run(["disable", "mgr", "--data", t.dir], capture()), 0);

    const o5 = capture();
    assert.equal(await makeUsersCommand().run(["list", "--data", t.dir], o5), 0);
    assert.match(o5.stdout(), /^mgr\s+mgr\s+member\s+disabled\s+password$/m);

    const store = await openStore(storeConfig(t.dir, {}));
    try {
      assert.equal((await authenticate(store, "root", "first admin password", "127.0.0.1", new Date())).ok, true);
      assert.equal((await authenticate(store, "mgr", generated, "127.0.0.1", new Date())).ok, false);
      const actions = (await store.all<{ actor: string; action: string }>(`SELECT actor, action FROM lantern_audit WHERE action LIKE 'user.%' ORDER BY audit_id`)).map((r) => r.action);
      assert.deepEqual(actions, ["user.create", "user.create", "user.role_change", "user.disable"]);
    } finally {
      await store.close();
    }
  } finally {
    t.cleanup();
  }
});

test("lantern users refuses misuse with a hint: no subcommand, no role, a short password, a duplicate", async () => {
  const t = tempDir();
  try {
    const cmd = makeUsersCommand(() => [Buffer.from("short\n")]);
    await assert.rejects(cmd.run(["--data", t.dir], capture()), { code: "LANTERN_USAGE", hint: "Run `lantern users --help` for examples." });
    await assert.rejects(cmd.run(["add", "ann", "--data", t.dir], capture()), { code: "LANTERN_USAGE" });
    await assert.rejects(cmd.run(["add", "ann", "--role", "admin", "--password-stdin", "--data", t.dir], capture()), { code: "LANTERN_AUTH_WEAK_PASSWORD" });
    await assert.rejects(cmd.run(["add", "ann", "--role", "boss", "--data", t.dir], capture()), { code: "LANTERN_AUTH_BAD_ROLE" });
    assert.equal(await makeUsersCommand().run(["add", "ann", "--role", "analyst", "--data", t.dir], capture()), 0);
    await assert.rejects(makeUsersCommand().run(["add", "ann", "--role", "analyst", "--data", t.dir], capture()), { code: "LANTERN_AUTH_USER_EXISTS" });
    // Areas given for a role that sees every area would be dropped without a word.
    await assert.rejects(makeUsersCommand().run(["add", "bob", "--role", "analyst", "--areas", "front_door", "--data", t.dir], capture()), {
      code: "LANTERN_USAGE",
      message: "--areas applies to managers only: an analyst sees every area.",
    });
    await assert.rejects(makeUsersCommand().run(["role", "ann", "--role", "member", "--areas", "front_door", "--data", t.dir], capture()), { code: "LANTERN_USAGE" });
  } finally {
    t.cleanup();
  }
});

test("lantern users add and password check everything first: a refused change shows no password and creates nobody", async () => {
  const t = tempDir();
  try {
    assert.equal(await makeUsersCommand().run(["add", "ann", "--role", "analyst", "--data", t.dir], capture()), 0);
    const refused: [string[], string][] = [
      [["add", "bob", "--role", "superuser"], "LANTERN_AUTH_BAD_ROLE"],
      [["add", "bob", "--role", "manager", "--areas", "front_door,nowhere"], "LANTERN_AUTH_BAD_AREA"],
      [["add", "b", "--role", "admin"], "LANTERN_AUTH_BAD_USERNAME"],
      [["add", "ANN", "--role", "admin"], "LANTERN_AUTH_USER_EXISTS"],
      [["password", "nobody"], "LANTERN_AUTH_USER_NOT_FOUND"],
    ];
    for (const [args, code] of refused) {
      const o = capture();
      let read = false;
      const cmd = makeUsersCommand(() => {
        read = true;
        return [Buffer.from("a long enough password\n")];
      });
      await assert.rejects(cmd.run([...args, "--data", t.dir], o), { code }, args.join(" "));
      assert.doesNotMatch(o.stderr(), /password/i, `${args.join(" ")} printed a password`);
      assert.equal(o.stdout(), "");
      const viaStdin = capture();
      await assert.rejects(cmd.run([...args, "--password-stdin", "--data", t.dir], viaStdin), { code });
      assert.equal(read, false, `${args.join(" ")} read a password before refusing`);
    }
    const o = capture();
    assert.equal(await makeUsersCommand().run(["list", "--json", "--data", t.dir], o), 0);
    assert.deepEqual(
      JSON.parse(o.stdout()).users.map((u: { username: string }) => u.username),
      ["ann"],
    );
    const reset = capture();
    assert.equal(await makeUsersCommand().run(["password", "ann", "--data", t.dir], reset), 0);
    assert.match(reset.stderr(), /^Generated password \(shown once; give it to the user safely\): \S{20}\n$/);
  } finally {
    t.cleanup();
  }
});

test("lantern users enable on an enabled user changes nothing; a password of spaces or a common one is refused", async () => {
  const t = tempDir();
  try {
    assert.equal(await makeUsersCommand().run(["add", "ann", "--role", "analyst", "--data", t.dir], capture()), 0);
    const o = capture();
    assert.equal(await makeUsersCommand().run(["enable", "ann", "--data", t.dir], o), 0);
    assert.equal(o.stdout(), "ann is already enabled; nothing was changed.\n");
    assert.equal(await makeUsersCommand().run(["disable", "ann", "--data", t.dir], capture()), 0);
    const o2 = capture();
    assert.equal(await makeUsersCommand().run(["enable", "ann", "--data", t.dir], o2), 0);
    assert.equal(o2.stdout(), "ann is enabled.\n");
    for (const pw of [" ".repeat(12), "password1234", "q".repeat(20)]) {
      const cmd = makeUsersCommand(() => [Buffer.from(`${pw}\n`)]);
      await assert.rejects(cmd.run(["add", "bob", "--role", "member", "--password-stdin", "--data", t.dir], capture()), { code: "LANTERN_AUTH_WEAK_PASSWORD", message: /Use 12 to 256 characters, not only spaces/ });
      await assert.rejects(cmd.run(["password", "ann", "--password-stdin", "--data", t.dir], capture()), { code: "LANTERN_AUTH_WEAK_PASSWORD" });
    }
    const store = await openStore(storeConfig(t.dir, {}));
    try {
      assert.equal(await findUserByUsername(store, "bob"), null);
      const actions = (await store.all<{ action: string }>(`SELECT action FROM lantern_audit WHERE action LIKE 'user.%' ORDER BY audit_id`)).map((r) => r.action);
      assert.deepEqual(actions, ["user.create", "user.disable", "user.enable"]);
    } finally {
      await store.close();
    }
  } finally {
    t.cleanup();
  }
});

test("every lantern users subcommand prints one JSON object with --json", async () => {
  const t = tempDir();
  try {
    const json = async (args: string[], stdin = "") => {
      const o = capture();
      assert.equal(await makeUsersCommand(() => [Buffer.from(stdin)]).run([...args, "--json", "--data", t.dir], o), 0, o.stderr());
      return { out: JSON.parse(o.stdout()) as unknown, err: o.stderr() };
    };
    assert.deepEqual((await json(["add", "bob", "--role", "manager", "--areas", "send"])).out, { user: { username: "bob", role: "manager", areas: ["send"] } });
    // bob has never signed in: no change ends a session.
    const none = { sessionsEnded: false, sessionsEndedCount: 0 };
    assert.deepEqual((await json(["role", "bob", "--role", "analyst"])).out, { user: { username: "bob", role: "analyst", areas: [] }, ...none });
    assert.deepEqual((await json(["password", "bob", "--password-stdin"], "a long enough passphrase\n")).out, { user: { username: "bob" }, passwordChanged: true, generated: false, ...none });
    const made = await json(["password", "bob"]);
    assert.deepEqual(made.out, { user: { username: "bob" }, passwordChanged: true, generated: true, ...none });
    assert.match(made.err, /^Generated password \(shown once; give it to the user safely\): \S{20}\n$/);
    assert.deepEqual((await json(["disable", "bob"])).out, { user: { username: "bob", disabled: true }, changed: true, ...none });
    assert.deepEqual((await json(["disable", "bob"])).out, { user: { username: "bob", disabled: true }, changed: false, ...none });
    assert.deepEqual((await json(["enable", "bob"])).out, { user: { username: "bob", disabled: false }, changed: true, ...none });
    assert.equal(((await json(["list"])).out as { users: unknown[] }).users.length, 1);
  } finally {
    t.cleanup();
  }
});

test("lantern users role --json says how many sessions it ended, as the audit log records: 2 for a user signed in twice, none (sessionsEnded false) for one with none open", async () => {
  const t = tempDir();
  try {
    const { createSession } = await import("../../web/auth/sessions.ts");
    const run = async (args: string[]) => {
      const o = capture();
      assert.equal(await makeUsersCommand().run([...args, "--data", t.dir], o), 0, o.stderr());
      return o.stdout();
    };
    await run(["add", "bob", "--role", "analyst"]);
    const store = await openStore(storeConfig(t.dir, {}));
    try {
      const bob = (await findUserByUsername(store, "bob"))!;
      await createSession(store, bob.id, null, new Date());
      await createSession(store, bob.id, null, new Date());
    } finally {
      await store.close();
    }
    assert.deepEqual(JSON.parse(await run(["role", "bob", "--role", "member", "--json"])), { user: { username: "bob", role: "member", areas: [] }, sessionsEnded: true, sessionsEndedCount: 2 });
    assert.deepEqual(JSON.parse(await run(["role", "bob", "--role", "analyst", "--json"])), { user: { username: "bob", role: "analyst", areas: [] }, sessionsEnded: false, sessionsEndedCount: 0 });
    assert.equal(await run(["role", "bob", "--role", "member"]), "bob is now member; they had no session open.\n");
    const audited = await openStore(storeConfig(t.dir, {}));
    try {
      const rows = await audited.all<{ detail: string }>(`SELECT detail FROM lantern_audit WHERE action = 'user.role_change' ORDER BY audit_id`);
      assert.deepEqual(rows.map((r) => (JSON.parse(r.detail) as { sessionsRevoked: number }).sessionsRevoked), [2, 0, 0], "the JSON says what the audit log records");
    } finally {
      await audited.close();
    }
  } finally {
    t.cleanup();
  }
});

test("lantern users refuses a --data folder with no store (LANTERN_STORE_MISSING, exit 1) except for add, which may make the first admin", async () => {
  const t = tempDir();
  try {
    const missing = join(t.dir, "mistyped");
    const json = capture();
    assert.equal(await main(["users", "list", "--json", "--data", missing], json), 1);
    assert.equal(JSON.parse(json.stdout()).error.code, "LANTERN_STORE_MISSING");
    for (const args of [["list"], ["role", "bob", "--role", "analyst"], ["password", "bob"], ["disable", "bob"], ["enable", "bob"]]) {
      const o = capture();
      assert.equal(await main(["users", ...args, "--data", missing], o), 1, args.join(" "));
      assert.match(o.stderr(), /LANTERN_STORE_MISSING: There is no Lantern store in .*mistyped/);
      assert.equal(o.stdout(), "");
      assert.equal(existsSync(missing), false, `${args.join(" ")} made no store`);
    }
    const o = capture();
    assert.equal(await main(["users", "add", "alice", "--role", "admin", "--data", missing], o), 0, o.stderr());
    assert.equal(o.stdout(), "Added alice (admin).\n");
  } finally {
    t.cleanup();
  }
});
