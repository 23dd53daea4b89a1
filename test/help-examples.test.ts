// Every worked example in the --help of the commands that read the store runs, as written, on a
// store Lantern makes (a small generated authority X001 loaded once, snapshot 1, as `lantern demo`
// makes a bigger one): an example naming an authority or snapshot no such store has (202,
// snapshot 3) teaches a command that fails. An example that needs more says so in a comment
// beginning "# needs", and is not run; commands whose examples name files of the user's own
// (import, validate, spc, backup) or real authorities (benchmarks) are not run here.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { COMMANDS, main } from "../src/cli/main.ts";
import { capture, needsPrograms, tempDir } from "./fixtures.ts";

/** The commands whose examples read (or note on) the loaded data. */
const RUN = ["compute", "indicators", "records", "digest", "annotate", "annotations", "forecast", "export", "revisions", "snapshots", "report", "audit"];

/** An example line's words as a shell would split them (quotes, a trailing # comment). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(#.*$)|(\S+)/g;
  for (const m of line.matchAll(re)) {
    if (m[3] !== undefined) break;
    out.push(m[1] ?? m[2] ?? m[4]!);
  }
  return out;
}

/** The examples of a command's help: the lines under "Examples:" that run lantern. */
function examples(help: string): string[] {
  const at = help.indexOf("\nExamples:\n");
  if (at < 0) return [];
  return help
    .slice(at + "\nExamples:\n".length)
    .split("\n")
    .filter((l) => /^ {2}(\w+=\S+ )*lantern /.test(l));
}

const t = tempDir("lantern-examples-");
const data = join(t.dir, "data");
const cwd = process.cwd();
before(async () => {
  const gen = join(t.dir, "generated");
  assert.equal(await main(["generate", "--out", gen, "--population", "2000", "--from", "2023-04", "--to", "2026-09"], capture()), 0);
  const o = capture();
  assert.equal(await main(["import", gen, "--data", data], o), 0, o.stderr());
  // Examples write their files (./x001-copy, q2-exempt.html) where they are run.
  mkdirSync(join(t.dir, "work"));
  process.chdir(join(t.dir, "work"));
});
after(() => {
  process.chdir(cwd);
  t.cleanup();
});

const noChromium = needsPrograms(["chromium"]);

for (const name of RUN) {
  test(`lantern ${name} --help: every example runs on a store lantern makes`, async () => {
    const help = (await COMMANDS[name]!.load()).help;
    const lines = examples(help);
    assert.ok(lines.length, `${name} --help has examples`);
    for (const line of lines) {
      if (/#\s*needs\b/.test(line)) continue;
      if (noChromium && /--format pdf|\.pdf\b/.test(line)) continue;
      const argv = words(line.trim());
      const env: Record<string, string> = {};
      while (/^\w+=/.test(argv[0]!)) {
        const [k, ...v] = argv.shift()!.split("=");
        env[k!] = v.join("=");
      }
      assert.equal(argv.shift(), "lantern", line);
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
      const o = capture();
      try {
        assert.equal(await main([...argv, "--data", data], o), 0, `${line.trim()}\n${o.stderr()}${o.stdout().slice(0, 2000)}`);
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    }
  });
}

test("the example lines are split as a shell would", () => {
  assert.deepEqual(words(`lantern annotate --note "Police changed how" --kind note   # needs more`), ["lantern", "annotate", "--note", "Police changed how", "--kind", "note"]);
  assert.deepEqual(words("lantern audit --action 'auth.*' --json"), ["lantern", "audit", "--action", "auth.*", "--json"]);
  assert.deepEqual(examples("x\n\nExamples:\n  lantern a\n  LANTERN_X=1 lantern b\n      prose\n"), ["  lantern a", "  LANTERN_X=1 lantern b"]);
});
