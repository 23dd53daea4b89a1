/**
 * @module
 * `lantern serve`: the web application on this machine. It opens the store once and keeps it
 * open (DuckDB has one writer; uploads are loaded in-process), listens on 127.0.0.1 unless told
 * otherwise, and stops cleanly on Ctrl+C. `lantern demo` ends by calling {@link startServer}.
 */

import { createHash, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import type { FastifyInstance } from "fastify";
import { LanternError } from "../../core/errors.ts";
import { computeUncomputed } from "../../kpi/compute.ts";
import { resolveTargets } from "../../kpi/targets.ts";
import { openStore, SERVE_APPLICATION, storeConfig } from "../../store/open.ts";
import type { Store } from "../../store/port.ts";
import { oidcOptionsFromEnv } from "../../web/auth/config.ts";
import { createUser, listUsers } from "../../web/auth/users.ts";
import { buildServer } from "../../web/server.ts";
import { type Command, intOption, parse } from "../command.ts";
import type { Output } from "../output.ts";

const HELP = `lantern serve [--port N] [--host 127.0.0.1] [--data DIR] [--json]

Start the web application: the dashboard, indicator pages with SPC charts, the system flow, the
early-warning digest, uploads of new SSD files, targets, annotations and commentary. Pages are
made on this machine and nothing is fetched from any other site. Stop it with Ctrl+C. An
authority whose latest load has no figures yet (its compute was stopped part way) is computed
before the server starts listening.

Everyone signs in. Make accounts with \`lantern users add NAME --role admin\` before starting, or
let the first start make an administrator and print its password once; admins then manage
users in the browser (Users). Roles: admin, analyst, manager (child-
level records only for the areas granted), member (aggregates only, small numbers suppressed).

By default it listens on 127.0.0.1 only, so only this machine can reach it. To serve a team, put
it behind your HTTPS reverse proxy and listen on an internal address (--host 0.0.0.0): cookies
are then sent over HTTPS only (__Host- prefix, Secure, HttpOnly, SameSite).

Environment:
  LANTERN_SECURE_COOKIES=0|1   override the cookie setting (default: 1 unless the host is loopback)
  LANTERN_SECRET=...           key for form tokens (32+ characters); set the same value on every
                               instance that serves the same users (random per process otherwise)
  LANTERN_TRUST_PROXY=ADDR,...  the reverse proxies' addresses (or CIDR ranges such as 10.0.0.0/24):
                               their X-Forwarded-For names the client, so sign-in limits and the
                               audit log are per client, not per proxy (unset: no header is believed)
  LANTERN_OIDC_ISSUER, LANTERN_OIDC_CLIENT_ID, LANTERN_OIDC_REDIRECT_URI, LANTERN_OIDC_ROLE_MAP …
                               single sign-on with your organisation's OpenID Connect provider
                               (Entra ID and others): see docs/web.md

Options:
  --port N      the port to listen on (default 8080; 0 picks a free one)
  --host ADDR   the address to listen on (default 127.0.0.1)
  --json        once listening, print one line of JSON on stdout instead of the startup
                lines: {"url","host","port","store","data","pid","firstAdmin","warnings"}
                (with --port 0, the port picked); nothing else is written to stdout

Examples:
  lantern users add alice --role admin
  lantern serve
  lantern serve --port 3000 --data /srv/lantern-data
  lantern serve --port 0 --json
  LANTERN_SECRET=$(cat /etc/lantern/secret) lantern serve --host 0.0.0.0
`;

/** Whether an address reaches only this machine (cookies may then go over plain http). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The reverse proxies to believe (`LANTERN_TRUST_PROXY`: addresses or CIDR ranges, comma
 * separated), or none. Everything (`*`, `true`) is refused: any client could then claim to be any
 * address, and slip past the sign-in limits.
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env["LANTERN_TRUST_PROXY"]?.trim();
  if (!raw) return [];
  const entries = raw.split(",").map((x) => x.trim()).filter(Boolean);
  const bad = entries.filter((e) => {
    const [addr, bits, ...more] = e.split("/");
    if (more.length || !addr || !isIP(addr)) return true;
    if (bits === undefined) return false;
    const max = isIP(addr) === 4 ? 32 : 128;
    return !/^\d{1,3}$/.test(bits) || Number(bits) > max;
  });
  if (bad.length) {
    throw new LanternError("LANTERN_BAD_OPTION", `LANTERN_TRUST_PROXY holds ${bad.map((b) => JSON.stringify(b)).join(", ")}, which ${bad.length === 1 ? "is not an address" : "are not addresses"} or CIDR range${bad.length === 1 ? "" : "s"}.`, {
      hint: "List your reverse proxies' addresses, comma separated, such as 10.0.0.5 or 10.0.0.0/24. Trusting every address would let any client choose the address it signs in from.",
    });
  }
  return entries;
}

/**
 * Where the server can be reached, for the startup line: the address it listens on, or for every
 * address (`0.0.0.0`, `::`) the port on all of them, not the one loopback address the listener names.
 */
export function servingAt(address: string, host: string): string {
  if (host !== "0.0.0.0" && host !== "::") return `${address}/`;
  const port = /:(\d+)$/.exec(address)?.[1] ?? "";
  return `every address of this machine, port ${port} (${host})`;
}

/**
 * A warning when sign-in cookies are Secure (any host but loopback, unless LANTERN_SECURE_COOKIES
 * says otherwise): browsers send them only over HTTPS, so over plain http every form would be
 * refused as expired.
 */
export function secureCookieNote(host: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!authSettings(host, env).secureCookies) return "";
  return "Sign-in cookies are Secure: open Lantern through HTTPS (a reverse proxy in front of it; set LANTERN_TRUST_PROXY to its address). Over plain http, browsers do not send them and every form is refused as expired.\n";
}

/**
 * A warning for a server on PostgreSQL without LANTERN_SECRET: each instance then makes its own
 * key for form tokens, so a form from one instance is refused by another behind the same balancer.
 */
export function sharedSecretNote(kind: "duckdb" | "postgres", env: NodeJS.ProcessEnv = process.env): string {
  if (kind !== "postgres" || env["LANTERN_SECRET"]) return "";
  return "LANTERN_SECRET is not set, so this instance made its own key for form tokens: if several instances serve this database, set the same LANTERN_SECRET on each (openssl rand -base64 48), or forms from one are refused by another.\n";
}

/** The sign-in settings for a server listening on `host`, from the environment. */
export function authSettings(host: string, env: NodeJS.ProcessEnv = process.env) {
  const flag = env["LANTERN_SECURE_COOKIES"];
  if (flag !== undefined && flag !== "" && flag !== "0" && flag !== "1") {
    throw new LanternError("LANTERN_BAD_OPTION", `LANTERN_SECURE_COOKIES is "${flag}"; it must be 0 or 1.`, { hint: "Use 1 behind HTTPS, 0 only for plain http on this machine, or unset it." });
  }
  const secret = env["LANTERN_SECRET"];
  if (secret !== undefined && secret.length < 32) {
    throw new LanternError("LANTERN_BAD_OPTION", "LANTERN_SECRET is shorter than 32 characters.", { hint: "Make one with: openssl rand -base64 48" });
  }
  const oidc = oidcOptionsFromEnv(env);
  return {
    secureCookies: flag ? flag === "1" : !isLoopback(host),
    ...(secret ? { secret: createHash("sha256").update(secret).digest() } : {}),
    ...(oidc ? { oidc } : {}),
  };
}

/**
 * With no accounts and no single sign-on nobody could sign in, and the embedded store is locked
 * while the server runs (so \`lantern users add\` cannot run beside it): make the first
 * administrator with a random password, audited, and return the password to print once (only
 * one of several instances started together does).
 */
export async function firstAdmin(store: Store, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  if (env["LANTERN_OIDC_ISSUER"]) return null;
  // Several instances starting at once on one PostgreSQL store: one makes the administrator, the
  // others wait for it and then find it.
  return store.exclusive(["first-admin"], async () => {
    if ((await listUsers(store)).length > 0) return null;
    const password = randomBytes(18).toString("base64url");
    await createUser(store, { username: "admin", role: "admin", areas: [], displayName: "Administrator", password }, "lantern serve");
    return password;
  });
}

/**
 * Compute each authority's latest load that has no figures yet (its compute was stopped or failed
 * after the load committed: the web would show "not computed" on every page), before serving.
 * Several instances starting together on one PostgreSQL store take turns, and each looks again.
 */
export async function computeMissing(store: Store, dataDir: string, o: Output): Promise<number[]> {
  return store.exclusive(["compute-missing"], async () =>
    computeUncomputed(store, await resolveTargets(store), {
      dataDir,
      each: (t) => {
        o.err(`${t.la_code}'s latest load (snapshot ${t.snapshot_id}) has no figures yet: computing them before serving …\n`);
        return undefined;
      },
    }),
  );
}

/** Start the app on an open store; resolves with the address once listening. */
export async function startServer(store: Store, dataDir: string, o: { port: number; host: string }): Promise<{ app: FastifyInstance; address: string }> {
  const trustProxy = trustProxyFromEnv();
  const app = await buildServer({ store, dataDir, auth: authSettings(o.host), ...(trustProxy.length ? { trustProxy } : {}) });
  const address = await app.listen({ port: o.port, host: o.host });
  return { app, address };
}

/**
 * Wait for Ctrl+C or SIGTERM, then close the server and the store. A second signal while closing
 * (the same SIGTERM sent to a process group and passed on by `bin/lantern.mjs`, or an impatient
 * second Ctrl+C) is noted, not obeyed: with no handler it would kill the process half way through
 * closing the store, leaving its lock and write-ahead log behind. One that arrives after the store
 * has closed is ignored too while this code still runs; only once Node is taking the process down
 * can a signal end it, with nothing left half done.
 */
export function untilStopped(app: FastifyInstance, store: Store, o: Output): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      if (stopping) {
        o.err("Still stopping: closing the store …\n");
        return;
      }
      stopping = true;
      o.err("\nStopping …\n");
      try {
        await app.close();
        await store.close();
      } finally {
        stopped = true;
      }
      resolve(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** What `serve --json` prints once listening: the facts of the startup lines, as one object. */
export interface ServingJson {
  /** Where to reach it (on every address, the loopback one the listener names). */
  readonly url: string;
  /** The address listened on, as given with --host. */
  readonly host: string;
  /** The port listened on: the one picked when --port 0. */
  readonly port: number;
  readonly store: "duckdb" | "postgres";
  readonly data: string;
  /** The process serving: SIGTERM to it stops the server cleanly. */
  readonly pid: number;
  /** The first administrator made at this start (its password shown this once), or null. */
  readonly firstAdmin: { readonly username: string; readonly password: string } | null;
  /** The notes the startup lines add (Secure cookies need HTTPS, LANTERN_SECRET unset), one a line. */
  readonly warnings: string[];
}

/** The startup facts of a listening server as {@link ServingJson}. */
export function servingJson(app: FastifyInstance, address: string, host: string, store: "duckdb" | "postgres", data: string, first: string | null, notes: string): ServingJson {
  const bound = app.server.address();
  const port = typeof bound === "object" && bound ? bound.port : Number(/:(\d+)$/.exec(address)?.[1]);
  return {
    url: `${address}/`,
    host,
    port,
    store,
    data,
    pid: process.pid,
    firstAdmin: first ? { username: "admin", password: first } : null,
    warnings: notes.split("\n").filter(Boolean),
  };
}

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("serve", argv, { port: { type: "string" }, host: { type: "string" } });
  const port = intOption("port", values.port, 8080, 0, 65535);
  const host = values.host ?? "127.0.0.1";
  const config = storeConfig(values.data);
  const store = await openStore(config, { application: SERVE_APPLICATION });
  let first: string | null = null;
  let started: { app: FastifyInstance; address: string };
  try {
    first = await firstAdmin(store);
    await computeMissing(store, config.dataDir, o);
    started = await startServer(store, config.dataDir, { port, host });
  } catch (e) {
    await store.close();
    throw e;
  }
  const notes = secureCookieNote(host) + sharedSecretNote(store.kind);
  if (values.json) {
    // One line, once listening, so a script learns where (a --port 0 server's port) and can stop it.
    o.out(`${JSON.stringify(servingJson(started.app, started.address, host, store.kind, config.dataDir, first, notes))}\n`);
    return untilStopped(started.app, store, o);
  }
  // One write, so whoever reads the output sees the address and any first password together.
  o.out(`Lantern is running at ${servingAt(started.address, host)} (data in ${config.dataDir}). Press Ctrl+C to stop.\n${notes}${first ? `\nNo one could sign in yet, so Lantern made the first administrator. Sign in once and keep it safe:\n  user name: admin\n  password:  ${first}\nAdd people on the Users page (or stop the server and use lantern users add).\n` : ""}`);

  return untilStopped(started.app, store, o);
}

export const serveCommand: Command = { name: "serve", help: HELP, run };
