/**
 * @module
 * How a breakdown's categories read on a page: the CIN census codes for where a contact or
 * referral came from with their names ("2A Schools", not "2A"), age bands youngest first rather
 * than in text order ("1-4, 10-15, 16-17, 5-9"), and sex in words. The stored categories, the
 * CSV downloads and `lantern indicators --by` keep the codes; this is only what a reader sees.
 */

/**
 * The CIN census's referral (and contact) source codes, in its order, named as the DfE's CIN
 * census guide names them.
 */
const SOURCES: readonly (readonly [string, string])[] = [
  ["1A", "Individual: self"],
  ["1B", "Individual: family member, relative or carer"],
  ["1C", "Individual: acquaintance (including neighbours and child minders)"],
  ["1D", "Individual: other (including strangers and MPs)"],
  ["2A", "Schools"],
  ["2B", "Education services"],
  ["3A", "Health services: GP"],
  ["3B", "Health services: health visitor"],
  ["3C", "Health services: school nurse"],
  ["3D", "Health services: other primary health services"],
  ["3E", "Health services: A&E"],
  ["3F", "Health services: other"],
  ["4", "Housing (local authority housing or housing association)"],
  ["5A", "Local authority services: social care"],
  ["5B", "Local authority services: other internal"],
  ["5C", "Local authority services: external"],
  ["5D", "Early help"],
  ["6", "Police"],
  ["7", "Other legal agency (including courts, probation, immigration, CAFCASS and prison)"],
  ["8", "Other"],
  ["9", "Anonymous"],
  ["10", "Unknown"],
];
const SOURCE_NAME = new Map(SOURCES);
const SOURCE_RANK = new Map(SOURCES.map(([c], i) => [c, i]));

const AGE_BANDS = ["unborn", "under 1", "1-4", "5-9", "10-15", "16-17", "18 and over"];

const SEX: Record<string, string> = { M: "Male", F: "Female", MALE: "Male", FEMALE: "Female" };

/** Categories that say nothing is known sort last. */
const UNKNOWN = new Set(["not recorded", "unknown", "not stated", ""]);

/** A category as a reader sees it. */
export function categoryLabel(dim: string, category: string): string {
  if (dim === "source") {
    const name = SOURCE_NAME.get(category.toUpperCase());
    return name ? `${category.toUpperCase()} ${name}` : category;
  }
  if (dim === "sex") return SEX[category.toUpperCase()] ?? category;
  return category;
}

/**
 * Where a category sorts in its breakdown: by the code list or by age, with "not recorded" last;
 * otherwise where it was (a stable sort keeps the store's order, by name).
 */
export function compareCategories(dim: string, a: string, b: string): number {
  const rank = (c: string): number => {
    if (UNKNOWN.has(c.toLowerCase())) return 1e6;
    if (dim === "source") return SOURCE_RANK.get(c.toUpperCase()) ?? 1e5;
    if (dim === "age_band" || dim === "age") {
      const i = AGE_BANDS.indexOf(c);
      return i >= 0 ? i : /^\d+$/.test(c) ? Number(c) : 1e5;
    }
    return 0;
  };
  return rank(a) - rank(b);
}
