import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { authTestServer } from "../../../test/auth-server.ts";
import { tempStore } from "../../../test/fixtures.ts";
import { startTestProvider, type TestProvider } from "../../../test/oidc-provider.ts";
import { cookieHeader, keepCookies, visit, type Visitor } from "../../../test/web-access.ts";
import type { Store } from "../../store/port.ts";
import type { OidcOptions } from "./oidc.ts";
import { createUser, findUserByUsername } from "./users.ts";

const REDIRECT = "http://lantern.test/auth/oidc/callback";
let provider: TestProvider;

before(async () => {
  provider = await startTestProvider(REDIRECT, { claims: { sub: "x" } });
});
after(async () => {
  await provider.close();
});

function oidcOptions(extra: Partial<OidcOptions> = {}): OidcOptions {
  return {
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUri: REDIRECT,
    roleClaim: "roles",
    roleMap: { "Lantern.Admin": "admin", "Lantern.Analyst": "analyst", "Lantern.Manager": "manager", "Lantern.Member": "member" },
    areasClaim: "lantern_areas",
    ...extra,
  };
}

async function withSso(fn: (app: FastifyInstance, store: Store) => Promise<void>, extra: Partial<OidcOptions> = {}): Promise<void> {
  const { store, cleanup } = await tempStore();
  const app = await authTestServer(store, { secureCookies: false, oidc: oidcOptions(extra) });
  try {
    await fn(app, store);
  } finally {
    await app.close();
    await cleanup();
  }
}

/** Start at Lantern, follow the browser to the provider (real HTTP on loopback) and back to the callback. */
async function ssoSignIn(app: FastifyInstance, next = "/dummy/analysis", tamper?: (callbackUrl: URL) => void): Promise<{ v: Visitor; status: number; location: string | undefined; body: string }> {
  const v: Visitor = { cookies: {}, csrf: "", ip: "127.0.0.1" };
  const start = await app.inject({ method: "GET", url: `/auth/oidc/start?next=${encodeURIComponent(next)}` });
  assert.equal(start.statusCode, 303);
  keepCookies(v, start);
  const atProvider = await fetch(String(start.headers.location), { redirect: "manual" });
  assert.equal(atProvider.status, 302);
  const back = new URL(atProvider.headers.get("location")!);
  tamper?.(back);
  const cb = await app.inject({ method: "GET", url: `${back.pathname}${back.search}`, headers: { cookie: cookieHeader(v) } });
  keepCookies(v, cb);
  return { v, status: cb.statusCode, location: cb.headers.location as string | undefined, body: cb.body };
}

test("SSO: authorisation code with PKCE, state and nonce; a new person is provisioned with the mapped role", async () => {
  await withSso(async (app, store) => {
    provider.behaviour = { claims: { sub: "entra-123", preferred_username: "Jo.Bloggs@council.example", name: "Jo Bloggs", roles: ["Lantern.Analyst", "Other"] } };
    const r = await ssoSignIn(app);
    assert.equal(r.status, 303, r.body);
    assert.equal(r.location, "/dummy/analysis");
    const q = provider.authorizeRequests.at(-1)!;
    assert.equal(q.get("code_challenge_method"), "S256");
    assert.match(q.get("code_challenge")!, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(q.get("state") && q.get("nonce"));
    assert.equal(q.get("scope"), "openid profile email");
    assert.equal((await visit(app, r.v, "/dummy/analysis")).statusCode, 200);
    const u = await findUserByUsername(store, "jo.bloggs@council.example");
    assert.deepEqual([u?.role, u?.displayName, u?.oidcSubject, u?.passwordHash], ["analyst", "Jo Bloggs", `${provider.issuer}|entra-123`, null]);
    const audit = await store.all<{ actor: string; action: string; detail: string }>(`SELECT actor, action, detail FROM lantern_audit ORDER BY audit_id`);
    assert.deepEqual(
      audit.map((a) => [a.actor, a.action]),
      [
        ["sso", "user.create"],
        ["jo.bloggs@council.example", "auth.sign_in"],
      ],
    );
    assert.equal(JSON.parse(audit[1]!.detail).method, "sso");
    // The same person again: matched by subject, not created twice.
    assert.equal((await ssoSignIn(app)).status, 303);
    const [n] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_user`);
    assert.equal(n!.n, 1);
  });
});

test("SSO: an existing local account is matched by user name and its role follows the claim (with areas)", async () => {
  await withSso(async (app, store) => {
    await createUser(store, { username: "sam", role: "member", password: "sam's long password" }, "t");
    provider.behaviour = { claims: { sub: "s-1", preferred_username: "sam", roles: "Lantern.Manager", lantern_areas: ["send"] } };
    const r = await ssoSignIn(app, "/dummy/records/send");
    assert.equal(r.status, 303, r.body);
    assert.equal((await visit(app, r.v, "/dummy/records/send")).statusCode, 200);
    assert.equal((await visit(app, r.v, "/dummy/records/front_door")).statusCode, 403);
    const u = await findUserByUsername(store, "sam");
    assert.deepEqual([u?.role, u?.areas, u?.oidcSubject], ["manager", ["send"], `${provider.issuer}|s-1`]);
    const actions = (await store.all<{ action: string }>(`SELECT action FROM lantern_audit ORDER BY audit_id`)).map((a) => a.action);
    assert.deepEqual(actions, ["user.create", "user.sso_link", "user.role_change", "auth.sign_in"]);
  });
});

test("SSO refuses: no mapped role, a changed state, a forged signature, a wrong nonce or audience, a missing state cookie", async () => {
  await withSso(async (app, store) => {
    provider.behaviour = { claims: { sub: "n-1", preferred_username: "norole", roles: ["Something.Else"] } };
    const noRole = await ssoSignIn(app);
    assert.equal(noRole.status, 401);
    assert.match(noRole.body, /Your account has no Lantern role/);
    assert.equal(await findUserByUsername(store, "norole"), null);

    provider.behaviour = { claims: { sub: "a-1", preferred_username: "amy", roles: ["Lantern.Admin"] } };
    const badState = await ssoSignIn(app, "/", (u) => u.searchParams.set("state", "forged"));
    assert.equal(badState.status, 401);

    provider.behaviour = { claims: { sub: "a-1", preferred_username: "amy", roles: ["Lantern.Admin"] }, wrongKey: true };
    assert.equal((await ssoSignIn(app)).status, 401);
    provider.behaviour = { claims: { sub: "a-1", preferred_username: "amy", roles: ["Lantern.Admin"] }, nonceOverride: "replayed" };
    assert.equal((await ssoSignIn(app)).status, 401);
    provider.behaviour = { claims: { sub: "a-1", preferred_username: "amy", roles: ["Lantern.Admin"] }, audienceOverride: "someone-else" };
    assert.equal((await ssoSignIn(app)).status, 401);
    assert.equal(await findUserByUsername(store, "amy"), null);

    // The callback without the signed state cookie (another browser, or a forged link).
    provider.behaviour = { claims: { sub: "a-1", preferred_username: "amy", roles: ["Lantern.Admin"] } };
    const start = await app.inject({ method: "GET", url: "/auth/oidc/start" });
    const back = new URL((await fetch(String(start.headers.location), { redirect: "manual" })).headers.get("location")!);
    const noCookie = await app.inject({ method: "GET", url: `${back.pathname}${back.search}` });
    assert.equal(noCookie.statusCode, 401);
    assert.equal(noCookie.cookies.find((c) => c.name === "lantern_session"), undefined);

    const failures = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_audit WHERE action = 'auth.sso_failed'`);
    assert.equal(failures[0]!.n, 6);
    // Now the same person properly: it works, so the refusals above were the checks, not the set-up.
    assert.equal((await ssoSignIn(app)).status, 303);
    assert.equal((await findUserByUsername(store, "amy"))?.role, "admin");
  });
});

test("SSO: a PKCE verifier the provider does not accept ends the sign-in", async () => {
  await withSso(async (app) => {
    provider.behaviour = { claims: { sub: "p-1", preferred_username: "pat", roles: ["Lantern.Member"] } };
    const v: Visitor = { cookies: {}, csrf: "", ip: "127.0.0.1" };
    const first = await app.inject({ method: "GET", url: "/auth/oidc/start" });
    keepCookies(v, first);
    // A second start replaces the state cookie; the first round trip's code now meets the wrong verifier and state.
    const second = await app.inject({ method: "GET", url: "/auth/oidc/start" });
    keepCookies(v, second);
    const back = new URL((await fetch(String(first.headers.location), { redirect: "manual" })).headers.get("location")!);
    const cb = await app.inject({ method: "GET", url: `${back.pathname}${back.search}`, headers: { cookie: cookieHeader(v) } });
    assert.equal(cb.statusCode, 401);
  }, { defaultRole: "member" });
});
