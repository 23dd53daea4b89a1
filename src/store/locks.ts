/**
 * @module
 * Named locks inside one process: callers of the same name run one after another, in the order
 * they asked. The DuckDB store uses them alone (one process owns the file); the PostgreSQL store
 * adds a server-side advisory lock so that several processes on one server queue too.
 */

import { createHash } from "node:crypto";

/** A queue per name; `run` takes every name at once (sorted, so two callers never deadlock). */
export class NamedLocks {
  readonly #tails = new Map<string, Promise<void>>();

  /** Whether someone holds (or waits for) one of these names right now. */
  busy(names: readonly string[]): boolean {
    return names.some((n) => this.#tails.has(n));
  }

  async run<T>(names: readonly string[], fn: () => Promise<T>): Promise<T> {
    const keys = [...new Set(names)].sort();
    let release!: () => void;
    const done = new Promise<void>((r) => {
      release = r;
    });
    // Taken synchronously: the next caller of any of these names queues behind this one.
    const before = keys.map((k) => this.#tails.get(k) ?? Promise.resolve());
    for (const k of keys) this.#tails.set(k, done);
    try {
      await Promise.all(before);
      return await fn();
    } finally {
      release();
      for (const k of keys) if (this.#tails.get(k) === done) this.#tails.delete(k);
    }
  }
}

/** A lock name as the two 32-bit integers PostgreSQL's advisory locks take: (namespace, hash). */
export function advisoryKey(name: string): [number, number] {
  return [7_411_002, createHash("sha256").update(name).digest().readInt32BE(0)];
}
