// Property test of the SSD import on damaged files: whatever happens to one file of an export (cut
// off anywhere, bytes changed, a quote or a separator or a line break pushed into a value), the
// import either loads or is refused as a LanternError whose issues name the file and row, and a
// refused import adds no snapshot. It found a quote inside an unquoted value (O"Brien) escaping as
// "Lantern failed unexpectedly". Runs on both stores (the PostgreSQL run is `npm run test:pg`).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { smallExport, tempStore, writeExport } from "../../test/fixtures.ts";
import { isLanternError } from "../core/errors.ts";
import { importSsd } from "./ssd-import.ts";

const BASE = smallExport();
const NAMES = Object.keys(BASE).filter((n) => n.endsWith(".csv"));

/** One damaged file: which file, and what happened to it. */
const damage = fc.record({
  file: fc.constantFrom(...NAMES),
  how: fc.oneof(
    fc.record({ cut: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), insert: fc.constantFrom('"', '""', ",", ";", "\n", "\r", "\t", "\u0000", "\uFFFD", '"x', 'x"', "é") }),
    fc.record({ flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 5 }) }),
  ),
});

function damaged(d: { file: string; how: { cut?: number; at?: number; insert?: string; flips?: [number, number][] } }): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = { ...BASE };
  const b = Buffer.from(String(BASE[d.file]));
  const pos = (x: number) => Math.min(b.length, Math.floor(x * b.length));
  if (d.how.cut !== undefined) files[d.file] = b.subarray(0, pos(d.how.cut));
  else if (d.how.insert !== undefined) files[d.file] = Buffer.concat([b.subarray(0, pos(d.how.at!)), Buffer.from(d.how.insert), b.subarray(pos(d.how.at!))]);
  else {
    const c = Buffer.from(b);
    for (const [x, v] of d.how.flips!) c[Math.min(c.length - 1, pos(x))] = v;
    files[d.file] = c;
  }
  return files;
}

test("fuzz: a damaged SSD file is loaded or refused with located issues, never a crash or a half load", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const snapshots = async () => Number((await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_snapshot`))[0]!.n);
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        const before = await snapshots();
        try {
          await importSsd(store, { paths: [writeExport(damaged(d))], authority: "202", force: true });
        } catch (e) {
          assert.ok(isLanternError(e), `not a LanternError: ${e instanceof Error ? e.stack : String(e)}`);
          if (e.code === "LANTERN_DATA_REJECTED") {
            assert.ok(e.issues.length > 0, e.message);
            for (const i of e.issues.filter((x) => x.severity === "error")) assert.ok(i.file && i.message, JSON.stringify(i));
          }
          assert.equal(await snapshots(), before, "a refused import adds no snapshot");
        }
      }),
      { numRuns: 60, seed: 11 },
    );
  } finally {
    await cleanup();
  }
});
