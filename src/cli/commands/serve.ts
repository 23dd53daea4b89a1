/**
 * @module
 * `lantern serve`: the web application on this machine. It opens the store once and keeps it
 * open (DuckDB has one writer; uploads are loaded in-process), listens on 127.0.0.1 unless told
 * otherwise, and stops cleanly on Ctrl+C. `lantern demo` ends by calling {@link startServer}.
 */

import type { FastifyInstance } from "fastify";
import type { SessionUser } from "../../web/access.ts";
import { buildServer } from "../../web/server.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import type { Store } from "../../store/port.ts";
import { type Command, intOption, parse } from "../command.ts";
import type { Output } from "../output.ts";

const HELP = `lantern serve [--port N] [--host 127.0.0.1] [--data DIR]

Start the web application: the dashboard, indicator pages with SPC charts, the system flow, the
early-warning digest, uploads of new SSD files, targets, annotations and commentary. Pages are
made on this machine and nothing is fetched from any other site. Stop it with Ctrl+C.

By default it listens on 127.0.0.1 only, so only this machine can reach it. Until sign-in is
set up, everyone who can reach it is treated as the local administrator: keep the default host.

Options:
  --port N      the port to listen on (default 8080; 0 picks a free one)
  --host ADDR   the address to listen on (default 127.0.0.1)

Examples:
  lantern serve
  lantern serve --port 3000 --data /srv/lantern-data
`;

/** Who is asking, until the sign-in plugin is merged: the person who started the server. */
export function localUser(): SessionUser {
  const name = process.env["USER"] ?? "local";
  return { id: "local", username: name, displayName: `${name} (this machine)`, role: "admin", areas: [] };
}

/** Start the app on an open store; resolves with the address once listening. */
export async function startServer(store: Store, dataDir: string, o: { port: number; host: string }): Promise<{ app: FastifyInstance; address: string }> {
  const user = localUser();
  const app = await buildServer({ store, dataDir, authenticate: () => user });
  const address = await app.listen({ port: o.port, host: o.host });
  return { app, address };
}

/** Wait for Ctrl+C or SIGTERM, then close the server and the store. */
export function untilStopped(app: FastifyInstance, store: Store, o: Output): Promise<number> {
  return new Promise((resolve) => {
    const stop = async () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      o.err("\nStopping …\n");
      await app.close();
      await store.close();
      resolve(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("serve", argv, { port: { type: "string" }, host: { type: "string" } });
  const port = intOption("port", values.port, 8080, 0, 65535);
  const host = values.host ?? "127.0.0.1";
  const config = storeConfig(values.data);
  const store = await openStore(config);
  let started: { app: FastifyInstance; address: string };
  try {
    started = await startServer(store, config.dataDir, { port, host });
  } catch (e) {
    await store.close();
    throw e;
  }
  o.out(`Lantern is running at ${started.address}/ (data in ${config.dataDir}). Press Ctrl+C to stop.\n`);
  return untilStopped(started.app, store, o);
}

export const serveCommand: Command = { name: "serve", help: HELP, run };
