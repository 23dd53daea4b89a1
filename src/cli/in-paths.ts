/**
 * @module
 * One check of the files and folders a command reads (import's PATH...), made before any store is
 * opened: opening the embedded store creates it, so a mistyped path was refused only after an
 * empty store had been left behind in --data (or ./lantern-data). Each path must exist and be
 * readable; what is in it is for the reader to judge.
 */

import { accessSync, constants, statSync } from "node:fs";
import { LanternError } from "../core/errors.ts";

/**
 * Refuse the first of `paths` that does not exist (LANTERN_FILE_NOT_FOUND) or that Lantern may not
 * read (LANTERN_FILE_UNREADABLE), naming it; `hint` says what the command expects there.
 */
export function requireReadable(paths: readonly string[], hint: string): void {
  for (const p of paths) {
    let folder: boolean;
    try {
      folder = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM") throw unreadable(p, "a folder on its way cannot be opened");
      throw new LanternError("LANTERN_FILE_NOT_FOUND", `${p} does not exist.`, { hint });
    }
    try {
      accessSync(p, folder ? constants.R_OK | constants.X_OK : constants.R_OK);
    } catch {
      throw unreadable(p, folder ? "the folder's contents cannot be listed" : "the file cannot be read");
    }
  }
}

function unreadable(path: string, what: string): LanternError {
  return new LanternError("LANTERN_FILE_UNREADABLE", `${path} cannot be read: Lantern is not allowed to (${what}; permission denied).`, {
    hint: "Give the account running Lantern permission to read it, or copy it somewhere it can, then run the command again.",
  });
}
