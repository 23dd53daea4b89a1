/**
 * @module
 * Single sign-on settings from the environment, so `lantern serve` can be pointed at a council's
 * identity provider without a settings file. Nothing is set unless LANTERN_OIDC_ISSUER is.
 *
 *   LANTERN_OIDC_ISSUER          https://login.microsoftonline.com/<tenant>/v2.0
 *   LANTERN_OIDC_CLIENT_ID       the application (client) id
 *   LANTERN_OIDC_CLIENT_SECRET   its secret
 *   LANTERN_OIDC_REDIRECT_URI    https://lantern.example.gov.uk/auth/oidc/callback
 *   LANTERN_OIDC_ROLE_MAP        claim value=role pairs: Lantern.Admin=admin,Lantern.Analyst=analyst
 *   LANTERN_OIDC_ROLE_CLAIM      default roles
 *   LANTERN_OIDC_USERNAME_CLAIM  default preferred_username
 *   LANTERN_OIDC_AREAS_CLAIM     claim listing a manager's areas (optional)
 *   LANTERN_OIDC_DEFAULT_ROLE    role for people whose claims map to none (default: refuse them)
 *   LANTERN_OIDC_PROVISION       0 to refuse people without an account (default 1)
 *   LANTERN_OIDC_LABEL           text of the sign-in button
 */

import { LanternError } from "../../core/errors.ts";
import type { OidcOptions } from "./oidc.ts";
import { isRole, type Role } from "./types.ts";

/** The OIDC options the environment describes, or undefined when single sign-on is not set up. */
export function oidcOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OidcOptions | undefined {
  const issuer = env["LANTERN_OIDC_ISSUER"];
  if (!issuer) return undefined;
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new LanternError("LANTERN_BAD_OPTION", `LANTERN_OIDC_ISSUER is set but ${name} is not.`, { hint: `Set ${name}, or unset LANTERN_OIDC_ISSUER to turn single sign-on off.` });
    return v;
  };
  const roleMap: Record<string, Role> = {};
  for (const pair of (env["LANTERN_OIDC_ROLE_MAP"] ?? "").split(",").filter(Boolean)) {
    const i = pair.lastIndexOf("=");
    const role = pair.slice(i + 1).trim();
    if (i < 1 || !isRole(role)) {
      throw new LanternError("LANTERN_BAD_OPTION", `LANTERN_OIDC_ROLE_MAP has "${pair}", which is not claim-value=role.`, { hint: "Write it as Lantern.Admin=admin,Lantern.Analyst=analyst (roles: admin, analyst, manager, member)." });
    }
    roleMap[pair.slice(0, i).trim()] = role;
  }
  const def = env["LANTERN_OIDC_DEFAULT_ROLE"];
  if (def !== undefined && def !== "" && !isRole(def)) throw new LanternError("LANTERN_BAD_OPTION", `LANTERN_OIDC_DEFAULT_ROLE "${def}" is not a role.`, { hint: "Use admin, analyst, manager or member, or leave it unset." });
  const secret = env["LANTERN_OIDC_CLIENT_SECRET"];
  return {
    issuer,
    clientId: need("LANTERN_OIDC_CLIENT_ID"),
    redirectUri: need("LANTERN_OIDC_REDIRECT_URI"),
    roleMap,
    defaultRole: def && isRole(def) ? def : null,
    provision: env["LANTERN_OIDC_PROVISION"] !== "0",
    ...(secret ? { clientSecret: secret } : {}),
    ...(env["LANTERN_OIDC_ROLE_CLAIM"] ? { roleClaim: env["LANTERN_OIDC_ROLE_CLAIM"] } : {}),
    ...(env["LANTERN_OIDC_USERNAME_CLAIM"] ? { usernameClaim: env["LANTERN_OIDC_USERNAME_CLAIM"] } : {}),
    ...(env["LANTERN_OIDC_AREAS_CLAIM"] ? { areasClaim: env["LANTERN_OIDC_AREAS_CLAIM"] } : {}),
    ...(env["LANTERN_OIDC_LABEL"] ? { label: env["LANTERN_OIDC_LABEL"] } : {}),
  };
}
