/**
 * @module
 * The Unique Pupil Number, once for the SSDA903 and CIN census rules and the generator. A UPN is
 * 13 characters: a check letter, the 3-digit LA code, 8 digits, and a last digit (or, for a
 * temporary UPN, a letter). The check letter is the DfE's: each of characters 2 to 13 times its
 * position (2 … 13), a letter in position 13 counted as its place in CHECK_LETTERS, summed,
 * modulo 23, as a letter of CHECK_LETTERS (A–Z without I, O and S). The DfE's CIN census rules
 * 1510–1550 name each part that is wrong.
 */

/** The 23 letters a check letter (and a temporary UPN's last character) can be, in value order. */
export const CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";

/**
 * LA codes characters 2–4 may hold: post-April-1998 LA codes and the pseudo-LA codes 001–005, as
 * the DfE's CIN rule 1530 lists them (2023-24, with 942 and 943).
 */
const LA_RANGES: readonly (readonly [number, number])[] = [
  [1, 5],
  [201, 213],
  [301, 320],
  [330, 336],
  [340, 344],
  [350, 359],
  [370, 373],
  [380, 384],
  [390, 394],
  [420, 420],
  [660, 681],
  [701, 708],
  [800, 803],
  [805, 808],
  [810, 813],
  [815, 816],
  [820, 823],
  [825, 826],
  [830, 831],
  [835, 841],
  [845, 846],
  [850, 852],
  [855, 857],
  [860, 861],
  [865, 896],
  [908, 909],
  [916, 916],
  [919, 919],
  [921, 921],
  [925, 926],
  [928, 929],
  [931, 931],
  [933, 933],
  [935, 938],
  [940, 943],
];

/** Whether three characters are an LA code a UPN may carry. */
export function upnLaCode(s: string): boolean {
  if (!/^\d{3}$/.test(s)) return false;
  const n = Number(s);
  return LA_RANGES.some(([a, b]) => n >= a && n <= b);
}

/** The check letter for characters 2–13 of a UPN, or null when they cannot carry one (not 11 digits and a digit or letter). */
export function upnCheckLetter(rest: string): string | null {
  if (!/^\d{11}[\dA-Z]$/.test(rest)) return null;
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const ch = rest[i]!;
    const v = /\d/.test(ch) ? Number(ch) : CHECK_LETTERS.indexOf(ch);
    if (v < 0) return null;
    sum += v * (i + 2);
  }
  return CHECK_LETTERS[sum % 23]!;
}

/** What is wrong with a UPN, part by part (the DfE CIN codes), in the order the parts come. */
export type UpnProblem = "length" | "la" | "digits" | "last" | "check";

/**
 * The problems of a 13-character UPN, none when it is valid; anything but 13 characters is
 * `length` alone (its parts cannot be told apart).
 */
export function upnProblems(upn: string): UpnProblem[] {
  if (upn.length !== 13) return ["length"];
  const out: UpnProblem[] = [];
  if (!upnLaCode(upn.slice(1, 4))) out.push("la");
  if (!/^\d{8}$/.test(upn.slice(4, 12))) out.push("digits");
  if (!/^[\dA-Z]$/.test(upn[12]!) || "IOS".includes(upn[12]!)) out.push("last");
  const check = upnCheckLetter(upn.slice(1));
  if (check === null || check !== upn[0]) out.push("check");
  return out;
}

/** Whether a UPN is valid: 13 characters, every part right and the check letter its own. */
export function validUpn(upn: string): boolean {
  return upnProblems(upn).length === 0;
}

/** A UPN with its check letter, from 12 characters (LA code, 8 digits, last digit or letter). */
export function withCheckLetter(rest: string): string {
  const c = upnCheckLetter(rest);
  if (c === null) throw new RangeError(`"${rest}" is not the 12 characters after a UPN's check letter`);
  return c + rest;
}
