import assert from "node:assert/strict";
import { test } from "node:test";
import { Gate, OneAtATime } from "./gate.ts";

test("a write waits for running reads, and reads started during it wait for it", async () => {
  const g = new Gate();
  const log: string[] = [];
  let releaseRead!: () => void;
  const r1 = g.read(async () => {
    log.push("r1 start");
    await new Promise<void>((r) => (releaseRead = r));
    log.push("r1 end");
  });
  const w = g.write(async () => {
    log.push("w");
  });
  const r2 = g.read(async () => {
    log.push("r2");
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ["r1 start"]);
  releaseRead();
  await Promise.all([r1, w, r2]);
  assert.deepEqual(log, ["r1 start", "r1 end", "w", "r2"]);
  assert.equal(g.generation, 1);
});

test("a failed write still releases the gate", async () => {
  const g = new Gate();
  await assert.rejects(g.write(async () => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await g.read(async () => 7), 7);
});

test("two waiting writes never run together", async () => {
  const g = new Gate();
  let inside = 0;
  let most = 0;
  const slowRead = g.read(() => new Promise((r) => setTimeout(r, 5)));
  const writes = [1, 2, 3].map(() =>
    g.write(async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((r) => setImmediate(r));
      inside--;
    }),
  );
  await Promise.all([slowRead, ...writes]);
  assert.equal(most, 1);
  assert.equal(g.generation, 3);
});

test("one at a time: a task starts only when the one before has finished, even if it failed", async () => {
  const q = new OneAtATime();
  const log: string[] = [];
  let release!: () => void;
  const first = q.run(async () => {
    log.push("1 start");
    await new Promise<void>((r) => (release = r));
    log.push("1 end");
    throw new Error("first failed");
  });
  const second = q.run(async () => {
    log.push("2 start");
    return 2;
  });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ["1 start"]);
  release();
  await assert.rejects(first, /first failed/);
  assert.equal(await second, 2);
  assert.deepEqual(log, ["1 start", "1 end", "2 start"]);
});
