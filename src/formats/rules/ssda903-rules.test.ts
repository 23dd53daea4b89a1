/**
 * Every SSDA903 DfE rule with a passing and a failing case: the passing case is a valid child
 * (checked clean against the whole registry); each failing case changes that child in the one
 * way the rule forbids, and must raise that rule (and the base must not).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { dayOf } from "../../calendar/dates.ts";
import type { SourceRecord } from "../model.ts";
import { type Child903, Model903, type Ssda903Table } from "../ssda903.ts";
import { runRules } from "./registry.ts";
import { SSDA903_RULES } from "./ssda903-rules.ts";

type Tables = Partial<Record<Ssda903Table, Record<string, string>[]>>;

function base(): Tables {
  return {
    Header: [{ CHILD: "C1", SEX: "M", DOB: "01/06/2010", ETHNIC: "WBRI", UPN: "A123456789012", MOTHER: "", MC_DOB: "" }],
    Episodes: [
      { CHILD: "C1", DECOM: "01/05/2023", RNE: "S", LS: "C2", CIN: "N1", PLACE: "U4", PLACE_PROVIDER: "PR1", DEC: "01/09/2023", REC: "X1", REASON_PLACE_CHANGE: "CARPL", HOME_POST: "", PL_POST: "", URN: "" },
      { CHILD: "C1", DECOM: "01/09/2023", RNE: "P", LS: "C2", CIN: "N1", PLACE: "U6", PLACE_PROVIDER: "PR1", DEC: "", REC: "", REASON_PLACE_CHANGE: "", HOME_POST: "", PL_POST: "", URN: "" },
    ],
    Reviews: [{ CHILD: "C1", DOB: "01/06/2010", REVIEW: "01/06/2023", REVIEW_CODE: "PN1" }],
    UASC: [{ CHILD: "C1", SEX: "M", DOB: "01/06/2010", DUC: "01/06/2028" }],
    AD1: [{ CHILD: "C1", DOB: "01/06/2010", DATE_INT: "01/02/2024", DATE_MATCH: "01/03/2024", FOSTER_CARE: "0", NB_ADOPTR: "2", SEX_ADOPTR: "MF", LS_ADOPTR: "L0" }],
    PlacedAdoption: [{ CHILD: "C1", DOB: "01/06/2010", DATE_PLACED: "01/01/2024", DATE_PLACED_CEASED: "", REASON_PLACED_CEASED: "" }],
    OC2: [{ CHILD: "C1", DOB: "01/06/2010", SDQ_SCORE: "10", SDQ_REASON: "", CONVICTED: "0", HEALTH_CHECK: "1", IMMUNISATIONS: "1", TEETH_CHECK: "1", HEALTH_ASSESSMENT: "1", SUBSTANCE_MISUSE: "0", INTERVENTION_RECEIVED: "", INTERVENTION_OFFERED: "" }],
    OC3: [{ CHILD: "C1", DOB: "01/06/2010", IN_TOUCH: "YES", ACTIV: "F1", ACCOM: "B1" }],
  };
}

function child(t: Tables): Child903 {
  const m = new Model903();
  let row = 2;
  for (const [table, rows] of Object.entries(t) as [Ssda903Table, Record<string, string>[]][]) {
    for (const f of rows) m.add(table, { file: `${table}.csv`, row: row++, f: { ...f } } satisfies SourceRecord);
  }
  return m.child("C1");
}

const ep = (t: Tables, i: number) => t.Episodes![i]!;
const hd = (t: Tables) => t.Header![0]!;

/** For each rule: a change to the valid child that breaks it. */
const FAIL: Record<string, (t: Tables) => void> = {
  // A blank required date; a date that cannot be read is a structural error (ssda903-read.test.ts).
  "102": (t) => {
    hd(t).DOB = "";
  },
  "168": (t) => {
    hd(t).UPN = "B123456789012";
  },
  "141": (t) => {
    ep(t, 1).DECOM = "";
  },
  "166": (t) => {
    t.Reviews![0]!.REVIEW = "";
  },
  "356": (t) => {
    ep(t, 0).DEC = "01/04/2023";
  },
  "353": (t) => {
    ep(t, 0).DECOM = "01/01/1990";
  },
  "501": (t) => {
    ep(t, 1).DECOM = "01/08/2023";
  },
  "142": (t) => {
    ep(t, 0).DEC = "";
    ep(t, 0).REC = "";
  },
  "148": (t) => {
    ep(t, 0).REC = "";
  },
  "433": (t) => {
    ep(t, 1).DECOM = "05/09/2023";
  },
  "431": (t) => {
    ep(t, 1).RNE = "S";
  },
  "437": (t) => {
    ep(t, 0).REC = "E2";
  },
  "101": (t) => {
    hd(t).SEX = "X";
  },
  "103": (t) => {
    hd(t).ETHNIC = "WXYZ";
  },
  "143": (t) => {
    ep(t, 1).RNE = "Q";
  },
  "144": (t) => {
    ep(t, 1).LS = "C9";
  },
  "145": (t) => {
    ep(t, 1).CIN = "N9";
  },
  "146": (t) => {
    ep(t, 1).PLACE = "U9";
  },
  "149": (t) => {
    ep(t, 0).REC = "E99";
  },
  "178": (t) => {
    ep(t, 0).PLACE_PROVIDER = "PR9";
  },
  "167": (t) => {
    t.Reviews![0]!.REVIEW_CODE = "PN9";
  },
  "120": (t) => {
    t.PlacedAdoption![0]!.DATE_PLACED_CEASED = "01/02/2024";
    t.PlacedAdoption![0]!.REASON_PLACED_CEASED = "XXX";
  },
  "114": (t) => {
    t.AD1![0]!.FOSTER_CARE = "2";
  },
  "175": (t) => {
    t.AD1![0]!.NB_ADOPTR = "3";
  },
  "176": (t) => {
    t.AD1![0]!.SEX_ADOPTR = "XX";
  },
  "177": (t) => {
    t.AD1![0]!.LS_ADOPTR = "L9";
  },
  "196": (t) => {
    t.OC2![0]!.SDQ_REASON = "SDQ9";
  },
  "151": (t) => {
    t.AD1![0]!.LS_ADOPTR = "";
  },
  "153": (t) => {
    t.OC3![0]!.ACCOM = "";
  },
  "119": (t) => {
    t.PlacedAdoption![0]!.DATE_PLACED_CEASED = "01/02/2024";
  },
  "174": (t) => {
    hd(t).MC_DOB = "01/01/2024";
  },
  "184": (t) => {
    t.PlacedAdoption![0]!.DATE_PLACED = "01/01/2009";
  },
  "361": (t) => {
    ep(t, 0).LS = "L1";
    ep(t, 0).DEC = "05/05/2023";
    ep(t, 1).DECOM = "05/05/2023";
  },
  "362": (t) => {
    ep(t, 0).LS = "L2";
  },
  "363": (t) => {
    ep(t, 0).LS = "L3";
  },
  "378": (t) => {
    ep(t, 1).PLACE = "P1";
    ep(t, 1).LS = "V2";
  },
  "380": (t) => {
    ep(t, 0).PLACE = "T1";
  },
  "352": (t) => {
    hd(t).DOB = "01/06/2004";
  },
  "358": (t) => {
    hd(t).DOB = "01/06/2015";
    ep(t, 1).LS = "J1";
  },
  "372": (t) => {
    hd(t).DOB = "01/06/2015";
    ep(t, 1).PLACE = "R5";
  },
  "373": (t) => {
    hd(t).DOB = "01/06/2020";
    ep(t, 1).PLACE = "S1";
  },
  "374": (t) => {
    ep(t, 1).PLACE = "P3";
  },
  "386": (t) => {
    hd(t).DOB = "01/06/2005";
    ep(t, 0).REC = "E11";
  },
  "387": (t) => {
    ep(t, 0).REC = "E5";
  },
  "389": (t) => {
    ep(t, 0).REC = "E7";
  },
  "407": (t) => {
    hd(t).DOB = "01/06/2005";
    ep(t, 0).REC = "E45";
  },
};

/** Near misses that must pass (the boundary of the rule). */
const PASS: Record<string, (t: Tables) => void> = {
  "361": (t) => {
    ep(t, 0).LS = "L1";
    ep(t, 0).DEC = "04/05/2023";
    ep(t, 1).DECOM = "04/05/2023";
  },
  "433": (t) => {
    ep(t, 1).RNE = "S";
  },
  "352": (t) => {
    hd(t).DOB = "02/05/2005";
  },
  "374": (t) => {
    hd(t).DOB = "01/09/2009";
    ep(t, 1).PLACE = "P3";
  },
  "148": (t) => {
    ep(t, 1).DEC = "01/10/2023";
    ep(t, 1).REC = "E4A";
  },
  "101": (t) => {
    hd(t).SEX = "2";
  },
  "168": (t) => {
    hd(t).UPN = "UN5";
  },
};

const ids = (t: Tables) => runRules(SSDA903_RULES, child(t), {}, { file: "x" }).map((i) => i.code);

test("the valid 903 child passes every rule", () => {
  assert.deepEqual(ids(base()), []);
});

test("a date that cannot be read is no DfE rule's (so --dfe-errors-as-queries cannot load it blank): ssda903-read checks it", () => {
  const t = base();
  hd(t).DOB = "31/02/2010";
  ep(t, 0).DEC = "45526";
  t.UASC![0]!.DUC = "soon";
  t.AD1![0]!.DATE_MATCH = "32/01/2024";
  assert.deepEqual(ids(t), []);
});

test("every 903 rule has a failing case, and the registry has at least 45 rules with unique ids", () => {
  assert.ok(SSDA903_RULES.length >= 45, `${SSDA903_RULES.length} rules`);
  assert.equal(new Set(SSDA903_RULES.map((r) => r.id)).size, SSDA903_RULES.length);
  for (const r of SSDA903_RULES) assert.ok(FAIL[r.id], `rule ${r.id} has no failing case`);
});

for (const r of SSDA903_RULES) {
  test(`903 rule ${r.id}: fails when broken, passes at the boundary`, () => {
    const bad = base();
    FAIL[r.id]!(bad);
    const hits = ids(bad);
    assert.ok(hits.includes(`903-${r.id}`), `expected 903-${r.id} in ${hits.join(", ")}`);
    const good = base();
    PASS[r.id]?.(good);
    assert.ok(!ids(good).includes(`903-${r.id}`));
    const issue = runRules([r], child(bad), {}, { file: "x" })[0]!;
    assert.equal(issue.severity, "error");
    assert.ok(issue.file && issue.row && issue.expected && issue.message.includes(r.message), "located, with expectation and the DfE message");
    assert.equal(runRules([r], child(bad), {}, { file: "x" }, true)[0]!.severity, "warning", "downgraded to a query on request");
  });
}

/** A child of the given episodes (DECOM, DEC, LS), nothing else. */
function episodesChild(eps: [string, string, string][]): Child903 {
  const t = base();
  t.Episodes = eps.map(([decom, dec, ls], i) => ({ ...ep(base(), 0), DECOM: decom, DEC: dec, REC: dec ? "X1" : "", RNE: i ? "P" : "S", LS: ls }));
  return child(t);
}
const hitsOf = (c: Child903, ctx: { collectionEnd?: number } = {}) => runRules(SSDA903_RULES, c, ctx, { file: "x" }).filter((i) => /^903-36[123]$/.test(i.code));
const END_2025 = dayOf(2025, 3, 31);

test("903 rules 361-363: consecutive episodes of one legal status are one spell, and an open one lasts to the collection year's end, as the DfE counts them", () => {
  // Two L1 episodes of 2 days each, the second starting the day the first ceased: 4 days of police protection.
  const chain = hitsOf(episodesChild([["01/06/2024", "03/06/2024", "L1"], ["03/06/2024", "05/06/2024", "L1"], ["05/06/2024", "", "C2"]]));
  assert.deepEqual(chain.map((i) => [i.code, i.row, i.column]), [["903-361", 3, "DEC"], ["903-361", 4, "DEC"]], "both episodes of the spell are named");
  assert.match(chain[0]!.message, /L1 from 01\/06\/2024 to 05\/06\/2024 over 2 episodes: 4 days/);
  // Open on the collection year's end (31/03/2025): an L1 from 15/03/2025 has lasted 16 days, an L2 from 01/02/2025 58.
  const openL1 = hitsOf(episodesChild([["15/03/2025", "", "L1"]]), { collectionEnd: END_2025 });
  assert.deepEqual(openL1.map((i) => [i.code, i.row, i.column, i.value]), [["903-361", 3, "DEC", ""]]);
  assert.match(openL1[0]!.message, /L1 from 15\/03\/2025 to the collection year's end, 31\/03\/2025 \(still open\): 16 days/);
  assert.deepEqual(hitsOf(episodesChild([["01/02/2025", "", "L2"]]), { collectionEnd: END_2025 }).map((i) => i.code), ["903-362"]);
  assert.deepEqual(hitsOf(episodesChild([["20/03/2025", "", "L3"]]), { collectionEnd: END_2025 }).map((i) => i.code), ["903-363"]);
  // Until the collection year's end is known, an open spell is left aside (the reader runs these rules again once it is).
  assert.deepEqual(hitsOf(episodesChild([["15/03/2025", "", "L1"]])), []);
});

test("903 rules 361-363: spells within their limit, broken by another status or a gap, or open for no longer than allowed, are not flagged", () => {
  const none = (eps: [string, string, string][]) => assert.deepEqual(hitsOf(episodesChild(eps), { collectionEnd: END_2025 }), [], JSON.stringify(eps));
  none([["01/06/2024", "04/06/2024", "L1"], ["04/06/2024", "", "C2"]]); // 3 days exactly
  none([["01/06/2024", "03/06/2024", "L1"], ["03/06/2024", "05/06/2024", "C2"], ["05/06/2024", "07/06/2024", "L1"], ["07/06/2024", "", "C2"]]); // two spells of 2 days, another status between
  none([["01/06/2024", "03/06/2024", "L1"], ["05/06/2024", "07/06/2024", "L1"], ["07/06/2024", "", "C2"]]); // a gap: two spells
  none([["28/03/2025", "", "L1"]]); // open 3 days to 31/03/2025
  none([["10/03/2025", "", "L2"]]); // open 21 days
  none([["24/03/2025", "", "L3"]]); // open 7 days
  none([["01/05/2024", "20/05/2024", "L2"], ["20/05/2024", "22/05/2024", "L2"], ["22/05/2024", "", "C2"]]); // 21 days over two episodes
});

test("903 rule 168: a wrong check letter or format is flagged, with the right letter; a valid UPN, UN1 to UN5 or a blank is not; UN6 and UN7 are the CIN census's only", () => {
  const upn = (v: string) => {
    const t = base();
    hd(t).UPN = v;
    return runRules(SSDA903_RULES, child(t), {}, { file: "x" }).filter((i) => i.code === "903-168");
  };
  const [wrong] = upn("B123456789012");
  assert.deepEqual([wrong?.column, wrong?.value], ["UPN", "B123456789012"]);
  assert.match(wrong!.message, /the check letter for 123456789012 is A/);
  for (const bad of ["A12345678901", "A1234567890I2", "UN6", "UN7", "UN10", "I123456789012", "5035247309594"]) assert.equal(upn(bad).length, 1, bad);
  // Valid UPNs from the shared samples (with any LA code: that is the CIN census's rule 1530), and a temporary one.
  for (const ok of ["", "A123456789012", "T004199988970", "R005482628546", "A950000178301", "H20100000101A", "UN1", "UN2", "UN3", "UN4", "UN5"]) assert.deepEqual(upn(ok), [], ok);
});
