/**
 * @module
 * A small server for the auth tests and for trying sign-in alone: Fastify with the auth plugin,
 * a home page naming who is signed in and a few protected dummy routes (one per kind of rule)
 * that the access table exercises, without the dashboard's data behind them.
 */

import Fastify, { type FastifyInstance } from "fastify";
import type { Store } from "../src/store/port.ts";
import { canSeeChildLevel, requireRole, sendForbidden } from "../src/web/auth/access.ts";
import { html, page } from "../src/web/auth/html.ts";
import { type AuthPluginOptions, authPlugin } from "../src/web/auth/plugin.ts";

/** Build (not start) the test server. */
export async function authTestServer(store: Store, opts: Omit<AuthPluginOptions, "store"> = {}, trustProxy: readonly string[] = []): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: trustProxy.length ? [...trustProxy] : false });
  await app.register(authPlugin, { store, ...opts });
  const signedIn = requireRole("admin", "analyst", "manager", "member");
  app.get("/", { preHandler: signedIn }, async (request, reply) =>
    reply.type("text/html; charset=utf-8").send(page("Lantern", html`<h1 class="govuk-heading-l">Lantern</h1><p class="govuk-body">Signed in as ${request.user?.displayName ?? "nobody"}.</p>`, request)),
  );
  app.get("/dummy/analysis", { preHandler: requireRole("admin", "analyst") }, async (_request, reply) => reply.type("text/html; charset=utf-8").send(page("Analysis", html`<h1 class="govuk-heading-l">Analysis</h1>`)));
  app.post("/dummy/analysis", { preHandler: requireRole("admin", "analyst") }, async (_request, reply) => reply.type("text/html; charset=utf-8").send(page("Saved", html`<p class="govuk-body">Saved</p>`)));
  // Stands in for @fastify/multipart: the body is a stream the handler reads, not parsed before the CSRF check.
  app.addContentTypeParser("multipart/form-data", (_request, payload, done) => {
    payload.resume();
    done(null, undefined);
  });
  app.post("/dummy/upload", { preHandler: requireRole("admin", "analyst") }, async (_request, reply) => reply.type("text/html; charset=utf-8").send(page("Uploaded", html`<p class="govuk-body">Uploaded</p>`)));
  app.get<{ Params: { area: string } }>("/dummy/records/:area", { preHandler: signedIn }, async (request, reply) => {
    if (!canSeeChildLevel(request.user, request.params.area)) return sendForbidden(request, reply, "Your role does not allow child-level records in this area.");
    return reply.type("text/html; charset=utf-8").send(page("Records", html`<h1 class="govuk-heading-l">Records for ${request.params.area}</h1>`));
  });
  return app;
}
