import assert from "node:assert/strict";
import { test } from "node:test";
import { oidcOptionsFromEnv } from "./config.ts";

test("SSO settings from the environment: off unless the issuer is set; role map parsed; mistakes named", () => {
  assert.equal(oidcOptionsFromEnv({}), undefined);
  assert.deepEqual(
    oidcOptionsFromEnv({
      LANTERN_OIDC_ISSUER: "https://idp.example/v2.0",
      LANTERN_OIDC_CLIENT_ID: "abc",
      LANTERN_OIDC_CLIENT_SECRET: "s3",
      LANTERN_OIDC_REDIRECT_URI: "https://lantern.example/auth/oidc/callback",
      LANTERN_OIDC_ROLE_MAP: "Lantern.Admin=admin, group=with=equals=analyst",
      LANTERN_OIDC_AREAS_CLAIM: "areas",
    }),
    {
      issuer: "https://idp.example/v2.0",
      clientId: "abc",
      clientSecret: "s3",
      redirectUri: "https://lantern.example/auth/oidc/callback",
      roleMap: { "Lantern.Admin": "admin", "group=with=equals": "analyst" },
      defaultRole: null,
      provision: true,
      areasClaim: "areas",
    },
  );
  const base = { LANTERN_OIDC_ISSUER: "https://idp.example", LANTERN_OIDC_CLIENT_ID: "a", LANTERN_OIDC_REDIRECT_URI: "https://l/cb" };
  assert.throws(() => oidcOptionsFromEnv({ LANTERN_OIDC_ISSUER: "https://idp.example" }), /LANTERN_OIDC_CLIENT_ID is not/);
  assert.throws(() => oidcOptionsFromEnv({ ...base, LANTERN_OIDC_ROLE_MAP: "Admins=root" }), /not claim-value=role/);
  assert.throws(() => oidcOptionsFromEnv({ ...base, LANTERN_OIDC_DEFAULT_ROLE: "boss" }), /not a role/);
  assert.equal(oidcOptionsFromEnv({ ...base, LANTERN_OIDC_DEFAULT_ROLE: "member", LANTERN_OIDC_PROVISION: "0" })?.provision, false);
});
