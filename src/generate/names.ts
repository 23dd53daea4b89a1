/**
 * @module
 * Fictitious names for synthetic authorities, children and social workers, built from syllables
 * so that no list of real people is shipped and no generated name is meant to be anyone. It
 * deliberately does not check names against real places or people.
 */

import type { Random } from "./random.ts";

// 19 and 16 are coprime, so index → (index mod 19, index mod 16) gives 304 distinct names. Syllables
// are chosen so no pair spells a real English children's services authority (no Red+bridge, Kings+ton).
const PLACE_A = ["Lantern", "North", "East", "Ashen", "Bram", "Cal", "Dun", "Ember", "Fen", "Glen", "Hart", "Kest", "Mere", "Oak", "Rook", "Stan", "Thorn", "Wold", "West"];
const PLACE_B = ["shire", "moor", "bridge", "field", "ford", "ham", "ley", "mouth", "stead", "ton", "wick", "dale", "borough", "combe", "hurst", "well"];

/** A fictitious authority name ("Lanternshire", "Northmoor", "Eastbridge", …); distinct for the first 304 indexes. */
export function authorityName(index: number): string {
  const a = PLACE_A[index % PLACE_A.length]!;
  const b = PLACE_B[index % PLACE_B.length]!;
  const round = Math.floor(index / (PLACE_A.length * PLACE_B.length));
  return `${a}${b}${round ? ` ${round + 1}` : ""}`;
}

const ONSET = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "cl", "dr", "fr", "gr", "sh", "st", "th", "tr"];
const VOWEL = ["a", "e", "i", "o", "u", "ai", "ea", "ie", "oo", "ou", "y"];
const CODA = ["", "", "n", "l", "r", "s", "th", "ck", "m", "nd", "x", "ll", "ne", "sa", "ra", "ta"];

function word(r: Random, syllables: number): string {
  let w = "";
  for (let i = 0; i < syllables; i++) w += r.pick(ONSET) + r.pick(VOWEL) + (i === syllables - 1 ? r.pick(CODA) : "");
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** A fictitious forename and surname. */
export function personName(r: Random): { forename: string; surname: string } {
  return { forename: word(r, r.int(1, 2)), surname: word(r, r.int(2, 3)) };
}
