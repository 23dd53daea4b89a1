/**
 * @module
 * What the auth plugin adds to every Fastify request (the contract in src/web/auth/types.ts):
 * `request.user` and `request.csrfToken()`. Declared here so the pages compile before the plugin
 * is merged; the plugin's own declaration is identical.
 */

import type { SessionUser } from "./auth/types.ts";

declare module "fastify" {
  interface FastifyRequest {
    user: SessionUser | null;
    csrfToken(): string;
  }
}
