/**
 * @module
 * Reading text files whatever encoding a council's system or Excel saved them in: UTF-8 with or
 * without a byte-order mark, UTF-16 (Excel's "Unicode text", little or big endian) and
 * Windows-1252 (Excel's plain "CSV"). The encoding is decided once from the first 64 KB, then
 * the file is decoded as a stream so its size never bounds memory. A file that is not text
 * (NUL bytes without a UTF-16 pattern) or whose UTF-8 breaks later on is refused with a
 * structured error saying how to re-save it.
 */

import { isUtf8 } from "node:buffer";
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { LanternError } from "../core/errors.ts";

export type TextEncoding = "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "windows-1252";

/** The first bytes of a file (up to `n`). */
export function headBytes(path: string, n = 65536): Buffer {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** At most this many NUL bytes in the part sniffed, in text with no other control bytes, are stray (a damaged cell), not binary data. */
const STRAY_NULS = 4;

/** Decide a file's encoding from its first bytes; undefined when it is not text. */
export function sniffEncoding(head: Uint8Array): TextEncoding | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8-bom";
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  let nulEven = 0;
  let nulOdd = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 0) i % 2 === 0 ? nulEven++ : nulOdd++;
  if (nulEven + nulOdd > 0) {
    // UTF-16 without a BOM: ASCII text has a NUL in every other byte.
    if (nulOdd > head.length / 4 && nulEven === 0) return "utf-16le";
    if (nulEven > head.length / 4 && nulOdd === 0) return "utf-16be";
    // A NUL or two in what is otherwise text is a damaged cell, which the CSV reader refuses at its
    // row and field; a workbook, archive or image has many, and other control bytes besides.
    if (nulEven + nulOdd > STRAY_NULS || head.some((b) => b !== 0 && b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c)) return undefined;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return "utf-8";
  } catch {
    // Mostly UTF-8 characters and a stray byte or two that are not (part of the file saved in
    // another encoding): read as Windows-1252, every "é" would quietly become "Ã©". Read as UTF-8,
    // the stray bytes are refused where they are. Windows-1252 text rarely forms a UTF-8 sequence
    // (an "É" before a curly quote does), and mostly does not.
    const { valid, invalid } = utf8Sequences(head);
    return valid >= 2 && valid >= 4 * invalid ? "utf-8" : "windows-1252";
  }
}

/** The length in bytes of the UTF-8 character a byte starts: 1 for ASCII, 2 to 4, or 0 for a byte that starts none. */
function utf8Length(lead: number): number {
  return lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
}

/** Multi-byte UTF-8 sequences in `bytes`, and bytes above 127 that start none (a sequence cut off at the end is neither). */
export function utf8Sequences(bytes: Uint8Array): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.length; ) {
    const length = utf8Length(bytes[i]!);
    if (length === 1) {
      i++;
      continue;
    }
    if (length === 0) {
      invalid++;
      i++;
      continue;
    }
    const need = length - 1;
    if (i + need >= bytes.length) break;
    let ok = true;
    for (let k = 1; k <= need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) ok = false;
    if (ok) {
      valid++;
      i += need + 1;
    } else {
      invalid++;
      i++;
    }
  }
  return { valid, invalid };
}

/** Decode a whole (small) buffer to text by its sniffed encoding. */
export function decodeBuffer(buf: Uint8Array, name = "the file"): { text: string; encoding: TextEncoding } {
  const encoding = sniffEncoding(buf.subarray(0, 65536));
  if (!encoding) throw notText(name);
  const dec = decoderFor(encoding);
  try {
    return { text: stripBom(dec.decode(buf)), encoding };
  } catch {
    throw badUtf8(name);
  }
}

function decoderFor(e: TextEncoding): InstanceType<typeof TextDecoder> {
  const label = e === "utf-8-bom" ? "utf-8" : e;
  return new TextDecoder(label, { fatal: e === "utf-8" || e === "utf-8-bom", ignoreBOM: false });
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function notText(name: string): LanternError {
  return new LanternError("LANTERN_FILE_UNREADABLE", `${name} is not a text file Lantern can read (it holds binary data).`, {
    hint: "Give the CSV or XML file itself. A workbook must be .xlsx (Excel 2007 or later); zipped or .xls files must be opened in Excel and saved as .xlsx or CSV UTF-8.",
  });
}

function badUtf8(name: string, at?: { readonly line: number; readonly text: string }): LanternError {
  const where = at ? ` (first at line ${at.line}: "${at.text}", where \uFFFD stands for what could not be read)` : "";
  return new LanternError("LANTERN_FILE_UNREADABLE", `${name} is UTF-8 text but holds bytes that are not UTF-8${where}: part of it was saved in another encoding.`, {
    hint: "Re-save it as UTF-8 (in Excel: Save As › CSV UTF-8 (Comma delimited)) and load it again.",
    ...(at ? { issues: [{ code: "FORMAT_NOT_UTF8", severity: "error" as const, file: name, row: at.line, value: at.text, message: `Line ${at.line} holds bytes that are not UTF-8: part of ${name} was saved in another encoding.`, expected: "UTF-8 text" }] } : {}),
  });
}

/** The offset of the first byte of `b` that does not begin a whole UTF-8 character, or -1. */
function firstBadByte(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const n = utf8Length(b[i]!);
    if (n === 0 || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += n;
  }
  return -1;
}

/**
 * Where the first byte of the file at `path` that is not UTF-8 lies: its line (lines end with
 * CRLF, LF or a lone CR, as the CSV readers take them) and that line's text, read leniently and
 * cut to 120 characters. Read again from the start, and only once a read has been refused, so
 * reading a good file costs nothing for it. Undefined if every byte is UTF-8 after all.
 */
async function locateBadUtf8(path: string): Promise<{ line: number; text: string } | undefined> {
  let lines = 0;
  let afterCr = false;
  let current: Uint8Array = new Uint8Array(0);
  let held: Uint8Array = new Uint8Array(0);
  const keepLine = (b: Uint8Array) => (b.length > 4096 ? b.subarray(b.length - 4096) : b);
  const text = (bytes: Uint8Array) => {
    const t = new TextDecoder("utf-8").decode(bytes);
    return t.length > 120 ? `${t.slice(0, 120)}…` : t;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    const b = Buffer.concat([held, chunk as Buffer]);
    held = heldBack(b);
    const body = b.subarray(0, b.length - held.length);
    const bad = firstBadByte(body);
    const upTo = bad < 0 ? body.length : bad;
    let lineStart = 0;
    for (let i = 0; i < upTo; i++) {
      const c = body[i]!;
      if (c === 13) {
        lines++;
        lineStart = i + 1;
      } else if (c === 10) {
        if (!(i === 0 ? afterCr : body[i - 1] === 13)) lines++;
        lineStart = i + 1;
      }
    }
    if (upTo > 0) afterCr = body[upTo - 1] === 13;
    const before = lineStart === 0 ? Buffer.concat([current, body.subarray(0, upTo)]) : body.subarray(lineStart, upTo);
    if (bad >= 0) {
      const rest = b.subarray(bad, bad + 600);
      const end = rest.findIndex((x) => x === 10 || x === 13);
      return { line: lines + 1, text: text(Buffer.concat([before, end < 0 ? rest : rest.subarray(0, end)])) };
    }
    current = keepLine(before);
  }
  // A character cut off by the end of the file.
  return held.length ? { line: lines + 1, text: text(Buffer.concat([current, held])) } : undefined;
}

/**
 * The bytes at the end of `b` that begin a UTF-8 character not yet complete (what a streaming
 * decoder holds back until the next chunk), as a copy. A byte that starts no character is not held
 * back: it is refused where it is.
 */
function heldBack(b: Uint8Array): Uint8Array {
  for (let i = b.length - 1; i >= 0 && i >= b.length - 3; i--) {
    const x = b[i]!;
    if ((x & 0xc0) === 0x80) continue;
    return i + (utf8Length(x) || 1) > b.length ? b.slice(i) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

/** Characters handed on at a time. */
const PIECE = 64 * 1024;

/**
 * Decoded text in pieces of at most {@link PIECE} characters (never splitting a surrogate pair).
 * A parser given a whole 256 KB read at once turns it into thousands of records that wait in its
 * buffer long enough to outlive the young generation; smaller pieces keep the garbage young, which
 * measured a third less peak memory on a 50 MB 903 (the file is still read and decoded 256 KB at a
 * time, so where a broken encoding is found is unchanged).
 */
function* pieces(s: string): Generator<string> {
  for (let i = 0; i < s.length; ) {
    let j = Math.min(s.length, i + PIECE);
    if (j < s.length) {
      const c = s.charCodeAt(j - 1);
      if (c >= 0xd800 && c <= 0xdbff) j--;
    }
    yield s.slice(i, j);
    i = j;
  }
}

/** A text file opened for streaming: its encoding and its decoded chunks. */
export interface TextStream {
  readonly encoding: TextEncoding;
  readonly bytes: number;
  /** The text's first line (read from the first 64 KB, not checked): to pick a delimiter or match a header. */
  firstLine(): string;
  chunks(onBytes?: (n: number) => void): AsyncGenerator<string>;
}

/** Open a text file for streaming decode. Throws LANTERN_FILE_UNREADABLE for binary files. */
export function openText(path: string): TextStream {
  const name = basename(path);
  const head = headBytes(path);
  const encoding = sniffEncoding(head);
  if (!encoding) throw notText(name);
  return {
    encoding,
    bytes: head.length,
    firstLine() {
      const label = encoding === "utf-8-bom" ? "utf-8" : encoding;
      const text = stripBom(new TextDecoder(label).decode(head, { stream: true }));
      const nl = text.search(/[\r\n]/);
      return nl >= 0 ? text.slice(0, nl) : text;
    },
    async *chunks(onBytes?: (n: number) => void) {
      const dec = decoderFor(encoding);
      let first = true;
      let done = 0;
      const utf8 = encoding === "utf-8" || encoding === "utf-8-bom";
      for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
        const b = chunk as Buffer;
        done += b.length;
        onBytes?.(done);
        let s: string;
        try {
          s = dec.decode(b, { stream: true });
        } catch {
          throw badUtf8(name, utf8 ? await locateBadUtf8(path) : undefined);
        }
        if (first && s.length) {
          s = stripBom(s);
          first = false;
        }
        yield* pieces(s);
      }
      let tail: string;
      try {
        tail = dec.decode();
      } catch {
        // A character cut off by the end of the file.
        throw badUtf8(name, utf8 ? await locateBadUtf8(path) : undefined);
      }
      yield* pieces(tail);
    },
  };
}

/**
 * Whether bytes arriving in chunks are all UTF-8, without decoding them (a reader that decodes
 * for itself, such as the CSV parser, puts U+FFFD where a byte is not UTF-8, and so does a
 * program that wrote a file with the character itself: only the bytes tell the two apart). A
 * character split between two chunks is checked whole.
 */
export class Utf8Check {
  #carry: Uint8Array = new Uint8Array(0);
  #valid = true;

  push(chunk: Uint8Array): void {
    if (!this.#valid) return;
    let buf = chunk;
    if (this.#carry.length) {
      buf = new Uint8Array(this.#carry.length + chunk.length);
      buf.set(this.#carry);
      buf.set(chunk, this.#carry.length);
    }
    // Hold back a last character that may continue in the next chunk.
    const held = heldBack(buf);
    if (!isUtf8(buf.subarray(0, buf.length - held.length))) this.#valid = false;
    this.#carry = held;
  }

  /** True when every byte pushed was UTF-8, the last character included. */
  end(): boolean {
    return this.#valid && this.#carry.length === 0;
  }
}
