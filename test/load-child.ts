/**
 * @module
 * A load run in its own process so a test can kill it half way: `node test/load-child.ts DATA EXPORT`
 * (with LANTERN_DATABASE_URL set for PostgreSQL) opens the store, imports EXPORT as authority 202
 * (forced), and once every row is written inside the commit transaction prints `COMMITTING` and
 * waits there for ever — until the test kills it.
 */

import { importSsd } from "../src/ingest/ssd-import.ts";
import { openStore, storeConfig } from "../src/store/open.ts";

const [dataDir, exportDir] = process.argv.slice(2) as [string, string];
const store = await openStore(storeConfig(dataDir));
await importSsd(store, {
  paths: [exportDir],
  authority: "202",
  force: true,
  duringCommit: async () => {
    process.stdout.write("COMMITTING\n");
    await new Promise(() => setInterval(() => undefined, 1000));
  },
});
process.stdout.write("COMMITTED\n");
