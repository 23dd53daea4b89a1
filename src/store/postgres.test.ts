// A PostgreSQL URL is shown, logged and recorded (backups, the audit log) without its password,
// however the password was written.
import assert from "node:assert/strict";
import { test } from "node:test";
import { redactUrl } from "./postgres.ts";

test("redactUrl hides a password in the user information, unencoded, or given as a parameter", () => {
  assert.equal(redactUrl("postgres://lantern:s3cret@db.example:5432/lantern"), "postgres://lantern:***@db.example:5432/lantern");
  assert.equal(redactUrl("postgres://lantern:p@ss/w#rd@db.example/lantern"), "postgres://lantern:***@db.example/lantern");
  assert.equal(redactUrl("postgresql://lantern@db.example/lantern?password=s3cret&sslmode=require"), "postgresql://lantern@db.example/lantern?password=***&sslmode=require");
  assert.equal(redactUrl("postgres://db.example/lantern?sslmode=require&sslpassword=k3y"), "postgres://db.example/lantern?sslmode=require&sslpassword=***");
  assert.equal(redactUrl("postgres://lantern@/lantern?host=/var/run/postgresql"), "postgres://lantern@/lantern?host=/var/run/postgresql");
  assert.equal(redactUrl("not a url s3cret"), "postgres://…");
});
