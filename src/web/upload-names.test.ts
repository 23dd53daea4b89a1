import assert from "node:assert/strict";
import { test } from "node:test";
import { uploadName } from "./upload-names.ts";

test("ordinary names people give files are kept as they are", () => {
  for (const name of ["Annex A – List 1.csv", "Children's list 1.csv", "Annex A & B.xlsx", "_header.csv", "903 [2024].csv", "episodes.csv", "Header.CSV", "CIN census 2025.xml"]) {
    assert.deepEqual(uploadName(name), { saved: name }, name);
  }
});

test("names the loaders recognise are never changed", () => {
  for (const name of ["ssd_person.csv", "ssd_cla_episodes.csv", "ssd_contacts (1).csv", "ssd_contacts - Copy.csv", "ssd_contacts copy 2.csv", "population.csv", "authorities.csv", "measures.csv"]) {
    assert.deepEqual(uploadName(name), { saved: name }, name);
  }
});

test("nothing in a name can leave the upload's folder or hide the file", () => {
  assert.deepEqual(uploadName("../../etc/passwd.csv"), { saved: "passwd.csv" });
  assert.deepEqual(uploadName("..\\..\\windows\\win.ini.csv"), { saved: "win.ini.csv" });
  assert.deepEqual(uploadName("C:\\Users\\ann\\Desktop\\903 header.csv"), { saved: "903 header.csv" });
  assert.deepEqual(uploadName(".hidden.csv"), { saved: "hidden.csv" });
  assert.deepEqual(uploadName("a..b...c.csv"), { saved: "a.b.c.csv" });
  assert.deepEqual(uploadName("list\u0000 1\u0007.csv"), { saved: "list_ 1_.csv" });
  assert.deepEqual(uploadName('what?*:"<>|%$`.csv'), { saved: "what__________.csv" });
  const long = uploadName(`${"x".repeat(500)}.xlsx`);
  assert.ok("saved" in long && long.saved.length === 120 && long.saved.endsWith(".xlsx"));
  // Letters of 3 bytes each: cut to fit the file system's 255 bytes, not only 120 characters.
  const wide = uploadName(`${"児童相談所".repeat(30)}.csv`);
  assert.ok("saved" in wide && Buffer.byteLength(wide.saved) <= 200 && wide.saved.endsWith(".csv") && wide.saved.startsWith("児童相談所"), JSON.stringify(wide));
  // Windows device names are not files.
  assert.deepEqual(uploadName("CON.csv"), { saved: "_CON.csv" });
  assert.deepEqual(uploadName("nul.xml"), { saved: "_nul.xml" });
  assert.deepEqual(uploadName("com1.csv"), { saved: "_com1.csv" });
  assert.deepEqual(uploadName("console.csv"), { saved: "console.csv" });
  for (const r of [uploadName("../.csv"), uploadName("..csv"), uploadName("....csv"), uploadName(" .csv")]) {
    assert.deepEqual(r, { refused: "name", why: "its name has no letters or digits before the extension" });
  }
});

test("a file that is not CSV, XML or Excel is refused for its type, not its name", () => {
  for (const name of ["export.exe", "list.xls", "ssd_person.csv.zip", "notes"]) assert.deepEqual(uploadName(name), { refused: "type", why: "it is not a CSV, XML or Excel (.xlsx) file" }, name);
});
