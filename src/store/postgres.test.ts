// A PostgreSQL URL is shown, logged and recorded (backups, the audit log) without its password,
// however the password was written.
import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { tempDir, testStoreKind } from "../../test/fixtures.ts";
import { clusterUrl, freshDatabase } from "../../test/postgres-cluster.ts";
import { isLanternError } from "../core/errors.ts";
import { openStore, storeConfig } from "./open.ts";
import { redactUrl } from "./postgres.ts";

test("redactUrl hides a password in the user information, unencoded, or given as a parameter", () => {
  assert.equal(redactUrl("postgres://lantern:s3cret@db.example:5432/lantern"), "postgres://lantern:***@db.example:5432/lantern");
  assert.equal(redactUrl("postgres://lantern:p@ss/w#rd@db.example/lantern"), "postgres://lantern:***@db.example/lantern");
  assert.equal(redactUrl("postgresql://lantern@db.example/lantern?password=s3cret&sslmode=require"), "postgresql://lantern@db.example/lantern?password=***&sslmode=require");
  assert.equal(redactUrl("postgres://db.example/lantern?sslmode=require&sslpassword=k3y"), "postgres://db.example/lantern?sslmode=require&sslpassword=***");
  assert.equal(redactUrl("postgres://lantern@/lantern?host=/var/run/postgresql"), "postgres://lantern@/lantern?host=/var/run/postgresql");
  assert.equal(redactUrl("not a url s3cret"), "postgres://…");
});

test("a database role that cannot create Lantern's tables is refused when the store opens, saying what it needs", { skip: testStoreKind() !== "postgres" ? "PostgreSQL only" : false }, async () => {
  const db = await freshDatabase();
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const role = `nocreate_${process.pid}_${Date.now().toString(36)}`;
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw-not-secret'`);
    await admin.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    const u = new URL(db.url);
    u.username = role;
    u.password = "pw-not-secret";
    const dir = tempDir();
    try {
      await assert.rejects(openStore(storeConfig(dir.dir, { LANTERN_DATABASE_URL: u.toString() })), (e: unknown) => {
        assert.ok(isLanternError(e), String(e));
        assert.equal(e.code, "LANTERN_STORE_FAILED");
        assert.match(e.message, /cannot create or change Lantern's tables/);
        assert.match(e.hint ?? "", /GRANT CREATE ON SCHEMA public TO lantern/);
        assert.doesNotMatch(e.message, /pw-not-secret/);
        return true;
      });
    } finally {
      dir.cleanup();
    }
  } finally {
    await admin.end();
    await db.drop();
    const c = new pg.Client({ connectionString: clusterUrl() });
    await c.connect();
    await c.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await c.end();
  }
});
