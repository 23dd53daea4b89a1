/**
 * @module
 * CSRF tokens and small signed values. A form's token is an HMAC of the visitor's session (the
 * SHA-256 of the session token) or, before sign-in, of a random pre-session cookie, under a
 * server secret; it never appears in the store, and a token taken from one visitor is useless
 * to another. The same secret signs the short-lived single sign-on state cookie.
 */

import { createHmac, timingSafeEqual } from "node:crypto";

/** The token that forms of a visitor bound to `binding` must carry. */
export function csrfTokenFor(secret: Buffer, binding: string): string {
  return createHmac("sha256", secret).update(`csrf\n${binding}`).digest("base64url");
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Does `token` match the one for `binding`? */
export function checkCsrf(secret: Buffer, binding: string | null, token: unknown): boolean {
  if (binding === null || typeof token !== "string" || token.length > 100) return false;
  return safeEqual(csrfTokenFor(secret, binding), token);
}

/** `payload` as JSON, base64url, with an HMAC: tamper-evident, not secret from its holder. */
export function seal(secret: Buffer, purpose: string, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const mac = createHmac("sha256", secret).update(`${purpose}\n${body}`).digest("base64url");
  return `${body}.${mac}`;
}

/** The payload of a {@link seal}ed value, or null when it was altered or made for another purpose. */
export function unseal(secret: Buffer, purpose: string, sealed: string | undefined): unknown {
  if (!sealed || sealed.length > 4096) return null;
  const [body, mac] = sealed.split(".");
  if (!body || !mac) return null;
  if (!safeEqual(createHmac("sha256", secret).update(`${purpose}\n${body}`).digest("base64url"), mac)) return null;
  try {
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return null;
  }
}
