/**
 * @module
 * The names uploaded files are saved under while they are checked. People name returns as they
 * like ("Annex A – List 1.csv", "Children's list 1.csv", "903 [2024].csv"), so a name is not
 * refused for its characters: it is saved under a safe form of itself instead, with the extension
 * kept. Nothing in a name can leave the upload's folder: only the part after the last `/` or `\`
 * is used, control characters and any character outside letters, digits and common punctuation
 * become `_`, runs of dots become one, leading dots and spaces go, the length is capped (in bytes
 * too), and a Windows device name (`CON`, `NUL`, `COM1`…) gains a leading `_`. Names
 * Lantern's loaders recognise (`ssd_<table>.csv`, its copies such as `ssd_person (1).csv`,
 * `population.csv`, `authorities.csv`) are made only of kept characters, so they are never changed;
 * returns and figures files are recognised by their content. Two files of the same name in one
 * upload would overwrite each other, so they are refused, as `lantern import` refuses a table twice.
 */

/** The file types an upload may hold. */
export const UPLOAD_EXTENSION = /\.(csv|xml|xlsx)$/i;

/** The longest name saved, in characters and in UTF-8 bytes, extension included (file systems allow 255 bytes). */
const MAX_NAME = 120;
const MAX_BYTES = 200;

/** Names Windows keeps for devices (`CON.csv` would be the console, not a file). */
const DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

/** Characters kept in a saved name; every other becomes `_`. */
const KEPT = /[\p{L}\p{M}\p{N} _.,()[\]{}&'+@#=~!\u2013\u2014-]/u;

/** The name an upload's file is saved under, or why it cannot be taken, saying what is wrong. */
export type UploadName = { readonly saved: string } | { readonly refused: "type" | "name"; readonly why: string };

/** The name `filename` (as the browser sent it) is saved under, or why it is refused. */
export function uploadName(filename: string): UploadName {
  const base = filename.split(/[\\/]/).pop() ?? "";
  const ext = UPLOAD_EXTENSION.exec(base);
  if (!ext) return { refused: "type", why: "it is not a CSV, XML or Excel (.xlsx) file" };
  const stem = [...base.slice(0, ext.index).normalize("NFC")]
    .map((c) => (KEPT.test(c) ? c : "_"))
    .join("")
    .replace(/\.{2,}/g, ".")
    .replace(/^[.\s]+|[.\s]+$/g, "");
  if (!/[\p{L}\p{N}]/u.test(stem)) return { refused: "name", why: "its name has no letters or digits before the extension" };
  const room = MAX_NAME - ext[0].length;
  const chars = [...stem].slice(0, room);
  // Letters outside Latin take 2 to 4 bytes each: cut by bytes too, so 120 of them still fit.
  while (Buffer.byteLength(chars.join("") + ext[0]) > MAX_BYTES) chars.pop();
  const cut = chars.join("").replace(/[.\s]+$/, "");
  return { saved: `${DEVICE.test(cut) ? `_${cut}` : cut}${ext[0]}` };
}
