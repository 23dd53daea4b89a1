/**
 * @module
 * Who is running a command, for the audit log and a snapshot's "loaded by": `LANTERN_USER` when
 * set (so a shared service account, or a scheduled job, can name the person responsible), else the
 * operating-system account. One definition, so every command records a person the same way.
 */

import { userInfo } from "node:os";

/** The person running this process's commands. */
export function commandLineUser(env: NodeJS.ProcessEnv = process.env): string {
  const named = env["LANTERN_USER"]?.trim();
  if (named) return named;
  if (env["USER"]) return env["USER"];
  try {
    return userInfo().username || "unknown";
  } catch {
    // No passwd entry for this uid (some containers).
    return "unknown";
  }
}
