/**
 * @module
 * What a local password must be, after NCSC's password guidance and NIST SP 800-63B §5.1.1.2:
 * long enough (12 to 256 characters), and not one an attacker tries first: blank or only
 * spaces, one character repeated, one of the commonest passwords, or the user's own name. No
 * composition rules (a digit, a symbol…) and no expiry: both push people to weaker passwords.
 * The deny-list is short and kept here, so nothing is fetched: it holds the commonest passwords
 * of 12 characters or more from public breach lists, keyboard runs and the product's own name.
 * Comparison ignores case, spaces and the usual separators, so "Password 1234" is refused too.
 */

import { LanternError } from "../../core/errors.ts";

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** What a password must be, in words, for forms and help. */
export const PASSWORD_RULE = `${PASSWORD_MIN} to ${PASSWORD_MAX} characters, not only spaces, not one character repeated, not the user name and not a common password; a phrase of three or four words is easy to remember`;

/** The commonest passwords long enough to pass the length rule, normalised by {@link normalise}. */
const COMMON = new Set([
  "123456789012",
  "1234567890123",
  "12345678901234",
  "123456789123",
  "123123123123",
  "123412341234",
  "098765432109",
  "121212121212",
  "123456123456",
  "112233445566",
  "abcdefghijkl",
  "abcdefghijklmnop",
  "abcdefghijklmnopqrstuvwxyz",
  "abc123abc123",
  "abc123456789",
  "123456789abc",
  "qwertyuiopas",
  "qwertyuiopasdfghjkl",
  "qwertyuiopasdfghjklzxcvbnm",
  "qwertyqwerty",
  "qwerty123456",
  "123456qwerty",
  "qwertyuiop12",
  "qwertyuiop123",
  "1q2w3e4r5t6y",
  "1qaz2wsx3edc",
  "1qaz2wsx3edc4rfv",
  "qazwsxedcrfv",
  "zaq12wsxcde3",
  "asdfghjkl123",
  "asdfasdfasdf",
  "password1234",
  "password12345",
  "password123456",
  "password123!",
  "passw0rd1234",
  "p@ssw0rd1234",
  "p@ssword1234",
  "passwordpassword",
  "mypassword123",
  "newpassword1",
  "changeme1234",
  "changemenow1",
  "letmein12345",
  "letmeinletmein",
  "welcome12345",
  "welcome123456",
  "iloveyou1234",
  "iloveyouiloveyou",
  "administrator",
  "administrator1",
  "admin1234567",
  "adminadminadmin",
  "superuser123",
  "correcthorsebatterystaple",
  "trustno1trustno1",
  "football1234",
  "baseball1234",
  "sunshine1234",
  "princess1234",
  "monkey123456",
  "dragon123456",
  "starwars1234",
  "liverpool123",
  "liverpool1234",
  "arsenal12345",
  "chelsea12345",
  "manchesterunited",
  "summer2024!!",
  "lanternlantern",
  "lantern123456",
  "lantern1234567",
  "lanternpassword",
  "lanternadmin1",
  "lanternadmin123",
  "childrensservices",
  "socialservices",
  "socialworker1",
]);

/** Lower case, without whitespace and the separators people put between words. */
function normalise(pw: string): string {
  return pw.toLowerCase().replace(/[\s._-]+/g, "");
}

function weak(message: string): LanternError {
  return new LanternError("LANTERN_AUTH_WEAK_PASSWORD", `${message} Use ${PASSWORD_RULE}.`);
}

/** Refuse a password that is too short or long, blank, one character repeated, common, or the user name. */
export function checkPassword(pw: string, username?: string): void {
  if (pw.length < PASSWORD_MIN || pw.length > PASSWORD_MAX) throw new LanternError("LANTERN_AUTH_WEAK_PASSWORD", `The password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long, not only spaces, not one character repeated and not a common password.`);
  // Length alone let twelve spaces through; a typed password is never meant to be blank.
  if (pw.trim() === "") throw weak("The password is blank: it is only spaces.");
  const n = normalise(pw);
  if (new Set(pw).size === 1 || new Set(n).size <= 1) throw weak("The password is one character repeated (spaces and separators aside), which is guessed at once.");
  if (COMMON.has(n)) throw weak("The password is one of the commonest passwords, which are tried first.");
  if (username && n === normalise(username)) throw weak("The password is the user name.");
}
