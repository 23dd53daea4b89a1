#!/usr/bin/env node
// The `lantern` executable: hands over to the TypeScript CLI (Node 24 runs it directly).
import { main } from "../src/cli/main.ts";

process.exitCode = await main(process.argv.slice(2));
