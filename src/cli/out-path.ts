/**
 * @module
 * One check of an `--out` path for every command that writes a file or a folder (report, export),
 * made before any work: a report or a return can take minutes to build and must not then fail on
 * a typing mistake in the path. The folder it goes in must already exist (nothing is created
 * silently: a mistyped path would otherwise scatter child-level files), a file is not written over
 * a folder nor a folder over a file, and a failure while writing (permission, disk full) becomes a
 * LanternError naming the path rather than a crash. It does not decide file names or formats.
 */

import { accessSync, constants, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { LanternError } from "../core/errors.ts";

/** What is written at the path: one file, or a folder of files. */
export type OutKind = "file" | "folder";

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuse an output path that cannot be written, with LANTERN_BAD_OPTION naming the option and
 * what to do. `example` is a file or folder name used in the hint (such as `report.html`).
 */
export function checkOutPath(path: string, kind: OutKind, example: string, option = "out"): void {
  const flag = `--${option}`;
  if (path.trim() === "") throw new LanternError("LANTERN_BAD_OPTION", `${flag} is empty.`, { hint: `Name the ${kind} to write, for example ${flag} ${example}.` });
  const here = statOf(path);
  if (here?.isDirectory() && kind === "file") {
    throw new LanternError("LANTERN_BAD_OPTION", `${flag} ${path} is a folder, and this is written to a file.`, { hint: `Name a file in it, for example ${flag} ${join(path, example)}.` });
  }
  if (here && !here.isDirectory() && kind === "folder") {
    throw new LanternError("LANTERN_BAD_OPTION", `${flag} ${path} is a file, and this is written as a folder of files.`, { hint: `Name a new or existing folder instead, for example ${flag} ${join(dirname(path), example)}.` });
  }
  if (here) {
    if (!writable(path)) throw new LanternError("LANTERN_BAD_OPTION", `${flag} ${path}: Lantern is not allowed to write ${kind === "file" ? "to that file" : "in that folder"}.`, { hint: `Choose a ${kind} you can write to, or change its permissions.` });
    return;
  }
  const parent = dirname(resolve(path));
  const up = statOf(parent);
  if (!up) {
    throw new LanternError("LANTERN_BAD_OPTION", `${flag} ${path}: the folder ${parent} does not exist.`, { hint: `Create it first (mkdir -p ${parent}), or choose a path in a folder that exists.` });
  }
  if (!up.isDirectory()) throw new LanternError("LANTERN_BAD_OPTION", `${flag} ${path}: ${parent} is a file, not a folder.`, { hint: "Choose a path in a folder that exists." });
  if (!writable(parent)) throw new LanternError("LANTERN_BAD_OPTION", `${flag} ${path}: Lantern is not allowed to write in the folder ${parent}.`, { hint: "Choose a folder you can write to, or change its permissions." });
}

/** File-system error codes that mean the output could not be written (rather than a bug). */
const WRITE_CODES: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EFBIG: "the file is too large for the file system",
  EIO: "an input/output error on the disk",
  EISDIR: "it is a folder",
  ENOTDIR: "part of the path is not a folder",
  ENOENT: "the folder no longer exists",
};
const WRITE_CALLS = new Set(["open", "write", "writev", "close", "fsync", "mkdir", "rename", "copyfile", "futime", "ftruncate"]);

/** The LanternError for a file-system failure while writing `path`, or null when `e` is not one. */
export function writeFailure(e: unknown, path: string, option = "out"): LanternError | null {
  const err = e as NodeJS.ErrnoException | null;
  if (!err || typeof err !== "object" || typeof err.code !== "string" || !(err.code in WRITE_CODES)) return null;
  if (err.syscall && !WRITE_CALLS.has(err.syscall)) return null;
  // An error about another path (such as the store's own file) is not this output's.
  const out = resolve(path);
  if (err.path && resolve(err.path) !== out && !resolve(err.path).startsWith(out + sep)) return null;
  const partial = err.syscall !== "open" && err.syscall !== "mkdir" ? " What was written there is incomplete: do not use it." : "";
  return new LanternError("LANTERN_WRITE_FAILED", `Could not write --${option} ${path}: ${WRITE_CODES[err.code]} (${err.code}).${partial}`, {
    cause: e,
    hint: err.code === "ENOSPC" || err.code === "EDQUOT" ? "Free some space, or write to another disk, and run the command again." : `Fix the problem, or choose another place with --${option}, and run the command again.`,
  });
}

/** Run `work`, which writes to `path`; a file-system failure of the write becomes LANTERN_WRITE_FAILED. */
export async function writingTo<T>(path: string, work: () => Promise<T> | T, option = "out"): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw writeFailure(e, path, option) ?? e;
  }
}
