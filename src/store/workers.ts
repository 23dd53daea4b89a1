/**
 * @module
 * Running one job on several connections at once (`Store.parallel`), the same way on both
 * adapters: every worker runs to the end or stops early when told another has failed, and the
 * first failure is what the caller sees, only once all workers have stopped, so nothing is still
 * writing when the caller cleans up.
 */

/** Run `fn` for each of `workers` at once; results in worker order, or the first failure once all have settled. */
export async function runWorkers<W, T>(workers: readonly W[], fn: (worker: W, index: number, failed: () => boolean) => Promise<T>): Promise<T[]> {
  let failure: { error: unknown } | undefined;
  const failed = () => failure !== undefined;
  const settled = await Promise.allSettled(
    workers.map(async (w, i) => {
      try {
        return await fn(w, i, failed);
      } catch (e) {
        failure ??= { error: e };
        throw e;
      }
    }),
  );
  if (failure) throw failure.error;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** How many workers to use for `n` asked (at least one, whole). */
export function workerCount(n: number): number {
  return Number.isFinite(n) ? Math.max(1, Math.trunc(n)) : 1;
}

/**
 * The start of the name of every PostgreSQL table `createShared` makes (then the pid of the server
 * session that made it): such tables are a compute's scratch space, which backups leave out.
 */
export const SHARED_PREFIX = "lantern_work_";

/** {@link SHARED_PREFIX} as a LIKE pattern (its underscores literal), for use with `ESCAPE '\'`. */
export const SHARED_PREFIX_LIKE = SHARED_PREFIX.replaceAll("_", "\\_");
