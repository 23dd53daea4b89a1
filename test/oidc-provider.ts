/**
 * @module
 * A minimal OpenID Connect provider for tests, on loopback only (node:http and node:crypto, no
 * network): discovery, an authorisation endpoint that signs in whichever person the test has
 * chosen, a token endpoint that checks the client secret, the redirect URI and the PKCE
 * verifier (S256), and a JWKS with the RS256 key that signs the id_token. Switches let a test
 * make it misbehave (sign with a key it does not publish, return the wrong nonce or audience) so
 * the client's checks can be seen to hold.
 */

import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** How a test wants the provider to behave. */
export interface ProviderBehaviour {
  /** Claims of the person who signs in next (sub is required). */
  claims: Record<string, unknown>;
  /** Sign id_tokens with a key the JWKS does not contain. */
  wrongKey?: boolean;
  /** Put this nonce in the id_token instead of the one asked for. */
  nonceOverride?: string;
  /** Put this audience in the id_token. */
  audienceOverride?: string;
}

/** A running test provider. */
export interface TestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  behaviour: ProviderBehaviour;
  /** Every authorisation request's query, for checking PKCE and state. */
  readonly authorizeRequests: URLSearchParams[];
  /** Token requests refused, with the reason. */
  readonly tokenRefusals: string[];
  close(): Promise<void>;
}

function b64url(x: Buffer | string): string {
  return Buffer.from(x).toString("base64url");
}

function jwt(key: KeyObject, kid: string, payload: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid }));
  const body = b64url(JSON.stringify(payload));
  return `${head}.${body}.${b64url(sign("sha256", Buffer.from(`${head}.${body}`), key))}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let s = "";
  for await (const c of req) s += c;
  return s;
}

/** Start a provider on 127.0.0.1 for a client whose callback is `redirectUri`. */
export async function startTestProvider(redirectUri: string, behaviour: ProviderBehaviour): Promise<TestProvider> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const kid = "test-key-1";
  const clientId = "lantern-test";
  const clientSecret = randomBytes(16).toString("hex");
  const codes = new Map<string, { claims: Record<string, unknown>; nonce: string; challenge: string; redirectUri: string }>();
  const authorizeRequests: URLSearchParams[] = [];
  const tokenRefusals: string[] = [];
  let issuer = "";

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        scopes_supported: ["openid", "profile", "email"],
      });
    }
    if (url.pathname === "/jwks") return json(200, { keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" }] });
    if (url.pathname === "/authorize") {
      const q = url.searchParams;
      authorizeRequests.push(q);
      if (q.get("client_id") !== clientId || q.get("redirect_uri") !== redirectUri || q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) {
        return json(400, { error: "invalid_request" });
      }
      const code = randomBytes(16).toString("hex");
      codes.set(code, { claims: { ...this_.behaviour.claims }, nonce: q.get("nonce") ?? "", challenge: q.get("code_challenge")!, redirectUri: q.get("redirect_uri")! });
      const back = new URL(redirectUri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state") ?? "");
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      const form = new URLSearchParams(await readBody(req));
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const [id, secret] = basic
        ? Buffer.from(basic, "base64")
            .toString()
            .split(":")
            .map((x) => decodeURIComponent(x))
        : [form.get("client_id"), form.get("client_secret")];
      const refuse = (why: string) => {
        tokenRefusals.push(why);
        return json(400, { error: "invalid_grant", error_description: why });
      };
      if (id !== clientId || secret !== clientSecret) return refuse("client authentication failed");
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!grant || form.get("grant_type") !== "authorization_code") return refuse("unknown or used code");
      if (form.get("redirect_uri") !== grant.redirectUri) return refuse("redirect_uri differs");
      const verifier = form.get("code_verifier") ?? "";
      if (createHash("sha256").update(verifier).digest("base64url") !== grant.challenge) return refuse("PKCE verifier does not match");
      const now = Math.floor(Date.now() / 1000);
      const b = this_.behaviour;
      const idToken = jwt(b.wrongKey ? other : privateKey, kid, {
        iss: issuer,
        aud: b.audienceOverride ?? clientId,
        iat: now,
        exp: now + 300,
        nonce: b.nonceOverride ?? grant.nonce,
        ...grant.claims,
      });
      return json(200, { access_token: randomBytes(16).toString("hex"), token_type: "Bearer", expires_in: 300, id_token: idToken, scope: "openid profile email" });
    }
    return json(404, { error: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const this_: TestProvider = {
    issuer,
    clientId,
    clientSecret,
    behaviour,
    authorizeRequests,
    tokenRefusals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return this_;
}
