/**
 * @module
 * Single sign-on through OpenID Connect (councils mostly use Microsoft Entra ID), with
 * `openid-client`: the authorisation code flow with PKCE (S256), `state` and `nonce`, and the
 * id_token's signature checked against the provider's published keys (non-repudiation checks
 * on). The state, nonce and code verifier travel in a short-lived signed HttpOnly cookie. A person is matched by their subject (issuer + sub), then
 * by the user-name claim; an unknown person is created when provisioning is on. Their role comes
 * from a configurable claim mapped to a Lantern role; a person whose claims map to no role and
 * with no default role is refused.
 */

import * as client from "openid-client";
import { LanternError } from "../../core/errors.ts";
import { auditEvent } from "../../store/audit.ts";
import type { Store } from "../../store/port.ts";
import { createUser, findUserByOidcSubject, findUserByUsername, setRole } from "./users.ts";
import { ROLES, type Role, type SessionUser } from "./types.ts";

/** How single sign-on is set up. */
export interface OidcOptions {
  /** The provider's issuer URL (discovery at `/.well-known/openid-configuration`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  /** This server's callback, e.g. `https://lantern.example.gov.uk/auth/oidc/callback`. */
  readonly redirectUri: string;
  /** Default `openid profile email`. */
  readonly scope?: string;
  /** Claim holding the user name. Default `preferred_username`. */
  readonly usernameClaim?: string;
  /** Claim holding role names or group ids (string or array). Default `roles`. */
  readonly roleClaim?: string;
  /** Claim value → Lantern role; the most powerful match wins. */
  readonly roleMap?: Readonly<Record<string, Role>>;
  /** Claim holding a manager's areas (string or array). */
  readonly areasClaim?: string;
  /** Role for a person whose claims map to none; null (the default) refuses them. */
  readonly defaultRole?: Role | null;
  /** Create unknown people on first sign-in. Default true. */
  readonly provision?: boolean;
  /** Text of the sign-in button. Default "Sign in with your organisation's account". */
  readonly label?: string;
}

/** What the start step keeps (in the signed cookie) for the callback. */
export interface OidcPending {
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
  readonly next: string;
  readonly expires: number;
}

/** The provider's configuration, discovered once. */
export class OidcClient {
  readonly options: OidcOptions;
  #config: Promise<client.Configuration> | null = null;

  constructor(options: OidcOptions) {
    this.options = options;
  }

  #discover(): Promise<client.Configuration> {
    this.#config ??= client
      .discovery(
        new URL(this.options.issuer),
        this.options.clientId,
        this.options.clientSecret,
        undefined,
        {
          // Check the id_token's signature against the provider's published keys as well as
          // trusting the TLS channel it came over (the spec allows either; we do both).
          // Plain http only for a provider on this machine (tests, local development).
          execute: new URL(this.options.issuer).protocol === "http:" ? [client.allowInsecureRequests, client.enableNonRepudiationChecks] : [client.enableNonRepudiationChecks],
        },
      )
      .catch((e: unknown) => {
        this.#config = null;
        throw e;
      });
    return this.#config;
  }

  /** The address to send the browser to, and what to keep for the callback. */
  async start(next: string, now: Date): Promise<{ url: string; pending: OidcPending }> {
    const config = await this.#discover();
    const verifier = client.randomPKCECodeVerifier();
    const pending: OidcPending = { verifier, state: client.randomState(), nonce: client.randomNonce(), next, expires: now.getTime() + 10 * 60_000 };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: this.options.scope ?? "openid profile email",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** Exchange the code for tokens and return the id_token's checked claims. */
  async finish(query: string, pending: OidcPending): Promise<Record<string, unknown>> {
    const config = await this.#discover();
    const current = new URL(this.options.redirectUri);
    current.search = query;
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new LanternError("LANTERN_AUTH_OIDC_FAILED", "The provider returned no id_token.");
    return claims as Record<string, unknown>;
  }
}

function list(v: unknown): string[] {
  if (typeof v === "string") return v.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

/** The role the claims map to (the most powerful), or null. */
export function roleFromClaims(options: OidcOptions, claims: Record<string, unknown>): Role | null {
  const map = options.roleMap ?? {};
  const got = new Set(list(claims[options.roleClaim ?? "roles"]).map((v) => map[v]).filter((r): r is Role => r !== undefined));
  return ROLES.find((r) => got.has(r)) ?? null;
}

/** Match or provision the Lantern user for a set of checked claims; throws when they may not sign in. */
export async function userFromClaims(store: Store, options: OidcOptions, claims: Record<string, unknown>, now: () => Date): Promise<SessionUser> {
  const iss = String(claims["iss"] ?? "");
  const sub = String(claims["sub"] ?? "");
  if (!iss || !sub) throw new LanternError("LANTERN_AUTH_OIDC_FAILED", "The id_token has no issuer or subject.");
  const subject = `${iss}|${sub}`;
  const rawName = claims[options.usernameClaim ?? "preferred_username"];
  const username = typeof rawName === "string" ? rawName.trim().toLowerCase() : "";
  const mapped = roleFromClaims(options, claims);
  const areas = options.areasClaim ? list(claims[options.areasClaim]) : [];
  const displayName = typeof claims["name"] === "string" ? claims["name"] : username;

  let user = await findUserByOidcSubject(store, subject);
  if (!user && username) {
    const byName = await findUserByUsername(store, username);
    if (byName && byName.oidcSubject === null) {
      await store.run(`UPDATE lantern_user SET oidc_subject = $1, updated_at = $2 WHERE user_id = $3`, [subject, now().toISOString(), byName.id]);
      await auditEvent(store, { actor: "sso", action: "user.sso_link", target: byName.username, detail: { issuer: iss } }, now);
      user = { ...byName, oidcSubject: subject };
    } else if (byName) {
      throw new LanternError("LANTERN_AUTH_OIDC_FAILED", `The user name ${username} belongs to another single sign-on account.`);
    }
  }
  if (!user) {
    const role = mapped ?? options.defaultRole ?? null;
    if (options.provision === false) throw new LanternError("LANTERN_AUTH_OIDC_FAILED", "There is no Lantern account for this person.", { hint: "Ask an administrator to create one." });
    if (!role) throw new LanternError("LANTERN_AUTH_OIDC_FAILED", "Your account has no Lantern role.", { hint: "Ask an administrator to grant you a Lantern role in the identity provider." });
    if (!username) throw new LanternError("LANTERN_AUTH_OIDC_FAILED", `The id_token has no ${options.usernameClaim ?? "preferred_username"} claim to name the account.`);
    user = await createUser(store, { username, displayName, role, areas, oidcSubject: subject }, "sso", now);
  } else if (mapped && (mapped !== user.role || (mapped === "manager" && [...areas].sort().join(",") !== user.areas.join(",")))) {
    user = { ...user, ...(await setRole(store, user.username, mapped, areas, "sso", now)) };
  }
  if (user.disabled) throw new LanternError("LANTERN_AUTH_OIDC_FAILED", "This account is disabled.");
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, areas: user.role === "manager" ? user.areas : [] };
}
