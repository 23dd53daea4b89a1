/**
 * @module
 * The web tests' set-up: a small demo authority (generated, loaded and computed by `lantern demo
 * --no-serve`, as a new user would) in a temporary store, the app built on it, and a multipart
 * body builder for uploads. With `signIn: true` the app is the one `lantern serve` runs (the auth
 * plugin, the demo accounts, plain-http cookies for loopback); otherwise the page tests choose
 * the user per request with the `x-test-user` header (one user of each role below).
 */

import type { FastifyInstance } from "fastify";
import { main } from "../src/cli/main.ts";
import type { Output } from "../src/cli/output.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import type { Store } from "../src/store/port.ts";
import type { Role, SessionUser } from "../src/web/access.ts";
import { buildServer } from "../src/web/server.ts";
import { type StoreKind, tempDir, testStoreKind } from "./fixtures.ts";
import { freshDatabase } from "./postgres-cluster.ts";

/** One user of each role; the manager is granted the front door only. */
export const USERS: Record<Role, SessionUser> = {
  admin: { id: "u1", username: "ada", displayName: "Ada Admin", role: "admin", areas: [] },
  analyst: { id: "u2", username: "ann", displayName: "Ann Analyst", role: "analyst", areas: [] },
  manager: { id: "u3", username: "max", displayName: "Max Manager", role: "manager", areas: ["front_door"] },
  member: { id: "u4", username: "mel", displayName: "Cllr Mel Member", role: "member", areas: [] },
};

export const CSRF = "test-csrf-token";

/**
 * A demo store and the app on it. Without `signIn` the user is chosen per request with the
 * `x-test-user` header; with it, requests must sign in through the real form.
 */
export async function demoApp(o: { signIn?: boolean; kind?: StoreKind } = {}): Promise<{ app: FastifyInstance; store: Store; dataDir: string; close: () => Promise<void> }> {
  const kind = o.kind ?? testStoreKind();
  const t = tempDir("lantern-web-");
  const quiet: Output = { out: () => {}, err: () => {}, isTTY: false, color: false };
  // On PostgreSQL, `lantern demo` (which reads LANTERN_DATABASE_URL like every command) fills a fresh database.
  const db = kind === "postgres" ? await freshDatabase() : undefined;
  const before = process.env["LANTERN_DATABASE_URL"];
  if (db) process.env["LANTERN_DATABASE_URL"] = db.url;
  let code: number;
  try {
    code = await main(["demo", "--data", t.dir, "--population", "1500", "--no-serve"], quiet);
  } finally {
    if (before === undefined) delete process.env["LANTERN_DATABASE_URL"];
    else process.env["LANTERN_DATABASE_URL"] = before;
  }
  if (code !== 0) throw new Error(`lantern demo exited ${code}`);
  const store = await openStore(storeConfig(t.dir, db ? { LANTERN_DATABASE_URL: db.url } : {}));
  const app = o.signIn
    ? await buildServer({ store, dataDir: t.dir, auth: { secureCookies: false } })
    : await buildServer({
        store,
        dataDir: t.dir,
        authenticate: (req) => USERS[String(req.headers["x-test-user"] ?? "") as Role] ?? null,
        csrfToken: () => CSRF,
      });
  return {
    app,
    store,
    dataDir: t.dir,
    close: async () => {
      await app.close();
      await store.close();
      await db?.drop();
      t.cleanup();
    },
  };
}

/** A multipart/form-data body of fields and files, for `inject`. */
export function multipart(fields: Record<string, string>, files: Record<string, string>): { payload: Buffer; headers: Record<string, string> } {
  const boundary = "----lanternTestBoundary7MA4YWxkTrZu0gW";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  for (const [name, text] of Object.entries(files)) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${text}\r\n`);
  parts.push(`--${boundary}--\r\n`);
  return { payload: Buffer.from(parts.join("")), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}
