#!/usr/bin/env node
// The sentry CLI under Node: TypeScript sources run through tsx.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../sentry/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
