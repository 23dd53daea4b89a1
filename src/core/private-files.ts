/**
 * @module
 * Files holding child-level data (exports, uploads, validation reports, committee reports) are
 * written readable by their owner alone, as backups are: on a shared server another account must
 * not be able to read them. A mode given when writing applies only to a new file, so a file being
 * overwritten is narrowed too.
 */

import { chmodSync, createWriteStream, mkdirSync, type WriteStream, writeFileSync } from "node:fs";

/** Read and write for the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/** Narrow an existing file to the owner; nothing when there is none yet. */
function narrow(path: string): void {
  try {
    chmodSync(path, PRIVATE_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

/** `writeFileSync`, readable by the owner alone. */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  narrow(path);
  writeFileSync(path, data, { mode: PRIVATE_FILE_MODE });
}

/** `createWriteStream`, readable by the owner alone. */
export function privateWriteStream(path: string, opts: { readonly encoding?: BufferEncoding } = {}): WriteStream {
  narrow(path);
  return createWriteStream(path, { ...opts, mode: PRIVATE_FILE_MODE });
}

/** `mkdirSync` with its parents; folders it makes are the owner's alone (an existing one is left as it is). */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}
