/**
 * @module
 * The contract between sign-in and the pages: who is signed in and what role they hold. Pages
 * read `request.user` (a {@link SessionUser} or null) and never look at sessions themselves.
 */

export type Role = "admin" | "analyst" | "manager" | "member";

/** The signed-in person, as every page sees them. */
export interface SessionUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  /** Areas (dashboard area ids) a manager may see child-level data for; empty for other roles. */
  readonly areas: readonly string[];
}

/** Every role, most powerful first. */
export const ROLES: readonly Role[] = ["admin", "analyst", "manager", "member"];

/** Type guard for a role read from a form, a claim or the database. */
export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}
