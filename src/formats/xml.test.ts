// A DOCTYPE with an internal subset (entity declarations: the "billion laughs" and external
// entity attacks) is refused with a message naming file and line, not mistaken for an unknown
// root element (QA: "root element <?>"); a bare DOCTYPE declares nothing and is read.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../test/fixtures.ts";
import { isLanternError } from "../core/errors.ts";
import { loadFormats } from "./load.ts";
import { readXmlRecords, xmlRootName } from "./xml.ts";

const SUBSET = '<?xml version="1.0"?>\n<!DOCTYPE Message [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n';
const BODY = "<Message><Header><Source><LEA>201</LEA><SerialNo>&b;</SerialNo></Source></Header><Children></Children></Message>\n";

test("xml: the root element is found past a DOCTYPE, internal subset and all", () => {
  assert.equal(xmlRootName(`${SUBSET}${BODY}`), "Message");
  assert.equal(xmlRootName('<?xml version="1.0"?>\n<!DOCTYPE EXPSSDA903 SYSTEM "x.dtd">\n<EXPSSDA903/>'), "EXPSSDA903");
});

test("xml: a DOCTYPE with an internal subset is refused, naming the file and the line it starts on", async () => {
  const { dir, cleanup } = tempDir("lantern-xml-");
  try {
    const path = join(dir, "cin.xml");
    writeFileSync(path, `${SUBSET}${BODY}`);
    await assert.rejects(
      async () => {
        for await (const _ of readXmlRecords(path, (p) => p.length === 2)) void _;
      },
      (e: unknown) => {
        assert.ok(isLanternError(e) && e.code === "LANTERN_DATA_REJECTED", String(e));
        assert.deepEqual(
          e.issues.map((i) => [i.code, i.file, i.row]),
          [["FILE_XML_DOCTYPE", "cin.xml", 2]],
        );
        assert.match(e.issues[0]!.message, /cin\.xml has a DOCTYPE declaration with its own definitions .* on line 2\. Lantern does not accept these/);
        return true;
      },
    );
    // Through a load: recognised as the CIN census, then refused with that issue (exit code 2).
    const r = await loadFormats(undefined, { paths: [path] });
    assert.equal(r.status, "rejected");
    assert.deepEqual(
      r.issues.map((i) => i.code),
      ["FILE_XML_DOCTYPE"],
    );
  } finally {
    cleanup();
  }
});

test("xml: a bare DOCTYPE declares nothing and the file is read", async () => {
  const { dir, cleanup } = tempDir("lantern-xml-");
  try {
    const path = join(dir, "cin.xml");
    writeFileSync(path, '<?xml version="1.0"?>\n<!DOCTYPE Message>\n<Message><Header><Source><LEA>201</LEA></Source></Header></Message>\n');
    const names: string[] = [];
    for await (const { node } of readXmlRecords(path, (p) => p.length === 2)) names.push(node.name);
    assert.deepEqual(names, ["Header"]);
  } finally {
    cleanup();
  }
});
