/**
 * @module
 * The server keeps one store open (DuckDB has one writer, and uploads are loaded in-process), so
 * reads and writes share a connection. A write (an upload, a compute, an edit) must not have page
 * reads run inside its open transaction, so writes are exclusive: they wait for running reads,
 * and reads that arrive after a waiting write wait for it (first come, first served). Each write
 * bumps `generation`, which keys every page cache; so does a change committed by another process
 * sharing a PostgreSQL store (`store.onChange`). The gate orders this process's own reads and
 * writes only: across instances PostgreSQL's transactions do that.
 */

type Waiter = { readonly kind: "read" | "write"; readonly go: () => void };

export class Gate {
  #readers = 0;
  #writing = false;
  readonly #queue: Waiter[] = [];
  /** Bumped after every write; caches keyed by it never serve stale figures. */
  generation = 0;

  /** Admit whoever can go now, in arrival order; state changes before anyone resumes. */
  #drain(): void {
    while (this.#queue.length) {
      const head = this.#queue[0]!;
      if (head.kind === "read") {
        if (this.#writing) return;
        this.#readers++;
      } else {
        if (this.#writing || this.#readers > 0) return;
        this.#writing = true;
      }
      this.#queue.shift();
      head.go();
      if (head.kind === "write") return;
    }
  }

  /** Run a read; many run at once, none while a write runs or waits ahead of it. */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.#writing && this.#queue.length === 0) this.#readers++;
    else await new Promise<void>((go) => this.#queue.push({ kind: "read", go }));
    try {
      return await fn();
    } finally {
      this.#readers--;
      this.#drain();
    }
  }

  /** Another process changed the store (several instances on one PostgreSQL database): drop the caches. */
  changedElsewhere(): void {
    this.generation++;
  }

  /** Run a write alone. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.#writing && this.#readers === 0 && this.#queue.length === 0) this.#writing = true;
    else await new Promise<void>((go) => this.#queue.push({ kind: "write", go }));
    try {
      return await fn();
    } finally {
      this.#writing = false;
      this.generation++;
      this.#drain();
    }
  }
}

/** Runs tasks one at a time, in arrival order; a task that fails does not stop the next. */
export class OneAtATime {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
